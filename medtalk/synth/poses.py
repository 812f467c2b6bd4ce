"""Writing face-board poses by short control names, for both sides at once.

Poses in the performer are written the way an animator thinks of them:
``{"mouth_purseU": 0.8, "C_jaw": 0.1}``. A name without a side prefix means
the L and R controls; a ``C_`` name the centre control; ``-translateY`` is
implied unless the name says ``-translateX``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from medtalk.rig import CONTROL_NAMES, CONTROLS, NUM_CONTROLS, index

SIDES = ("L", "R")
_NAMES = frozenset(CONTROL_NAMES)


def columns(name: str) -> list[int]:
    """Rig columns of a short control name: one for ``C_``/explicit sides, two (L, R) otherwise."""
    full = name if "-translate" in name else f"{name}-translateY"
    if full.startswith(("C_", "L_", "R_")) or f"CTRL_{full}" in _NAMES:  # explicit side, or none (neck_throat*)
        return [index(f"CTRL_{full}")]
    return [index(f"CTRL_{side}_{full}") for side in SIDES]


def pose(spec: Mapping[str, float]) -> np.ndarray:
    """A ``(174,)`` float32 vector with ``spec``'s values at their columns, zero elsewhere."""
    out = np.zeros(NUM_CONTROLS, dtype=np.float32)
    for name, value in spec.items():
        out[columns(name)] = value
    return out


def mask(names: tuple[str, ...]) -> np.ndarray:
    """Sorted rig columns of several short names: ``(K,)`` int64."""
    return np.array(sorted({c for n in names for c in columns(n)}), dtype=np.int64)


def side_columns(side: str) -> np.ndarray:
    """All columns of one side (``"L"`` or ``"R"``): ``(K,)`` int64."""
    return np.array([c.index for c in CONTROLS if c.side == side], dtype=np.int64)
