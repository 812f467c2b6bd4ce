"""Do the lips make the sounds? Segment AUCs on real speech with a forced alignment (evaluation only).

Per phone segment of a forced alignment (pocketsphinx, ARPAbet):

- **place of articulation**: the minimum mouth aperture over the segment
  (``aperture``), at m/b/p (the lips close) against t/d/n/k/g (the tongue
  closes, the lips need not): the AUC is the chance that a random bilabial
  is more closed than a random tongue stop;
- **rounding**: the maximum purse/funnel/towards over the segment
  (``rounding``), at uw/ow/w/ao against iy/ae/eh/ih.

0.5 is chance, 1.0 a perfect separation. Segments of several clips pool into
one AUC (``SegmentScores.add``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from medtalk.rig import DEFAULT_FPS, index, indices
from medtalk.synth.timeline import Phone

JAW = index("CTRL_C_jaw-translateY")
LOWER_LIP = indices("lowerLipDepress")
ROUNDING = indices("purse", "funnel", "towardsU", "towardsD")
CLOSED, TONGUE = frozenset({"M", "B", "P"}), frozenset({"T", "D", "N", "K", "G"})
ROUNDED, UNROUNDED = frozenset({"UW", "OW", "W", "AO"}), frozenset({"IY", "AE", "EH", "IH"})


def aperture(values: np.ndarray) -> np.ndarray:
    """How open the lips are: jaw-open plus the mean lower-lip depression, ``(T, 174) -> (T,)``."""
    return values[:, JAW] + values[:, LOWER_LIP].mean(axis=1)


def rounding(values: np.ndarray) -> np.ndarray:
    """How rounded and protruded the lips are: mean purse/funnel/towards, ``(T, 174) -> (T,)``."""
    return values[:, ROUNDING].mean(axis=1)


def auc(positive: Sequence[float], negative: Sequence[float]) -> float:
    """P(a positive scores above a negative), ties counting half (Mann-Whitney U / (n_pos n_neg))."""
    pos, neg = np.asarray(positive, dtype=np.float64), np.asarray(negative, dtype=np.float64)
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


def _per_segment(curve: np.ndarray, phones: Sequence[Phone], symbols: frozenset[str],
                 reduce: Callable[[np.ndarray], float], fps: float) -> list[float]:
    """``reduce`` of ``curve (T,)`` over the frames of each phone in ``symbols`` (at least one frame)."""
    out = []
    for p in phones:
        if p.symbol.upper() in symbols:
            a = min(round(p.start * fps), len(curve) - 1)
            out.append(reduce(curve[a : max(round(p.end * fps), a + 1)]))
    return out


@dataclass
class SegmentScores:
    """Per-segment scores pooled over clips: closure (minus the minimum aperture, so higher is
    more closed) at bilabials and tongue stops, rounding at rounded and unrounded vowels."""

    closed: list[float] = field(default_factory=list)
    tongue: list[float] = field(default_factory=list)
    rounded: list[float] = field(default_factory=list)
    unrounded: list[float] = field(default_factory=list)

    def add(self, values: np.ndarray, phones: Sequence[Phone], fps: float = DEFAULT_FPS) -> SegmentScores:
        """Score one clip: ``values (T, 174)`` at ``fps`` and its aligned ARPAbet ``phones``."""
        closure, round_ = -aperture(values), rounding(values)
        self.closed += _per_segment(closure, phones, CLOSED, np.max, fps)
        self.tongue += _per_segment(closure, phones, TONGUE, np.max, fps)
        self.rounded += _per_segment(round_, phones, ROUNDED, np.max, fps)
        self.unrounded += _per_segment(round_, phones, UNROUNDED, np.max, fps)
        return self

    def aucs(self) -> dict[str, float]:
        """``{"place": AUC, "rounding": AUC}`` over every segment added."""
        return {"place": auc(self.closed, self.tongue), "rounding": auc(self.rounded, self.unrounded)}

    def counts(self) -> dict[str, int]:
        return {"closed": len(self.closed), "tongue": len(self.tongue),
                "rounded": len(self.rounded), "unrounded": len(self.unrounded)}
