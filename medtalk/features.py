"""Frame-level audio features at 100 frames/s: power spectrogram, log-mel, prosody.

Every feature here shares one frame grid: frame ``t`` is centred on sample
``t * HOP_LENGTH`` (the signal is zero-padded by ``N_FFT // 2`` on both sides),
so ``N`` samples give ``N // HOP_LENGTH + 1`` frames and a one-sample or silent
input still gives one valid, finite frame.

- ``log_mel``: the content front-end (the paper's wav2vec 2.0 replacement);
- ``prosody``: pitch, voicing, loudness and spectral-shape trajectories with
  their deltas (the paper's emotion2vec replacement for the intensity branch).
"""

from __future__ import annotations

import numpy as np
import scipy.fft
import scipy.ndimage

from medtalk.audio import SAMPLE_RATE
from medtalk.errors import MedtalkError

HOP_LENGTH = 160  # samples between frames: 10 ms at 16 kHz
WIN_LENGTH = 400  # samples in the Hann analysis window: 25 ms
N_FFT = 512  # FFT size (the window is zero-padded to it)
N_FREQS = N_FFT // 2 + 1  # frequency bins of the power spectrogram
assert SAMPLE_RATE % HOP_LENGTH == 0
FEATURE_RATE = SAMPLE_RATE // HOP_LENGTH  # frames/s
N_MELS = 80  # mel bands, 0 Hz to Nyquist (Slaney scale and area normalisation)

# Power floor of a spectrogram bin. A full-scale sine gives about 2e4 in its
# bin; 1e-10 is ~140 dB below, far under 16-bit quantisation noise, so it only
# keeps log() finite on digital silence.
POWER_FLOOR = 1e-10
# log_mel keeps 80 dB of dynamic range below the loudest bin of the utterance
# (as Whisper does) so that digital silence cannot dominate the statistics.
DYNAMIC_RANGE_DB = 80.0
# Frames within this many dB of a loud frame (the 95th percentile of frame
# power) set the log_mel statistics; quieter ones (pauses, room tone) do not.
ACTIVE_PERCENTILE = 95.0
ACTIVE_RANGE_DB = 35.0
# Per-band reference level of log_mel (natural log of mel power). A band whose
# utterance mean falls below this is treated as silent rather than amplified:
# espeak-ng speech averages ln(power) ~ -12..-7 per band and a close-miked
# recording ~ -7..-4; -18 is 25-60 dB below that, so only near-silent
# recordings are affected.
MEL_REFERENCE_FLOOR = -18.0
# Lower bound of the utterance's log-mel standard deviation (natural-log
# units); keeps silence and steady tones from being blown up to unit variance.
MEL_STD_FLOOR = 1.0
# Normalised log-mel values are clipped to this magnitude (in std units).
MEL_CLIP = 6.0

F0_MIN = 60.0  # Hz, lowest pitch tracked (deep male voices)
F0_MAX = 500.0  # Hz, highest pitch tracked (children, screams)
YIN_DECIMATION = 2  # pitch is tracked at 8 kHz: half the FFT work, no loss below 500 Hz
YIN_WINDOW = 400  # samples (at 16 kHz) integrated by the YIN difference function: 25 ms
SILENCE_POWER = 1e-10  # mean square below which a frame has no pitch (-100 dBFS)
YIN_THRESHOLD = 0.2  # cumulative-mean-normalised difference below which a lag is periodic
VOICED_THRESHOLD = 0.7  # voicing probability above which a frame counts as voiced
VOICING_FLOOR_DB = -30.0  # frames this far below a loud frame of the utterance are unvoiced
F0_MEDIAN_FRAMES = 5  # median filter on the voiced pitch track, removes octave jumps
# Frame energy is referenced to the utterance's 95th percentile (a loud speech
# frame) in dB, but never to less than this absolute level in dB full scale,
# so digital silence reads as quiet instead of "normal".
ENERGY_PERCENTILE = 95.0
ENERGY_REFERENCE_FLOOR_DB = -60.0
ENERGY_SCALE_DB = 20.0  # dB per unit of the normalised energy feature
ENERGY_CLIP = (-3.0, 1.0)  # normalised energy range
ALPHA_SPLIT_HZ = 1000.0  # spectral tilt: energy below vs. 1-5 kHz (eGeMAPS alpha ratio)
ALPHA_TOP_HZ = 5000.0
DELTA_WIDTH = 2  # frames each side in the regression deltas (HTK style)
# Bump when the values of any feature change, so caches of features expire.
FEATURES_VERSION = 2

PROSODY_NAMES = (
    "log_f0",  # log2(F0) minus the utterance's voiced median, octaves; 0 when unvoiced
    "voicing",  # voicing probability 0..1 (1 - YIN aperiodicity)
    "energy",  # frame energy, dB relative to a loud frame, / ENERGY_SCALE_DB
    "tilt",  # alpha ratio: dB(50 Hz-1 kHz) - dB(1-5 kHz), / ENERGY_SCALE_DB
    "flux",  # mean positive change of the normalised log-mel between frames
    "centroid",  # spectral centroid / Nyquist, 0..1
    "flatness",  # spectral flatness (geometric / arithmetic mean power), 0..1
)
PROSODY_BASE = len(PROSODY_NAMES)
PROSODY_DIM = 2 * PROSODY_BASE  # the features and their deltas


def num_feature_frames(num_samples: int) -> int:
    """Frames the features of ``num_samples`` samples have: ``N // HOP_LENGTH + 1``."""
    return max(int(num_samples), 0) // HOP_LENGTH + 1


def _as_wave(wave: np.ndarray) -> np.ndarray:
    wave = np.asarray(wave)
    if wave.ndim != 1:
        raise MedtalkError(f"expected mono audio samples (N,), got an array of shape {wave.shape}")
    return np.nan_to_num(wave.astype(np.float32, copy=False), nan=0.0, posinf=0.0, neginf=0.0)


def _frames(wave: np.ndarray, length: int) -> np.ndarray:
    """Centred frames of ``length`` samples every hop: ``(N,) -> (T, length)`` (a view)."""
    pad = length // 2
    padded = np.zeros(len(wave) + length, dtype=np.float32)
    padded[pad : pad + len(wave)] = wave
    frames = np.lib.stride_tricks.sliding_window_view(padded, length)[::HOP_LENGTH]
    assert len(frames) == num_feature_frames(len(wave))
    return frames


def _analysis_window() -> np.ndarray:
    """Periodic Hann of WIN_LENGTH samples, centred in N_FFT: ``(N_FFT,)``."""
    hann = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(WIN_LENGTH) / WIN_LENGTH)
    window = np.zeros(N_FFT, dtype=np.float32)
    start = (N_FFT - WIN_LENGTH) // 2
    window[start : start + WIN_LENGTH] = hann
    return window


_WINDOW = _analysis_window()
# Frames transformed at once: bounds the temporary memory on hour-long input.
_FFT_CHUNK = 8192


def power_spectrogram(wave: np.ndarray) -> np.ndarray:
    """|STFT|^2 of 16 kHz mono samples: ``(N,) -> (T, N_FREQS)`` float32, T = N // 160 + 1."""
    frames = _frames(_as_wave(wave), N_FFT)
    power = np.empty((len(frames), N_FREQS), dtype=np.float32)
    for start in range(0, len(frames), _FFT_CHUNK):
        spec = scipy.fft.rfft(frames[start : start + _FFT_CHUNK] * _WINDOW, axis=-1)
        power[start : start + _FFT_CHUNK] = spec.real**2 + spec.imag**2
    return power


# Frames this far below a loud frame (``loudness_db``) hold no speech: jfk.flac's crowd noise is at -30 dB.
SILENT_DB = -25.0


def loudness_db(wave: np.ndarray, power: np.ndarray | None = None) -> np.ndarray:
    """Frame energy in dB relative to a loud frame (the 95th percentile): ``(N,) -> (T,)`` at
    ``FEATURE_RATE``. ``power``: the ``power_spectrogram`` when already at hand."""
    power = power_spectrogram(wave) if power is None else power
    db = 10 * np.log10(power.sum(axis=1) + 1e-10)
    return db - np.percentile(db, 95)


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    """Slaney mel scale: linear below 1 kHz, logarithmic above."""
    hz = np.asarray(hz, dtype=np.float64)
    linear = hz / (200.0 / 3)
    log_part = 15.0 + np.log(np.maximum(hz, 1e-9) / 1000.0) / (np.log(6.4) / 27.0)
    return np.where(hz >= 1000.0, log_part, linear)


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    mel = np.asarray(mel, dtype=np.float64)
    return np.where(mel >= 15.0, 1000.0 * np.exp((np.log(6.4) / 27.0) * (mel - 15.0)), mel * (200.0 / 3))


def _mel_filterbank() -> np.ndarray:
    """Triangular, area-normalised mel filters, 0 Hz to Nyquist: ``(N_FREQS, N_MELS)``."""
    freqs = np.linspace(0.0, SAMPLE_RATE / 2, N_FREQS)
    edges = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(SAMPLE_RATE / 2), N_MELS + 2))
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (freqs - lower) / (centre - lower)
    falling = (upper - freqs) / (upper - centre)
    weights = np.maximum(0.0, np.minimum(rising, falling)) * (2.0 / (upper - lower))
    return weights.T.astype(np.float32)


MEL_FILTERS = _mel_filterbank()


def log_mel(wave: np.ndarray | None = None, *, power: np.ndarray | None = None) -> np.ndarray:
    """Per-utterance normalised log-mel spectrogram: ``(T, N_MELS)`` float32.

    Give either the samples ``wave (N,)`` or a power spectrogram ``power (T,
    N_FREQS)`` (e.g. after ``augment_power``). Normalisation, so that gain and
    a fixed channel colouring (microphone, room EQ) change little:

    1. ``x = ln(mel power)``, floored at the loudest value minus 80 dB;
    2. subtract each band's mean over the *active* frames (cepstral mean
       normalisation: a gain or EQ is an additive per-band constant in the log
       domain); active frames are within ``ACTIVE_RANGE_DB`` of a loud frame,
       so the amount of silence around the speech does not shift the result.
       The mean is floored at ``MEL_REFERENCE_FLOOR`` so that silence stays
       low instead of being lifted to "average";
    3. divide by the RMS over active frames (a scalar, floored at
       ``MEL_STD_FLOOR``, keeps the spectral shape) and clip to +-``MEL_CLIP``.
    """
    if (wave is None) == (power is None):
        raise ValueError("give exactly one of wave or power")
    if power is None:
        power = power_spectrogram(wave)
    if power.ndim != 2 or power.shape[1] != N_FREQS:
        raise ValueError(f"power spectrogram must be (T, {N_FREQS}), got {power.shape}")
    mel = power @ MEL_FILTERS
    x = np.log(np.maximum(mel, POWER_FLOOR))
    x = np.maximum(x, x.max() - _db_to_nats(DYNAMIC_RANGE_DB))
    level = np.log(mel.sum(axis=-1) + POWER_FLOOR)
    active = level >= np.percentile(level, ACTIVE_PERCENTILE) - _db_to_nats(ACTIVE_RANGE_DB)
    x -= np.maximum(x[active].mean(axis=0), MEL_REFERENCE_FLOOR)
    x /= max(float(np.sqrt(np.mean(x[active] ** 2))), MEL_STD_FLOOR)
    return np.clip(x, -MEL_CLIP, MEL_CLIP).astype(np.float32)


def _db_to_nats(db: float) -> float:
    """A power ratio in dB as a difference of natural logs."""
    return db * np.log(10.0) / 10.0


def _decimation_filter(factor: int) -> np.ndarray:
    """The anti-aliasing FIR of ``scipy.signal.resample_poly(x, 1, factor)`` (Kaiser, beta 5,
    10 taps per phase), so decimation needs no scipy.signal (a second of start-up)."""
    taps = 2 * 10 * factor + 1
    h = np.sinc((np.arange(taps) - (taps - 1) / 2) / factor) * np.kaiser(taps, 5.0)
    return h / h.sum()


_DECIMATION_FILTER = _decimation_filter(YIN_DECIMATION)


def _decimate(wave: np.ndarray) -> np.ndarray:
    """``(N,) -> (ceil(N / YIN_DECIMATION),)`` float32, zero-phase, as ``resample_poly``."""
    if not len(wave):
        return np.zeros(0, np.float32)
    full = np.convolve(wave, _DECIMATION_FILTER)
    return full[_DECIMATION_DELAY : _DECIMATION_DELAY + len(wave) : YIN_DECIMATION].astype(np.float32)


_YIN_RATE = SAMPLE_RATE // YIN_DECIMATION
_YIN_MAX_LAG = int(np.ceil(_YIN_RATE / F0_MIN))
_YIN_SPAN = YIN_WINDOW // YIN_DECIMATION + _YIN_MAX_LAG  # the window and the longest lag, centred on the frame
# the circular correlation of the window with the frame cannot wrap: n_fft >= window + max_lag
_YIN_FFT = scipy.fft.next_fast_len(_YIN_SPAN, real=True)
_DECIMATION_DELAY = (len(_DECIMATION_FILTER) - 1) // 2
# Samples before and after a frame's centre that its pitch reads (the analysed span through the
# decimation filter). A frame whose reach lies inside two cuts of the same audio gets the same
# pitch from both, to the bit: what a live stream's pitch cache relies on (``medtalk.live.pitch``).
PITCH_REACH = (
    YIN_DECIMATION * (_YIN_SPAN // 2) + _DECIMATION_DELAY,
    YIN_DECIMATION * (_YIN_FFT - 1 - _YIN_SPAN // 2) + _DECIMATION_DELAY,
)


def pitch(wave: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """YIN pitch per feature frame: ``(N,) -> f0 (T,) Hz, voicing (T,) 0..1`` (what ``prosody`` reads)."""
    return _yin(_as_wave(wave))


def _yin(wave: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised YIN pitch estimate per frame: ``(N,) -> f0 (T,) Hz, voicing (T,) 0..1``.

    Runs at ``SAMPLE_RATE / YIN_DECIMATION`` (pitch needs no more bandwidth);
    the analysed span (window plus the longest lag) is centred on each frame.
    """
    rate = _YIN_RATE
    low = _decimate(wave)
    window = YIN_WINDOW // YIN_DECIMATION
    min_lag = int(rate // F0_MAX)
    max_lag = _YIN_MAX_LAG
    n_fft = _YIN_FFT
    hop = HOP_LENGTH // YIN_DECIMATION
    padded = np.zeros(len(wave) // HOP_LENGTH * hop + n_fft, dtype=np.float32)
    left = _YIN_SPAN // 2
    padded[left : left + len(low)] = low
    frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft)[::hop]
    assert len(frames) == num_feature_frames(len(wave))
    f0 = np.zeros(len(frames), dtype=np.float32)
    voicing = np.zeros(len(frames), dtype=np.float32)
    lags = np.arange(max_lag + 1)
    for start in range(0, len(frames), _FFT_CHUNK):
        x = np.ascontiguousarray(frames[start : start + _FFT_CHUNK])
        # d(tau) = sum_j (x_j - x_{j+tau})^2 = E_0 + E_tau - 2 r(tau), j < window
        spec = scipy.fft.rfft(x, axis=-1)
        head = scipy.fft.rfft(x[:, :window], n_fft, axis=-1)
        corr = scipy.fft.irfft(np.conj(head) * spec, n_fft, axis=-1)[:, : max_lag + 1]
        cum = np.zeros((len(x), window + max_lag + 1), dtype=np.float32)
        np.cumsum(x[:, : window + max_lag] ** 2, axis=-1, out=cum[:, 1:])
        energy = cum[:, lags + window] - cum[:, lags]
        diff = np.maximum(energy[:, :1] + energy - 2.0 * corr, 0.0)
        # cumulative mean normalised difference: d'(tau) = d(tau) * tau / sum_{k<=tau} d(k)
        running = np.cumsum(diff[:, 1:], axis=-1)[:, min_lag - 1 :]
        search = diff[:, min_lag:] * lags[min_lag:] / np.maximum(running, 1e-12)
        # first local minimum under the threshold, else the global minimum
        dip = np.zeros_like(search, dtype=bool)
        dip[:, 1:-1] = (search[:, 1:-1] <= search[:, :-2]) & (search[:, 1:-1] <= search[:, 2:])
        dip &= search < YIN_THRESHOLD
        best = np.where(dip.any(axis=-1), dip.argmax(axis=-1), search.argmin(axis=-1))
        rows = np.arange(len(search))
        # parabolic interpolation around the chosen lag for sub-sample precision
        left = search[rows, np.maximum(best - 1, 0)]
        mid = search[rows, best]
        right = search[rows, np.minimum(best + 1, search.shape[1] - 1)]
        curvature = left - 2 * mid + right
        shift = np.where(curvature > 1e-12, 0.5 * (left - right) / np.maximum(curvature, 1e-12), 0.0)
        lag = min_lag + best + np.clip(shift, -0.5, 0.5)
        f0[start : start + len(x)] = rate / lag
        # a minimum at the longest lag is no period (hum, noise, silence), and
        # digital silence or a DC offset has no pitch, whatever its d'(tau) says
        aperiodic = (best == search.shape[1] - 1) | (energy[:, 0] < window * SILENCE_POWER)
        voicing[start : start + len(x)] = np.where(aperiodic, 0.0, np.clip(1.0 - mid, 0.0, 1.0))
    return f0, voicing


def _deltas(features: np.ndarray) -> np.ndarray:
    """HTK regression deltas over +-DELTA_WIDTH frames, edges repeated: ``(T, D) -> (T, D)``."""
    padded = np.pad(features, ((DELTA_WIDTH, DELTA_WIDTH), (0, 0)), mode="edge")
    n = len(features)
    total = sum(
        k * (padded[DELTA_WIDTH + k : DELTA_WIDTH + k + n] - padded[DELTA_WIDTH - k : DELTA_WIDTH - k + n])
        for k in range(1, DELTA_WIDTH + 1)
    )
    return total / (2 * sum(k * k for k in range(1, DELTA_WIDTH + 1)))


def _band_db(power: np.ndarray, low_hz: float, high_hz: float) -> np.ndarray:
    """Energy of each frame between two frequencies, dB: ``(T, F) -> (T,)``."""
    freqs = np.linspace(0.0, SAMPLE_RATE / 2, power.shape[1])
    band = (freqs >= low_hz) & (freqs < high_hz)
    return 10.0 * np.log10(power[:, band].sum(axis=-1) + POWER_FLOOR)


def prosody(
    wave: np.ndarray, *, power: np.ndarray | None = None, pitch: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    """Frame-level emotional audio features: ``(N,) -> (T, PROSODY_DIM)`` float32.

    Columns are ``PROSODY_NAMES`` (see there for units and normalisation),
    then their regression deltas in the same order. Pitch is relative to the
    speaker's median and energy to a loud frame of the utterance, so the
    features describe how the voice moves, not who speaks or how loud the
    recording is. ``power`` may pass a precomputed ``power_spectrogram(wave)``,
    ``pitch`` a precomputed ``pitch(wave)`` (``f0, voicing``; not modified).
    """
    wave = _as_wave(wave)
    if power is None:
        power = power_spectrogram(wave)
    if len(power) != num_feature_frames(len(wave)):
        raise ValueError(f"power has {len(power)} frames, the wave needs {num_feature_frames(len(wave))}")
    power = power + np.float32(POWER_FLOOR)

    # Parseval: sum of the windowed power spectrum / (N_FFT * sum(window^2)) is
    # the mean square of the frame; referenced so a full-scale sine is ~0 dB.
    frame_db = 10.0 * np.log10(power.sum(axis=-1) * 2.0 / (N_FFT * float((_WINDOW**2).sum())))
    reference = max(float(np.percentile(frame_db, ENERGY_PERCENTILE)), ENERGY_REFERENCE_FLOOR_DB)
    energy = np.clip((frame_db - reference) / ENERGY_SCALE_DB, *ENERGY_CLIP)

    f0, voicing = _yin(wave) if pitch is None else (pitch[0], pitch[1].copy())
    if len(f0) != len(power) or len(voicing) != len(power):
        raise ValueError(f"pitch has {len(f0)} frames, the wave needs {len(power)}")
    # hum and room tone in pauses can be periodic; they are not the voice
    voicing[frame_db < reference + VOICING_FLOOR_DB] = 0.0
    voiced = voicing > VOICED_THRESHOLD
    log_f0 = np.zeros(len(f0))
    if voiced.any():
        track = scipy.ndimage.median_filter(np.log2(f0), size=F0_MEDIAN_FRAMES, mode="nearest")
        log_f0[voiced] = track[voiced] - np.median(track[voiced])

    tilt = (_band_db(power, 50.0, ALPHA_SPLIT_HZ) - _band_db(power, ALPHA_SPLIT_HZ, ALPHA_TOP_HZ)) / ENERGY_SCALE_DB
    mel = log_mel(power=power)
    flux = np.zeros(len(mel))
    flux[1:] = np.maximum(np.diff(mel, axis=0), 0.0).mean(axis=-1)
    freqs = np.linspace(0.0, 1.0, power.shape[1])
    total = power.sum(axis=-1)
    centroid = (power * freqs).sum(axis=-1) / total
    flatness = np.exp(np.log(power).mean(axis=-1)) / (total / power.shape[1])

    base = np.stack([log_f0, voicing, energy, tilt, flux, centroid, flatness], axis=-1)
    features = np.concatenate([base, _deltas(base)], axis=-1).astype(np.float32)
    return np.nan_to_num(features, nan=0.0, posinf=0.0, neginf=0.0)
