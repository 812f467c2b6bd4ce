"""Batching variable-length inputs (zero padding plus a mask of the real frames), and placing transcript tokens in time."""

from __future__ import annotations

import numpy as np
import torch

TEXT_MARGIN_SECONDS = 3.0  # transcript context kept on each side of a window of audio


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


def token_spans(token_words: list[int], word_times: list[tuple[float, float]] | None, duration: float) -> np.ndarray:
    """When each token is said: ``(N, 2)`` float32 start and end in seconds.

    ``token_words[i]`` is the word of token ``i`` (``TextEncoder.token_words``),
    ``word_times`` the ``(start, end)`` of each whitespace-separated word. Without
    word times (or when they do not match the words) the tokens are spread
    evenly over ``duration``.
    """
    if word_times and all(0 <= w < len(word_times) for w in token_words):
        return np.asarray([word_times[w] for w in token_words], dtype=np.float32).reshape(len(token_words), 2)
    return spread(len(token_words), duration)


def spread(n: int, duration: float) -> np.ndarray:
    """``n`` tokens said one after another, evenly over ``duration`` s: ``(n, 2)`` float32."""
    edges = np.linspace(0.0, duration, n + 1, dtype=np.float32)
    return np.stack([edges[:-1], edges[1:]], axis=1)


def span_slice(tokens: np.ndarray, spans: np.ndarray, start: float, end: float) -> tuple[np.ndarray, np.ndarray]:
    """The tokens said within ``TEXT_MARGIN_SECONDS`` of ``[start, end)`` s, with their spans
    shifted to start from ``start``: ``(N, D), (N, 2) -> (n, D), (n, 2)``."""
    keep = (spans[:, 1] > start - TEXT_MARGIN_SECONDS) & (spans[:, 0] < end + TEXT_MARGIN_SECONDS)
    return tokens[keep], spans[keep] - np.float32(start)
