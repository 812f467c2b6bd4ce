"""Whisper's log-mel spectrogram: what the encoder reads, for transcription and the content front-end.

25 ms Hann windows every 10 ms (centred, reflect-padded), power spectrum, 80
Slaney mel bands up to 8 kHz, log10, the range clamped to 8 below the loudest
bin of the whole input, then scaled to ``(x + 4) / 4`` (openai/whisper's
``log_mel_spectrogram``). The arithmetic follows faster-whisper's feature
extractor step for step (float32 frames, a float64 FFT, float32 after), so
the same samples give the same bits: the int8 decoder is near a tie often
enough that a 1e-5 difference in the input changes a comma.
tests/test_whisper_frontend.py checks it against a reference computed by
faster-whisper.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from medtalk.audio import SAMPLE_RATE

N_FFT = 400  # 25 ms windows every 10 ms, 80 mel bands
HOP_LENGTH = 160
N_MELS = 80
assert SAMPLE_RATE % HOP_LENGTH == 0
MEL_RATE = SAMPLE_RATE // HOP_LENGTH  # log-mel frames/s
assert SAMPLE_RATE % (2 * HOP_LENGTH) == 0
FRAME_RATE = SAMPLE_RATE // (2 * HOP_LENGTH)  # encoder states/s: the second convolution halves 100 -> 50
WINDOW_FRAMES = 3000  # log-mel frames in the encoder's 30 s window
LOG_RANGE = 8.0  # log10 units of dynamic range kept below the loudest bin, as Whisper does

# Slaney's mel scale (librosa's default, which Whisper's filters were made with):
# linear below 1 kHz at 200/3 Hz a mel, logarithmic above at 27 mels an octave-and-a-bit (6.4x)
_HZ_PER_MEL = 200.0 / 3
_LOG_HZ = 1000.0
_LOG_MEL = _LOG_HZ / _HZ_PER_MEL
_LOG_STEP = np.log(6.4) / 27.0


def _mel_to_hz(mels: np.ndarray) -> np.ndarray:
    linear = _HZ_PER_MEL * mels
    return np.where(mels >= _LOG_MEL, _LOG_HZ * np.exp(_LOG_STEP * (mels - _LOG_MEL)), linear)


def mel_filters(n_mels: int = N_MELS) -> np.ndarray:
    """Triangular Slaney-normalised filters over 0-8 kHz: ``(n_mels, N_FFT // 2 + 1)`` float32."""
    bins = np.fft.rfftfreq(N_FFT, 1.0 / SAMPLE_RATE)
    top = _LOG_MEL + np.log(SAMPLE_RATE / 2 / _LOG_HZ) / _LOG_STEP  # the mel of the Nyquist frequency
    edges = _mel_to_hz(np.linspace(0.0, top, n_mels + 2))
    width = np.diff(edges)
    ramps = edges[:, None] - bins[None, :]
    rising = -ramps[:-2] / width[:-1, None]
    falling = ramps[2:] / width[1:, None]
    weights = np.maximum(0.0, np.minimum(rising, falling))
    return (weights * (2.0 / (edges[2:] - edges[:-2]))[:, None]).astype(np.float32)  # equal area


def log_mel(wave: np.ndarray) -> np.ndarray:
    """Whisper's log-mel of 16 kHz samples: ``(..., N)`` -> ``(..., 80, N // 160)`` float32,
    clamped per leading index (each clip against its own loudest bin)."""
    wave = np.asarray(wave, dtype=np.float32)
    lead, n = wave.shape[:-1], wave.shape[-1]
    padded = np.pad(wave.reshape(-1, n), ((0, 0), (N_FFT // 2, N_FFT // 2)), mode="reflect")
    frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT, axis=-1)[:, ::HOP_LENGTH][:, : n // HOP_LENGTH]
    window, filters = _window_and_filters()
    power = np.empty((len(frames), len(filters), frames.shape[1]), np.float32)
    for start in range(0, frames.shape[1], _BLOCK):  # bounds the complex spectrum's memory on long inputs
        spectrum = np.fft.rfft(frames[:, start : start + _BLOCK] * window, axis=-1).astype(np.complex64)
        power[:, :, start : start + _BLOCK] = filters @ (np.abs(spectrum) ** 2).transpose(0, 2, 1)
    log = np.log10(np.maximum(power, 1e-10))
    log = np.maximum(log, log.max(axis=(1, 2), keepdims=True, initial=-np.inf) - LOG_RANGE)
    return ((log + 4.0) / 4.0).reshape(*lead, N_MELS, -1)


_BLOCK = 6000  # frames (60 s) transformed at once


@cache
def _window_and_filters() -> tuple[np.ndarray, np.ndarray]:
    return np.hanning(N_FFT + 1)[:-1].astype(np.float32), mel_filters()
