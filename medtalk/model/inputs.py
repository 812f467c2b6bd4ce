"""Batching variable-length inputs: zero padding plus a mask of the real frames."""

from __future__ import annotations

import math

import numpy as np
import torch

TEXT_MARGIN_SECONDS = 3.0  # context kept on each side of a time slice of the transcript


def pad(arrays: list[np.ndarray], width: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Stack ``(T_i, ...)`` arrays into ``(B, max(T_i, width), ...)`` float32 zeros-padded,
    and the ``(B, max(T_i, width))`` bool mask, True on real frames."""
    longest = max([len(a) for a in arrays] + [width or 0])
    out = np.zeros((len(arrays), longest, *arrays[0].shape[1:]), dtype=np.float32)
    mask = np.zeros((len(arrays), longest), dtype=bool)
    for i, a in enumerate(arrays):
        out[i, : len(a)] = a
        mask[i, : len(a)] = True
    return torch.from_numpy(out), torch.from_numpy(mask)


def time_slice(tokens: np.ndarray, start: int, end: int, num_frames: int, fps: float) -> np.ndarray:
    """The transcript tokens said during frames ``[start, end)`` of ``num_frames``.

    A transcript has no timing, so tokens are placed in proportion to time and
    the slice is widened by ``TEXT_MARGIN_SECONDS`` each side: ``(N, D) -> (n, D)``.
    The whole transcript when the frames cover everything.
    """
    if start <= 0 and end >= num_frames:
        return tokens
    per_frame = len(tokens) / max(num_frames, 1)
    margin = TEXT_MARGIN_SECONDS * fps * per_frame
    first = max(0, math.floor(start * per_frame - margin))
    last = min(len(tokens), max(first + 1, math.ceil(end * per_frame + margin)))
    return tokens[first:last]
