"""Batching variable-length inputs: zero padding plus a mask of the real frames."""

from __future__ import annotations

import numpy as np
import torch


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
