"""Smoothing a rig over time: the paper's Savitzky-Golay filter (window 5, order 2), then each control's range.

``smooth`` filters a whole ``(T, 174)`` sequence in bounded memory; ``savgol``
filters any block of rows with the same result as the whole, so a stream
(``medtalk.live``) can smooth frames as they become final.
"""

from __future__ import annotations

import numpy as np

from medtalk.rig.controls import clip_to_range

SAVGOL_WINDOW = 5  # frames (paper)
SAVGOL_ORDER = 2


def _savgol_matrix(window: int, order: int) -> np.ndarray:
    """Least-squares polynomial fit over ``window`` frames as a ``(window, window)`` hat matrix.

    Row ``i`` gives the smoothed value at position ``i`` of the window: the
    centre row is the Savitzky-Golay kernel, the outer rows fit the edges
    (scipy's ``mode="interp"``). Done in numpy because importing
    ``scipy.signal`` alone costs over a second of start-up.
    """
    x = np.arange(window) - window // 2
    vander = np.vander(x, order + 1, increasing=True).astype(np.float64)
    return vander @ np.linalg.pinv(vander)


_SAVGOL = _savgol_matrix(SAVGOL_WINDOW, SAVGOL_ORDER)


def savgol(values: np.ndarray, start: int = 0, stop: int | None = None, *, first: bool = True,
           last: bool = True) -> np.ndarray:
    """Savitzky-Golay (window 5, order 2) of rows ``[start, stop)`` of ``values (T, C)``: ``(stop - start, C)``.

    Inner rows take the centre kernel over their two neighbours on each side;
    the two rows at each end of the sequence fit the edges (``first``: row 0 of
    ``values`` is the sequence's first, ``last``: row ``T - 1`` its last), so a
    stream can smooth a block as it comes with the same result as the whole.
    A sequence shorter than the window is left as it is.
    """
    stop = len(values) if stop is None else stop
    values = np.nan_to_num(values.astype(np.float64))
    if first and last and len(values) < SAVGOL_WINDOW:
        return values[start:stop]
    half = SAVGOL_WINDOW // 2
    out = np.empty((stop - start, values.shape[1]))
    inner_lo, inner_hi = max(start, half), min(stop, len(values) - half)
    if inner_hi > inner_lo:
        block = values[inner_lo - half : inner_hi + half]
        windows = np.lib.stride_tricks.sliding_window_view(block, SAVGOL_WINDOW, axis=0)  # (n, C, 5)
        out[inner_lo - start : inner_hi - start] = windows @ _SAVGOL[half]
    for row in [*range(start, min(stop, half)), *range(max(start, len(values) - half, half), stop)]:
        at_head = row < half
        if not (first if at_head else last):
            raise ValueError(f"row {row} needs the neighbours of an edge it does not have")
        edge = row if at_head else row - len(values) + SAVGOL_WINDOW
        block = values[:SAVGOL_WINDOW] if at_head else values[-SAVGOL_WINDOW:]
        out[row - start] = _SAVGOL[edge] @ block
    return out


SMOOTH_CHUNK = 4096  # frames smoothed at once: the float64 work stays small on hour-long audio


def smooth(values: np.ndarray) -> np.ndarray:
    """Savitzky-Golay over time (window 5, order 2), then clip to ranges: ``(T, 174)`` float32.

    Runs over chunks of frames (each with its two neighbours on either side),
    so the float64 copies it needs do not grow with the length of the audio.
    """
    total, half = len(values), SAVGOL_WINDOW // 2
    out = np.empty(values.shape, dtype=np.float32)
    start = 0
    while start < total:
        end = min(start + SMOOTH_CHUNK, total)
        if total - end < SAVGOL_WINDOW:  # a short tail joins this chunk, so every block has a full window
            end = total
        lo, hi = max(0, start - half), min(total, end + half)
        out[start:end] = clip_to_range(savgol(values[lo:hi], start - lo, end - lo, first=lo == 0, last=hi == total))
        start = end
    return out
