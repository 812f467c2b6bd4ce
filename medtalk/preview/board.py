"""Named access to one frame of face-board values, for the preview geometry.

The preview reads controls by their short board names (``"L_brow_raiseIn"``,
``"C_eye.tx"``); this resolves them once to columns of the ``(174,)`` vector.
Sides follow the MetaHuman convention: ``L`` is the character's left, which a
front view shows on the viewer's right (screen ``+x``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from medtalk.rig import NUM_CONTROLS, index

SIDES = (("L", 1.0), ("R", -1.0))  # (board side, screen x direction of that side)


@lru_cache(maxsize=None)
def _column(name: str) -> int:
    axis = "translateX" if name.endswith(".tx") else "translateY"
    base = name.removesuffix(".tx").removesuffix(".ty")
    return index(f"CTRL_{base}-{axis}")


class Board:
    """One frame of board values, ``(174,)``, read by short control name."""

    def __init__(self, values: np.ndarray) -> None:
        values = np.asarray(values, dtype=np.float32)
        if values.shape != (NUM_CONTROLS,):
            raise ValueError(f"expected one frame of {NUM_CONTROLS} controls, got shape {values.shape}")
        self._values = values

    def __call__(self, name: str) -> float:
        """Value of ``name`` (``translateY`` unless it ends in ``.tx``)."""
        return float(self._values[_column(name)])

    def pos(self, name: str) -> float:
        """Positive part of a two-sided control."""
        return max(self(name), 0.0)

    def neg(self, name: str) -> float:
        """Negative part of a two-sided control, as a positive number."""
        return max(-self(name), 0.0)

    def mean(self, *names: str) -> float:
        return sum(self(n) for n in names) / len(names)
