"""A live stream's pitch, computed once per feature frame instead of once per window.

The prosody of every window reads YIN pitch (``medtalk.features.pitch``), and a
stream's windows overlap by all but a hop: recomputing it cost 1.4 ms of a
window's 20 (0.5 ms now). A frame's pitch depends only on the samples within
``PITCH_REACH`` of its centre, so for every frame whose reach lies inside a
window the cached value is the value the window would compute, to the bit.
The frames at a window's two ends (whose reach runs past them, into the zeros
the features pad with) are computed on the window itself, as before. The
stream's windows start on the feature grid (``grid_frames``) so that their
frames are the cache's frames.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from medtalk.audio import SAMPLE_RATE
from medtalk.features import HOP_LENGTH, PITCH_REACH, num_feature_frames, pitch

EDGE = -(-PITCH_REACH[0] // HOP_LENGTH)  # frames at a cut's start whose reach runs before it
MAX_GRID_FRAMES = 12  # a frame rate with no shorter whole-sample grid gets no cache


def grid_frames(fps: float) -> int | None:
    """The fewest rig frames that span a whole number of feature hops (3 at 60 fps), or None."""
    ratio = Fraction(SAMPLE_RATE) / (Fraction(fps).limit_denominator(1000) * HOP_LENGTH)
    return ratio.denominator if ratio.denominator <= MAX_GRID_FRAMES else None


class PitchCache:
    """``window(samples, first) -> (f0, voicing)`` for a cut starting at sample ``first`` (a
    multiple of ``HOP_LENGTH``) of one stream's audio, the same as ``pitch(samples)``; cuts come
    in order of their start and end."""

    def __init__(self) -> None:
        self._first = 0  # feature frame of ``_f0[0]``
        self._f0 = np.zeros(0, dtype=np.float32)
        self._voicing = np.zeros(0, dtype=np.float32)

    def window(self, samples: np.ndarray, first: int) -> tuple[np.ndarray, np.ndarray]:
        assert first % HOP_LENGTH == 0, first
        frames = num_feature_frames(len(samples))
        inner = max(0, (len(samples) - 1 - PITCH_REACH[1]) // HOP_LENGTH + 1)  # frames whose reach ends inside
        if inner - EDGE < 2 * EDGE:  # too short to be worth it
            return pitch(samples)
        start = first // HOP_LENGTH
        low, high = start + EDGE, start + inner  # the frames the cache can give
        end = self._first + len(self._f0)
        if not (self._first <= low <= end):  # a cut past the cache (or before it): start afresh
            self._first, end = low, low
            self._f0, self._voicing = self._f0[:0], self._voicing[:0]
        # one cut from the first frame the cache lacks to the window's end gives those and the window's last frames
        fresh = min(end, high) - EDGE
        f0_new, voicing_new = pitch(samples[(fresh - start) * HOP_LENGTH :])
        new = slice(EDGE, EDGE + max(0, high - end))
        self._f0 = np.concatenate([self._f0[low - self._first :], f0_new[new]])
        self._voicing = np.concatenate([self._voicing[low - self._first :], voicing_new[new]])
        self._first = low
        f0, voicing = np.empty(frames, dtype=np.float32), np.empty(frames, dtype=np.float32)
        f0[EDGE:inner], voicing[EDGE:inner] = self._f0[: inner - EDGE], self._voicing[: inner - EDGE]
        f0[inner:], voicing[inner:] = f0_new[high - fresh :], voicing_new[high - fresh :]
        head = pitch(samples[: (2 * EDGE - 1) * HOP_LENGTH + PITCH_REACH[1] + 1])  # the window's first EDGE frames
        f0[:EDGE], voicing[:EDGE] = head[0][:EDGE], head[1][:EDGE]
        return f0, voicing
