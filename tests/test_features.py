"""Frame features: shapes on the shared 100 Hz grid, robustness, and what they measure."""

from __future__ import annotations

import numpy as np
import pytest

from medtalk.audio import SAMPLE_RATE
from medtalk.errors import MedtalkError
from medtalk.features import (
    FEATURE_RATE,
    N_FREQS,
    N_MELS,
    PITCH_REACH,
    PROSODY_DIM,
    PROSODY_NAMES,
    log_mel,
    num_feature_frames,
    pitch,
    power_spectrogram,
    prosody,
)

COLUMN = {name: i for i, name in enumerate(PROSODY_NAMES)}


def tone(hz: float, seconds: float = 1.0, amplitude: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (amplitude * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def voice(f0: np.ndarray, amplitude: float = 0.3) -> np.ndarray:
    """A buzzy harmonic source following a per-sample pitch contour ``(N,)``."""
    phase = 2 * np.pi * np.cumsum(f0) / SAMPLE_RATE
    wave = sum(np.sin(k * phase) / k for k in range(1, 12))
    return (amplitude * wave / np.abs(wave).max()).astype(np.float32)


@pytest.mark.parametrize("n", [0, 1, 159, 160, 161, 16000])
def test_frame_count_and_silence_are_finite(n: int) -> None:
    wave = np.zeros(n, dtype=np.float32)
    frames = num_feature_frames(n)
    assert frames == n // 160 + 1 >= 1
    assert power_spectrogram(wave).shape == (frames, N_FREQS)
    mel, pros = log_mel(wave), prosody(wave)
    assert mel.shape == (frames, N_MELS) and mel.dtype == np.float32
    assert pros.shape == (frames, PROSODY_DIM) and pros.dtype == np.float32
    assert np.isfinite(mel).all() and np.isfinite(pros).all()
    assert (pros[:, COLUMN["voicing"]] == 0).all()


def test_rate_constants() -> None:
    assert FEATURE_RATE == 100 and SAMPLE_RATE % 160 == 0
    assert num_feature_frames(60 * SAMPLE_RATE) == 6001


def test_bad_shapes_raise() -> None:
    with pytest.raises(MedtalkError):
        log_mel(np.zeros((2, 100), dtype=np.float32))
    with pytest.raises(ValueError):
        log_mel(np.zeros(100), power=np.zeros((1, N_FREQS)))


def test_nan_input_is_cleaned() -> None:
    wave = tone(200.0)
    wave[100:200] = np.nan
    assert np.isfinite(log_mel(wave)).all() and np.isfinite(prosody(wave)).all()


def test_power_spectrogram_peaks_at_the_tone() -> None:
    power = power_spectrogram(tone(1000.0))
    peak_hz = power[50].argmax() * SAMPLE_RATE / 512
    assert abs(peak_hz - 1000.0) <= SAMPLE_RATE / 512


def test_log_mel_ignores_gain_and_fixed_eq() -> None:
    rng = np.random.default_rng(0)
    syllables = np.repeat(rng.uniform(0.2, 1.0, 10), 1600)
    hiss = 0.003 * rng.standard_normal(SAMPLE_RATE)  # a real room: some energy in every band
    wave = (voice(np.linspace(110.0, 160.0, SAMPLE_RATE)) * syllables + hiss).astype(np.float32)
    base = log_mel(wave)
    power = power_spectrogram(wave)
    eq = np.linspace(0.1, 3.0, N_FREQS, dtype=np.float32)  # a strong fixed tilt, 15 dB
    changed = log_mel(power=power * eq * 0.05)  # and -13 dB gain
    assert np.abs(changed - base).mean() < 0.1 * np.abs(base).mean()


def test_log_mel_puts_silence_below_sound() -> None:
    wave = np.concatenate([np.zeros(SAMPLE_RATE // 2), voice(np.full(SAMPLE_RATE // 2, 150.0))]).astype(np.float32)
    mel = log_mel(wave)
    assert mel[10:40].mean() < mel[60:90].mean() - 1.0


@pytest.mark.parametrize("hz", [80.0, 150.0, 300.0])
def test_pitch_of_a_steady_voice(hz: float) -> None:
    pros = prosody(voice(np.full(SAMPLE_RATE, hz)))[5:-5]
    assert (pros[:, COLUMN["voicing"]] > 0.8).all()
    assert np.abs(pros[:, COLUMN["log_f0"]]).max() < 0.05  # relative to its own median


def test_pitch_rise_is_tracked_in_octaves() -> None:
    wave = voice(np.geomspace(100.0, 200.0, SAMPLE_RATE))  # one octave up over 1 s
    log_f0 = prosody(wave)[10:-10, COLUMN["log_f0"]]
    slope = np.polyfit(np.arange(len(log_f0)) / FEATURE_RATE, log_f0, 1)[0]
    assert slope == pytest.approx(1.0, abs=0.1)


def test_noise_is_unvoiced_flat_and_bright() -> None:
    noise = np.random.default_rng(1).standard_normal(SAMPLE_RATE).astype(np.float32) * 0.1
    pros = prosody(noise)[5:-5]
    hum = prosody(voice(np.full(SAMPLE_RATE, 120.0)))[5:-5]
    assert pros[:, COLUMN["voicing"]].mean() < 0.5
    assert pros[:, COLUMN["flatness"]].mean() > 5 * hum[:, COLUMN["flatness"]].mean()
    assert pros[:, COLUMN["centroid"]].mean() > hum[:, COLUMN["centroid"]].mean()
    assert pros[:, COLUMN["tilt"]].mean() < hum[:, COLUMN["tilt"]].mean()


def test_energy_is_relative_to_the_utterance_and_follows_loudness() -> None:
    wave = voice(np.full(SAMPLE_RATE, 150.0)) * np.linspace(0.01, 1.0, SAMPLE_RATE, dtype=np.float32)
    energy = prosody(wave)[:, COLUMN["energy"]]
    assert energy[20] < energy[50] < energy[90]
    quiet = prosody(wave * 0.1)[:, COLUMN["energy"]]
    np.testing.assert_allclose(quiet[5:-5], energy[5:-5], atol=0.02)
    silence = prosody(np.zeros(SAMPLE_RATE, dtype=np.float32))[:, COLUMN["energy"]]
    assert silence.max() < energy.min()


def test_flux_and_deltas_mark_onsets() -> None:
    wave = np.concatenate([np.zeros(SAMPLE_RATE // 2), voice(np.full(SAMPLE_RATE // 2, 150.0))]).astype(np.float32)
    pros = prosody(wave)
    onset = 50
    flux = pros[:, COLUMN["flux"]]
    assert flux[onset - 2 : onset + 3].max() > 5 * np.median(flux)
    energy_delta = pros[:, len(PROSODY_NAMES) + COLUMN["energy"]]
    assert energy_delta[onset - 2 : onset + 3].max() > 0.2


def test_real_speech(reference) -> None:
    from medtalk.audio import load_audio

    wave = load_audio(reference / "real" / "jfk.flac")
    pros = prosody(wave)
    voiced = pros[:, COLUMN["voicing"]] > 0.7
    assert 0.2 < voiced.mean() < 0.8
    assert 0.1 < pros[voiced, COLUMN["log_f0"]].std() < 0.6  # natural intonation, in octaves
    assert log_mel(wave).shape == (num_feature_frames(len(wave)), N_MELS)


def test_quiet_hum_in_a_pause_is_unvoiced() -> None:
    speech = voice(np.full(SAMPLE_RATE // 2, 150.0))
    hum = tone(60.0, 0.5, amplitude=0.003)  # mains hum 40 dB under the voice
    voicing = prosody(np.concatenate([speech, hum]))[:, COLUMN["voicing"]]
    assert (voicing[10:40] > 0.8).all() and (voicing[60:95] == 0).all()


def test_log_mel_of_speech_ignores_how_much_silence_surrounds_it() -> None:
    rng = np.random.default_rng(2)
    syllables = np.repeat(rng.uniform(0.2, 1.0, 10), 1600)
    hiss = 0.001 * rng.standard_normal(SAMPLE_RATE)
    speech = (voice(np.linspace(120.0, 180.0, SAMPLE_RATE)) * syllables + hiss).astype(np.float32)
    pause = (0.001 * rng.standard_normal(3 * SAMPLE_RATE)).astype(np.float32)
    alone = log_mel(speech)[5:-5]
    padded = log_mel(np.concatenate([pause, speech, pause]))[305:-305]
    assert np.abs(padded - alone).mean() < 0.1 * np.abs(alone).mean()  # plain CMVN: 2.5


def test_a_frames_pitch_reads_only_its_reach() -> None:
    """Cut anywhere on the frame grid: every frame whose ``PITCH_REACH`` lies inside the cut gets the
    pitch the whole signal gives it, to the bit (a live stream caches it on that)."""
    rng = np.random.default_rng(0)
    wave = voice(np.interp(np.arange(2 * SAMPLE_RATE), [0, 2 * SAMPLE_RATE], [110.0, 240.0]))
    wave = wave + 0.01 * rng.standard_normal(len(wave)).astype(np.float32)
    f0, voicing = pitch(wave)
    for first, last in [(0, 9000), (3200, 20000), (16000, len(wave))]:
        cut_f0, cut_voicing = pitch(wave[first:last])
        frames = np.arange(len(cut_f0))
        inside = (frames * 160 >= PITCH_REACH[0]) & (frames * 160 + PITCH_REACH[1] < last - first)
        assert inside.sum() >= len(frames) - 6
        np.testing.assert_array_equal(cut_f0[inside], f0[first // 160 :][frames[inside]])
        np.testing.assert_array_equal(cut_voicing[inside], voicing[first // 160 :][frames[inside]])


def test_prosody_with_its_pitch_given_is_the_same() -> None:
    wave = voice(np.full(SAMPLE_RATE, 150.0))
    given = pitch(wave)
    np.testing.assert_array_equal(prosody(wave, pitch=given), prosody(wave))
    with pytest.raises(ValueError, match="pitch has"):
        prosody(wave, pitch=(given[0][:-1], given[1][:-1]))
