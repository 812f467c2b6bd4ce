"""Audio augmentation so a learned encoder trained on espeak-ng speech hears real voices.

Synthetic training speech has one clean channel and a handful of robotic
voices; real recordings differ in speaker (vocal-tract length, pitch), room
(reverberation), environment (noise), microphone (EQ, level) and transport
(telephone or MP3 band-limiting). Each of these is one function below on a
power spectrogram ``(T, F)`` from ``medtalk.features.power_spectrogram``, so
augmentation runs per batch on the fly without touching the waveform;
``augment_power`` draws a random chain of them. ``augment_wave`` adds the
time-domain ones (speed perturbation, saturation).

Working on power (|X|^2) means additive effects are added in expectation
(no cross terms) and filters are per-bin gains, which is what a log-mel
front-end sees anyway.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.fft
import scipy.signal

from medtalk.audio import SAMPLE_RATE
from medtalk.features import FEATURE_RATE

NYQUIST = SAMPLE_RATE / 2  # Hz

# Parameter ranges at strength 1 (each scales linearly with ``strength``
# around the identity value) and the probability that a step is applied.
VTLP_RANGE = 0.2  # warp factor alpha in [1 - 0.2, 1 + 0.2]
VTLP_BOUNDARY_HZ = 4800.0  # above this (scaled by alpha) the warp bends to keep Nyquist fixed
PITCH_RANGE_SEMITONES = 4.0  # harmonic spacing shifted by up to +-4 semitones
ENVELOPE_COEFFS = 30  # cepstral coefficients kept as the spectral envelope (formants)
SNR_RANGE_DB = (5.0, 40.0)  # additive noise SNR at strength 1 (the low end moves up as strength falls)
NOISE_COLOURS = ("white", "pink", "babble")
BABBLE_MOD_HZ = 4.0  # syllable-rate amplitude modulation of the babble-like noise
RT60_RANGE_S = (0.15, 1.0)  # reverberation time (60 dB power decay)
DRR_RANGE_DB = (0.0, 15.0)  # direct-to-reverberant energy ratio
HIGH_BAND_DECAY = 0.5  # at Nyquist the reverberation decays 1 / (1 - 0.5) = 2x faster (air absorption)
EQ_RANGE_DB = 6.0  # smooth random EQ gain within +-6 dB
EQ_KNOTS = 8  # control points of the EQ curve, interpolated on a mel-like axis
GAIN_RANGE_DB = 12.0  # overall level change within +-12 dB
LOWPASS_RANGE_HZ = (3400.0, 7000.0)  # telephone to low-bitrate MP3 cut-offs
HIGHPASS_TELEPHONE_HZ = 300.0  # telephone band starts here
STOPBAND_DB = -60.0  # attenuation reached one octave past a band edge
SPEED_RANGE = 0.1  # speed perturbation factor in [0.9, 1.1]
SPEED_RESOLUTION = 1000  # the factor is rounded to 1/1000 so the polyphase resampler stays small
SATURATION_DRIVE = (1.0, 4.0)  # tanh drive of the soft clipper

P_VTLP, P_PITCH, P_NOISE, P_REVERB, P_EQ, P_BAND = 0.8, 0.5, 0.5, 0.4, 0.6, 0.2
P_SPEED, P_SATURATE = 0.5, 0.15


def _bin_hz(n_bins: int) -> np.ndarray:
    return np.linspace(0.0, NYQUIST, n_bins)


def _resample_bins(power: np.ndarray, source_hz: np.ndarray) -> np.ndarray:
    """Read each output bin from frequency ``source_hz`` of the input (linear interpolation)."""
    pos = np.clip(source_hz / NYQUIST * (power.shape[1] - 1), 0.0, power.shape[1] - 1)
    low = np.floor(pos).astype(int)
    high = np.minimum(low + 1, power.shape[1] - 1)
    frac = (pos - low).astype(power.dtype)
    return power[:, low] * (1 - frac) + power[:, high] * frac


def vtlp(power: np.ndarray, alpha: float) -> np.ndarray:
    """Vocal-tract-length perturbation: energy at ``f`` moves to ``alpha * f``.

    ``alpha > 1`` sounds like a shorter vocal tract (higher formants, a child
    or small speaker), ``alpha < 1`` a longer one; typical range 0.8..1.2.
    The piecewise-linear warp of Jaitly & Hinton (2013) bends above
    ``VTLP_BOUNDARY_HZ * min(alpha, 1)`` so Nyquist maps to itself.
    ``(T, F) -> (T, F)``.
    """
    hz = _bin_hz(power.shape[1])
    knee = VTLP_BOUNDARY_HZ * min(alpha, 1.0) / alpha  # input frequency of the bend
    # inverse warp: which input frequency lands on each output bin
    knee_out = alpha * knee
    upper = knee + (hz - knee_out) * (NYQUIST - knee) / (NYQUIST - knee_out)
    return _resample_bins(power, np.where(hz <= knee_out, hz / alpha, upper))


def _envelope(power: np.ndarray) -> np.ndarray:
    """Smooth spectral envelope by cepstral liftering of the log power: ``(T, F) -> (T, F)``."""
    cepstrum = scipy.fft.dct(np.log(power + 1e-10), axis=-1, norm="ortho")
    cepstrum[:, ENVELOPE_COEFFS:] = 0.0
    return np.exp(scipy.fft.idct(cepstrum, axis=-1, norm="ortho"))


def pitch_shift(power: np.ndarray, semitones: float) -> np.ndarray:
    """Shift the harmonics by ``semitones`` while keeping the formant envelope.

    The log spectrum splits into a smooth envelope (the first
    ``ENVELOPE_COEFFS`` cepstral coefficients: the vocal tract) and a fine
    structure (the harmonics of the voice); only the fine structure is
    stretched along frequency. ``(T, F) -> (T, F)``.
    """
    envelope = _envelope(power)
    fine = power / envelope
    factor = 2.0 ** (semitones / 12.0)
    stretched = _resample_bins(fine, _bin_hz(power.shape[1]) / factor)
    return (stretched * envelope).astype(power.dtype)


def add_noise(power: np.ndarray, snr_db: float, colour: str, rng: np.random.Generator) -> np.ndarray:
    """Add noise at ``snr_db`` (mean power ratio over the utterance).

    Colours: ``white`` (flat), ``pink`` (1/f, -3 dB/octave), ``babble``
    (the utterance's own long-term spectrum, amplitude-modulated at syllable
    rate like a crowd). Each bin's noise power is exponentially distributed
    around its mean, as for Gaussian noise. ``(T, F) -> (T, F)``.
    """
    n_frames, n_bins = power.shape
    hz = _bin_hz(n_bins)
    if colour == "white":
        shape = np.ones(n_bins)
    elif colour == "pink":
        shape = 1.0 / np.maximum(hz, 50.0)
    elif colour == "babble":
        shape = power.mean(axis=0) + 1e-12
    else:
        raise ValueError(f"unknown noise colour {colour!r}, expected one of {NOISE_COLOURS}")
    level = np.ones((n_frames, 1))
    if colour == "babble":
        t = np.arange(n_frames)[:, None] / FEATURE_RATE
        phases = rng.uniform(0, 2 * np.pi, 3)
        rates = BABBLE_MOD_HZ * rng.uniform(0.5, 1.5, 3)
        level = 1.0 + 0.8 * np.mean(np.sin(2 * np.pi * rates * t + phases), axis=-1, keepdims=True)
    noise = level * shape * rng.exponential(1.0, size=power.shape)
    signal_power = float(power.mean())
    noise *= signal_power / (float(noise.mean()) + 1e-30) * 10.0 ** (-snr_db / 10.0)
    return (power + noise).astype(power.dtype)


def reverberate(power: np.ndarray, rt60: float, drr_db: float) -> np.ndarray:
    """Smear each bin over time with an exponentially decaying tail.

    Power decays by 60 dB in ``rt60`` seconds at low frequency and faster
    towards Nyquist (``HIGH_BAND_DECAY``, air and wall absorption); the tail
    holds ``-drr_db`` dB of energy relative to the direct sound. The output
    keeps the input length (the tail past the end is cut). ``(T, F) -> (T, F)``.
    """
    hz = _bin_hz(power.shape[1])
    frame_rt60 = rt60 * (1.0 - HIGH_BAND_DECAY * hz / NYQUIST) * FEATURE_RATE  # frames, per bin
    length = max(2, int(np.ceil(frame_rt60.max())) + 1)
    k = np.arange(1, length)[:, None]
    tail = 10.0 ** (-6.0 * k / frame_rt60)  # (length - 1, F)
    tail *= 10.0 ** (-drr_db / 10.0) / tail.sum(axis=0)
    kernel = np.concatenate([np.ones((1, power.shape[1])), tail]).astype(np.float32)
    out = scipy.signal.oaconvolve(power, kernel, axes=0)[: len(power)]
    return np.maximum(out, 0.0).astype(power.dtype)


def equalise(power: np.ndarray, gains_db: np.ndarray) -> np.ndarray:
    """Apply a smooth gain curve given at ``len(gains_db)`` knots evenly spaced in mel.

    ``(T, F) -> (T, F)``; the curve is interpolated linearly in dB between knots.
    """
    mel = np.log1p(_bin_hz(power.shape[1]) / 700.0)
    knots = np.linspace(0.0, mel[-1], len(gains_db))
    curve = 10.0 ** (np.interp(mel, knots, gains_db) / 10.0)
    return (power * curve).astype(power.dtype)


def band_limit(power: np.ndarray, low_hz: float, high_hz: float) -> np.ndarray:
    """Attenuate outside ``[low_hz, high_hz]``, reaching ``STOPBAND_DB`` an octave out.

    ``low_hz = 0`` keeps the bass (an MP3-like low-pass); 300..3400 Hz is a
    telephone line. ``(T, F) -> (T, F)``.
    """
    hz = np.maximum(_bin_hz(power.shape[1]), 1.0)
    octaves_out = np.maximum(np.log2(hz / high_hz), 0.0)
    if low_hz > 0:
        octaves_out = octaves_out + np.maximum(np.log2(low_hz / hz), 0.0)
    gain_db = np.maximum(STOPBAND_DB * octaves_out, STOPBAND_DB)
    return (power * 10.0 ** (gain_db / 10.0)).astype(power.dtype)


def augment_power(power: np.ndarray, rng: np.random.Generator, strength: float = 1.0) -> np.ndarray:
    """A random chain of speaker, room, noise, microphone and channel changes.

    ``power (T, F)`` float32 -> same shape. In order, each with its
    probability: VTLP (alpha 1 +- 0.2), pitch shift (+-4 semitones), reverb
    (RT60 0.15..1 s, DRR 0..15 dB), additive white/pink/babble noise (SNR
    5..40 dB), smooth EQ (+-6 dB), band-limiting (telephone 300-3400 Hz or
    low-pass 3.4..7 kHz), gain (+-12 dB, always). ``strength`` in [0, 1]
    scales every range towards the identity (0 returns the input unchanged).
    """
    if strength <= 0:
        return power.copy()
    out = power.astype(np.float32, copy=True)
    if rng.random() < P_VTLP:
        out = vtlp(out, 1.0 + strength * rng.uniform(-VTLP_RANGE, VTLP_RANGE))
    if rng.random() < P_PITCH:
        out = pitch_shift(out, strength * rng.uniform(-PITCH_RANGE_SEMITONES, PITCH_RANGE_SEMITONES))
    if rng.random() < P_REVERB:
        rt60 = RT60_RANGE_S[0] + strength * rng.uniform(0, RT60_RANGE_S[1] - RT60_RANGE_S[0])
        drr = DRR_RANGE_DB[1] - strength * rng.uniform(0, DRR_RANGE_DB[1] - DRR_RANGE_DB[0])
        out = reverberate(out, rt60, drr)
    if rng.random() < P_NOISE:
        snr = SNR_RANGE_DB[1] - strength * rng.uniform(0, SNR_RANGE_DB[1] - SNR_RANGE_DB[0])
        out = add_noise(out, snr, NOISE_COLOURS[rng.integers(len(NOISE_COLOURS))], rng)
    if rng.random() < P_EQ:
        out = equalise(out, strength * rng.uniform(-EQ_RANGE_DB, EQ_RANGE_DB, EQ_KNOTS))
    if rng.random() < P_BAND * strength:
        if rng.random() < 0.5:
            out = band_limit(out, HIGHPASS_TELEPHONE_HZ, LOWPASS_RANGE_HZ[0])
        else:
            out = band_limit(out, 0.0, rng.uniform(*LOWPASS_RANGE_HZ))
    gain_db = strength * rng.uniform(-GAIN_RANGE_DB, GAIN_RANGE_DB)
    return (out * 10.0 ** (gain_db / 10.0)).astype(np.float32)


def speed_perturb(wave: np.ndarray, factor: float) -> np.ndarray:
    """Play ``factor`` times faster (tempo and pitch together, as Kaldi's speed perturbation).

    ``(N,) -> (round(N / factor),)``: resample targets by the same factor
    to keep them aligned.
    """
    ratio = int(round(factor * SPEED_RESOLUTION))
    gcd = math.gcd(ratio, SPEED_RESOLUTION)
    return scipy.signal.resample_poly(wave, SPEED_RESOLUTION // gcd, ratio // gcd).astype(np.float32)


def saturate(wave: np.ndarray, drive: float) -> np.ndarray:
    """Soft-clip like an overdriven microphone preamp: ``tanh(drive * x) / tanh(drive)``, ``(N,)``."""
    return (np.tanh(drive * wave) / np.tanh(drive)).astype(np.float32)


def augment_wave(wave: np.ndarray, rng: np.random.Generator, strength: float = 1.0) -> np.ndarray:
    """Time-domain augmentation: speed perturbation (factor 1 +- 0.1) and soft clipping.

    ``(N,) -> (N',)``: the length changes with the speed factor, so resample
    time-aligned targets by ``N' / N``. ``strength`` scales the ranges
    (0 returns the input unchanged).
    """
    out = np.asarray(wave, dtype=np.float32).copy()
    if strength <= 0:
        return out
    if rng.random() < P_SPEED:
        out = speed_perturb(out, 1.0 + strength * rng.uniform(-SPEED_RANGE, SPEED_RANGE))
    if rng.random() < P_SATURATE * strength:
        peak = float(np.abs(out).max()) or 1.0
        drive = SATURATION_DRIVE[0] + strength * rng.uniform(0.0, SATURATION_DRIVE[1] - SATURATION_DRIVE[0])
        out = saturate(out / peak, drive) * peak
    return out
