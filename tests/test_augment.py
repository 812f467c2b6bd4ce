"""Augmentations change the spectrum in the intended direction and keep speech usable."""

from __future__ import annotations

import numpy as np
import pytest

from medtalk.audio import SAMPLE_RATE
from medtalk.augment import (
    NOISE_COLOURS,
    add_noise,
    augment_power,
    augment_wave,
    band_limit,
    equalise,
    pitch_shift,
    reverberate,
    saturate,
    speed_perturb,
    vtlp,
)
from medtalk.features import log_mel, power_spectrogram

BIN_HZ = SAMPLE_RATE / 512


def voice(f0: float = 140.0, seconds: float = 1.0, seed: int = 0) -> np.ndarray:
    """A vowel-like sound: harmonics of ``f0`` through two formant resonances, ``(N,)``."""
    n = int(seconds * SAMPLE_RATE)
    t = np.arange(n) / SAMPLE_RATE
    wave = np.zeros(n)
    for k in range(1, int(7000 // f0)):
        hz = k * f0
        formants = 1.0 / (1 + ((hz - 700) / 150) ** 2) + 0.5 / (1 + ((hz - 1800) / 200) ** 2)
        wave += (0.02 + formants) * np.sin(2 * np.pi * hz * t)
    wave += 0.001 * np.random.default_rng(seed).standard_normal(n)
    return (0.3 * wave / np.abs(wave).max()).astype(np.float32)


def centroid_hz(power: np.ndarray) -> float:
    hz = np.arange(power.shape[1]) * BIN_HZ
    return float((power * hz).sum() / power.sum())


def first_harmonic_hz(power: np.ndarray) -> float:
    spectrum = power[20:-20].mean(axis=0)
    lo = int(60 / BIN_HZ)
    return float((lo + spectrum[lo : int(400 / BIN_HZ)].argmax()) * BIN_HZ)


def formant_hz(power: np.ndarray) -> float:
    """Frequency of the strongest smoothed spectral region (the first formant here)."""
    smooth = np.convolve(power[20:-20].mean(axis=0), np.ones(15) / 15, mode="same")
    return float(smooth.argmax() * BIN_HZ)


@pytest.fixture(scope="module")
def power() -> np.ndarray:
    return power_spectrogram(voice())


def test_vtlp_moves_energy_up_or_down(power: np.ndarray) -> None:
    base = centroid_hz(power)
    assert centroid_hz(vtlp(power, 1.2)) > base * 1.1
    assert centroid_hz(vtlp(power, 0.8)) < base * 0.9
    np.testing.assert_allclose(vtlp(power, 1.0), power, rtol=1e-5)
    assert formant_hz(vtlp(power, 1.2)) == pytest.approx(1.2 * formant_hz(power), rel=0.08)


def test_pitch_shift_moves_harmonics_not_formants(power: np.ndarray) -> None:
    shifted = pitch_shift(power, 4.0)  # x1.26
    assert first_harmonic_hz(shifted) == pytest.approx(first_harmonic_hz(power) * 2 ** (4 / 12), rel=0.1)
    assert formant_hz(shifted) == pytest.approx(formant_hz(power), abs=120)


@pytest.mark.parametrize("colour", NOISE_COLOURS)
def test_noise_raises_the_floor_at_the_requested_snr(power: np.ndarray, colour: str) -> None:
    rng = np.random.default_rng(0)
    noisy = add_noise(power, 10.0, colour, rng)
    added = noisy - power
    assert 10 * np.log10(power.mean() / added.mean()) == pytest.approx(10.0, abs=0.1)
    assert np.percentile(noisy, 10) > 10 * np.percentile(power, 10)
    with pytest.raises(ValueError):
        add_noise(power, 10.0, "purple", rng)


def test_pink_noise_is_darker_than_white(power: np.ndarray) -> None:
    silent = np.full_like(power, 1e-9)
    white = add_noise(silent, 0.0, "white", np.random.default_rng(0))
    pink = add_noise(silent, 0.0, "pink", np.random.default_rng(0))
    assert centroid_hz(pink - silent) < 0.5 * centroid_hz(white - silent)


def test_reverb_lengthens_the_decay() -> None:
    burst = np.concatenate([voice(seconds=0.3), np.zeros(SAMPLE_RATE // 2, dtype=np.float32)])
    power = power_spectrogram(burst)
    wet = reverberate(power, rt60=0.8, drr_db=3.0)
    after = slice(40, 70)  # 100-400 ms after the sound stops
    assert wet[after].sum() > 1000 * power[after].sum()
    tail = wet[after].sum(axis=1)
    assert (np.diff(tail) < 0).all()  # a decaying tail
    longer = reverberate(power, rt60=1.0, drr_db=3.0)[after].sum()
    shorter = reverberate(power, rt60=0.3, drr_db=3.0)[after].sum()
    assert longer > shorter
    assert wet.shape == power.shape


def test_equalise_follows_the_gain_curve(power: np.ndarray) -> None:
    tilted = equalise(power, np.array([-6.0, 6.0]))
    ratio_db = 10 * np.log10(tilted[50] / power[50])
    assert ratio_db[1] == pytest.approx(-6.0, abs=0.5) and ratio_db[-1] == pytest.approx(6.0, abs=0.1)
    assert (np.diff(ratio_db) >= -1e-3).all()


def test_band_limit_removes_the_top_band(power: np.ndarray) -> None:
    phone = band_limit(power, 300.0, 3400.0)
    top = slice(int(6800 / BIN_HZ), None)
    assert phone[:, top].sum() < 1e-5 * power[:, top].sum()
    assert phone[:, 3].sum() < 0.1 * power[:, 3].sum()  # 94 Hz, under the telephone band
    mid = int(1000 / BIN_HZ)
    np.testing.assert_allclose(phone[:, mid], power[:, mid])


def test_augment_power_is_seeded_bounded_and_identity_at_zero(power: np.ndarray) -> None:
    one = augment_power(power, np.random.default_rng(3))
    two = augment_power(power, np.random.default_rng(3))
    np.testing.assert_array_equal(one, two)
    assert one.shape == power.shape and one.dtype == np.float32
    assert np.isfinite(one).all() and (one >= 0).all()
    np.testing.assert_array_equal(augment_power(power, np.random.default_rng(3), strength=0.0), power)


def test_augmented_speech_stays_recognisable(power: np.ndarray) -> None:
    """Most draws keep the log-mel correlated with the clean one; none is identical."""
    clean = log_mel(power=power).ravel()
    rng = np.random.default_rng(7)
    corr = [np.corrcoef(clean, log_mel(power=augment_power(power, rng)).ravel())[0, 1] for _ in range(20)]
    assert np.median(corr) > 0.6
    assert max(corr) < 0.9999


def test_speed_perturb_changes_length_and_frequencies() -> None:
    wave = voice(f0=150.0)
    fast = speed_perturb(wave, 1.1)
    assert len(fast) == pytest.approx(len(wave) / 1.1, abs=2)
    base = centroid_hz(power_spectrogram(wave))
    assert centroid_hz(power_spectrogram(fast)) == pytest.approx(1.1 * base, rel=0.03)


def test_augment_wave() -> None:
    wave = voice()
    lengths = {len(augment_wave(wave, np.random.default_rng(seed))) for seed in range(10)}
    assert len(lengths) > 1 and all(0.85 * len(wave) < n < 1.15 * len(wave) for n in lengths)
    np.testing.assert_array_equal(augment_wave(wave, np.random.default_rng(0), strength=0.0), wave)
    clipped = saturate(wave / np.abs(wave).max(), 4.0)
    assert np.abs(clipped).max() <= 1.0 and np.abs(clipped).mean() > np.abs(wave / np.abs(wave).max()).mean()
