"""Batching variable-length inputs (zero padding plus a mask of the real frames), and placing
transcript tokens and phones in time."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from medtalk.synth.timeline import Phone
from medtalk.synth.visemes import POSES, classify

TEXT_MARGIN_SECONDS = 3.0  # transcript context kept on each side of a window of audio
PHONE_CLASSES = tuple(POSES)  # the performer's viseme classes, "sil" first
UNKNOWN_PHONE = -1


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


def shifted(segments: np.ndarray, seconds: float) -> np.ndarray:
    """Phone segments ``(S, 3)`` with times from ``seconds`` on (a copy)."""
    return segments - np.array([0.0, seconds, seconds], dtype=np.float32)


def phone_segments(phones: Sequence[Phone]) -> np.ndarray:
    """Viseme classes of espeak-ng phones in time: ``(S, 3)`` float32 rows ``(class, start, end)``.

    ``class`` indexes ``PHONE_CLASSES`` (diphthongs split evenly into their
    classes), or is ``UNKNOWN_PHONE`` for a stretch whose phones are unknown.
    """
    rows = []
    for phone in phones:
        parts = classify(phone.symbol)
        step = (phone.end - phone.start) / len(parts)
        rows += [(PHONE_CLASSES.index(c), phone.start + k * step, phone.start + (k + 1) * step)
                 for k, c in enumerate(parts)]
    return np.asarray(rows, dtype=np.float32).reshape(len(rows), 3)


def phone_track(segments: np.ndarray, num_frames: int, rate: float) -> np.ndarray:
    """One-hot viseme class at each frame's time ``t / rate``: ``(S, 3) -> (num_frames, K)`` float32.

    Frames no segment covers are silence (pauses, and before and after the
    speech); ``UNKNOWN_PHONE`` segments give zero rows, as a missing transcript does.
    """
    ids = np.full(num_frames, PHONE_CLASSES.index("sil"), dtype=np.int64)
    times = np.arange(num_frames) / rate
    # only the segments said within these frames (a long transcript's track is made per window)
    segments = segments[(segments[:, 2] > 0) & (segments[:, 1] < num_frames / rate)]
    for cls, start, end in segments:
        ids[(times >= start) & (times < end)] = int(cls)
    track = np.zeros((num_frames, len(PHONE_CLASSES) + 1), dtype=np.float32)
    track[np.arange(num_frames), ids] = 1.0  # UNKNOWN_PHONE (-1) lands in the extra last column
    return track[:, :-1]


def phones_given(phones: torch.Tensor) -> torch.Tensor:
    """``(B,)`` True for the items of a batched phone track ``(B, T, K)`` that have one
    (an all-zero track stands for an item without phones)."""
    return phones.abs().sum(dim=(1, 2)) > 0
