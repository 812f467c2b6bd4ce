"""Polyphase resampling in numpy, the numbers of ``scipy.signal.resample_poly``.

``medtalk animate`` resamples espeak-ng's 22.05 kHz speech (the phones of a
transcript) and sometimes the input; importing ``scipy.signal`` for that took
0.42 s of CPU on every call. These give the same samples, bit for bit, for the
cases used here: 1-D float32 input, zero padding, a Kaiser (beta 5) lowpass
(tests/test_resample.py compares them with scipy).
"""

from __future__ import annotations

import functools
import math

import numpy as np

KAISER_BETA = 5.0  # resample_poly's default window, ("kaiser", 5.0)
TAPS_PER_PHASE = 10  # half the filter, in periods of the larger rate factor, as resample_poly designs it


def lowpass(up: int, down: int) -> np.ndarray:
    """``resample_poly``'s default anti-aliasing filter for ``up/down`` (in lowest terms):
    ``(2 * TAPS_PER_PHASE * max(up, down) + 1,)`` float64, ``firwin`` with a Kaiser window,
    cut off at the lower Nyquist frequency, unit gain at DC."""
    rate = max(up, down)
    taps = 2 * TAPS_PER_PHASE * rate + 1
    cutoff = 1.0 / rate
    m = np.arange(taps, dtype=np.float64) - 0.5 * (taps - 1)
    h = cutoff * np.sinc(cutoff * m)
    h *= _kaiser(taps, KAISER_BETA)
    return h / np.sum(h)


def _kaiser(taps: int, beta: float) -> np.ndarray:
    """The symmetric Kaiser window, computed as ``scipy.signal.windows.kaiser``."""
    n = np.arange(taps, dtype=np.float64)
    alpha = (taps - 1) / 2.0
    return np.i0(beta * np.sqrt(1 - ((n - alpha) / alpha) ** 2.0)) / np.i0(np.float64(beta))


def resample_poly(x: np.ndarray, up: int, down: int, window: np.ndarray | None = None) -> np.ndarray:
    """``x (N,)`` float32 at rate ``r`` -> ``(ceil(N * up / down),)`` float32 at ``r * up / down``.

    Upsample by ``up`` (zeros between samples), lowpass with ``window`` (float32
    taps; default ``lowpass(up, down)``) times ``up``, and keep every
    ``down``-th sample, with the filter's delay removed. Outside ``x`` the
    signal is zero. ``up`` and ``down`` are reduced to lowest terms first.
    """
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 1:
        raise ValueError(f"expected a 1-D signal, got shape {x.shape}")
    gcd = math.gcd(up, down)
    up, down = up // gcd, down // gcd
    if up == down == 1:
        return x.copy()
    h = lowpass(up, down) if window is None else window
    h = np.array(h, dtype=np.float32)
    h *= up  # in float32, as scipy scales its float32 copy
    return _upfirdn(h, x, up, down, -(-len(x) * up // down))


def _upfirdn(h: np.ndarray, x: np.ndarray, up: int, down: int, count: int) -> np.ndarray:
    """``count`` samples of ``x (N,)`` upsampled, filtered by float32 ``h`` centred, and downsampled."""
    half = (len(h) - 1) // 2
    pre_pad = down - half % down  # zeros before h so the kept outputs are centred (resample_poly's)
    first = (half + pre_pad) // down  # outputs of the full convolution dropped at the start
    h = np.concatenate([np.zeros(pre_pad, np.float32), h])
    phases = _phases(h.tobytes(), len(h), up)  # (up, per_phase): each phase's taps, last first
    per_phase = phases.shape[1]
    position = (first + np.arange(count)) * down  # of each output in the upsampled signal
    newest, phase = np.divmod(position, up)  # the last input sample it sees, and its phase
    # x between per_phase - 1 zeros and enough zeros after it for the last output's window
    padded = np.zeros(max(len(x) + per_phase - 1, int(newest[-1]) + per_phase if count else 0), np.float32)
    padded[per_phase - 1 : per_phase - 1 + len(x)] = x
    out = np.zeros(count, np.float32)
    index, samples, taps = np.empty_like(newest), np.empty(count, np.float32), np.empty(count, np.float32)
    # sample by sample from the oldest, each product rounded to float32 and added: the order and
    # precision scipy's upfirdn sums in, so the results are the same bits
    for j, tap in enumerate(np.ascontiguousarray(phases.T)):
        np.add(newest, j, out=index)
        np.take(padded, index, out=samples)
        np.take(tap, phase, out=taps)
        samples *= taps
        out += samples
    return out


@functools.lru_cache(maxsize=8)
def _phases(h: bytes, length: int, up: int) -> np.ndarray:
    """The polyphase taps of float32 filter ``h``: ``(up, ceil(length / up))``, row ``p``
    the taps at ``p, p + up, ...`` in reverse (zero-padded to whole phases)."""
    taps = np.zeros(length + (-length % up), np.float32)
    taps[:length] = np.frombuffer(h, np.float32)
    return np.ascontiguousarray(taps.reshape(-1, up).T[:, ::-1])
