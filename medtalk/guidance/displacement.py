"""How each board control moves the landmarks of the neutral reference face (written here).

A control's effect is a few :class:`Move` s, each a region of the face
(:mod:`medtalk.guidance.regions`) either shifted by a vector or opened/closed
by scaling its height above the eye line or lip seam. Displacements are in
IOD per unit of the control, ``x`` pointing *outwards* for sided controls (so
one entry serves L and R) and towards the subject's left for centre controls.
Two-sided controls may move differently for negative values (``EFFECTS``
gives ``(positive, negative)``; a missing negative branch is the positive
one reversed). The model is linear in each branch, so a pose's displacement
is ``sum max(v, 0) * D+ + max(-v, 0) * D-`` over the controls.

Magnitudes follow FACS descriptions of each action unit and are matched to
the project's 2D preview (``medtalk.preview``, whose face-unit distances divide
by its 0.239-unit IOD): e.g. ``brow_raiseIn`` lifts the head of the brow 0.19
IOD, ``mouth_cornerPull`` moves the corner 0.07 out and 0.13 up, a fully open
jaw (``C_jaw`` = 1) drops the chin 0.36 IOD. Controls with no visible effect
on the face mesh (tongue, teeth, ears, neck, gaze, pupils, lashes) are absent.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from medtalk.guidance.landmarks import NUM_LANDMARKS
from medtalk.guidance.regions import centre_regions, lid_offset, lip_offset, side_regions
from medtalk.rig import CONTROLS, RANGE_HI, RANGE_LO
from medtalk.synth.poses import columns


@dataclass(frozen=True)
class Move:
    """``region`` shifted by ``vector`` (IOD per unit), or scaled about ``about`` ("lid"/"lip") by ``vector[1]``."""

    region: str
    vector: tuple[float, float, float]
    about: str | None = None


def shift(region: str, dx: float, dy: float, dz: float = 0.0) -> Move:
    return Move(region, (dx, dy, dz))


def lid(region: str, k: float) -> Move:
    """Height above the eye line times ``1 + k`` (k = -1 shuts the lid onto the line)."""
    return Move(region, (0.0, k, 0.0), "lid")


def lip(region: str, k: float) -> Move:
    """Height above the lip seam times ``1 + k`` (thins or thickens the lip)."""
    return Move(region, (0.0, k, 0.0), "lip")


Effect = tuple[tuple[Move, ...], tuple[Move, ...] | None]

EFFECTS: dict[str, Effect] = {
    # brows (AU1, AU2, AU4)
    "brow_raiseIn": ((shift("brow_inner", 0, 0.19), shift("forehead_inner", 0, 0.08)), None),
    "brow_raiseOut": ((shift("brow_outer", 0, 0.17), shift("forehead_outer", 0, 0.07)), None),
    "brow_down": ((shift("brow", 0, -0.06), shift("brow_inner", 0, -0.07)), None),
    "brow_lateral": ((shift("brow_inner", -0.09, -0.04),), None),
    # lids (AU5, AU7, AU43) and cheeks (AU6)
    "eye_blink": ((lid("upper_lid", -0.95), lid("lower_lid", -0.15)),
                  (lid("upper_lid", 0.55), lid("lower_lid", 0.35))),
    "eye_eyelidU": ((lid("upper_lid", -0.35),), (lid("upper_lid", 0.44),)),
    "eye_eyelidD": ((lid("lower_lid", -0.5),), (lid("lower_lid", 0.5),)),
    "eye_squintInner": ((lid("lower_lid_inner", -0.8), lid("upper_lid_inner", -0.25)), None),
    "eye_cheekRaise": ((lid("lower_lid", -0.7), lid("upper_lid", -0.1), shift("cheek", 0, 0.10, 0.02),
                        shift("nasolabial", 0.01, 0.03)), None),
    "eye_lidPress": ((lid("upper_lid", -0.3), lid("lower_lid", -0.2)), None),
    "eye_faceScrunch": ((lid("upper_lid", -0.2), lid("lower_lid", -0.45), shift("cheek", 0, 0.05),
                         shift("nose_wing", 0, 0.03), shift("brow_inner", 0, -0.04)), None),
    # nose (AU9, AU38/39)
    "nose-translateY": ((shift("nose_wing", 0, 0.045), shift("upper_lip", 0, 0.025),
                         shift("brow_inner", 0, -0.03), lid("lower_lid", -0.1)),
                        (shift("nose_wing", 0, -0.02),)),
    "nose-translateX": ((shift("nose_wing", 0.03, 0),), (shift("nose_wing", -0.02, 0),)),
    "nose_wrinkleUpper": ((shift("brow_inner", 0, -0.03), shift("nose_wing", 0, 0.015)), None),
    "nose_nasolabialDeepen": ((shift("nasolabial", 0.01, 0.025), shift("nose_wing", 0, 0.01)), None),
    # mouth corners (AU12, AU13, AU14, AU15, AU20)
    "mouth_cornerPull": ((shift("corner", 0.074, 0.134, -0.04), shift("nasolabial", 0.02, 0.05, 0.02)), None),
    "mouth_sharpCornerPull": ((shift("corner_tight", 0.033, 0.084, -0.02),), None),
    "mouth_cornerDepress": ((shift("corner", 0.02, -0.117), shift("chin", 0, -0.02)), None),
    "mouth_dimple": ((shift("corner", 0.02, 0.01, -0.05),), None),
    "mouth_stretch": ((shift("corner", 0.1, -0.02, -0.02),), None),
    "mouth_corner-translateX": ((shift("corner", 0.067, 0),), None),
    "mouth_corner-translateY": ((shift("corner", 0, 0.092),), (shift("corner", 0, -0.084),)),
    # lips (AU10, AU16, AU17, AU18, AU22, AU23, AU24, AU28)
    "mouth_upperLipRaise": ((shift("upper_lip", 0, 0.084, 0.01), shift("nose_wing", 0, 0.015)), None),
    "mouth_lowerLipDepress": ((shift("lower_lip", 0, -0.109, 0.01),), None),
    "mouth_pressU": ((lip("upper_lip_half", -0.45), shift("corner", -0.01, 0)), None),
    "mouth_pressD": ((lip("lower_lip_half", -0.45), shift("corner", -0.01, 0)), None),
    "mouth_lipsPressU": ((lip("upper_lip_half", -0.25),), None),
    "mouth_tightenU": ((lip("upper_lip_half", -0.3), shift("corner", -0.015, 0)), None),
    "mouth_tightenD": ((lip("lower_lip_half", -0.3), shift("corner", -0.015, 0)), None),
    "mouth_lipsRollU": ((lip("upper_lip_half", -0.65),), (lip("upper_lip_half", 0.4),)),
    "mouth_lipsRollD": ((lip("lower_lip_half", -0.65),), (lip("lower_lip_half", 0.4),)),
    "mouth_lipsTogetherU": ((shift("upper_lip_half", 0, -0.03),), None),
    "mouth_lipsTogetherD": ((shift("lower_lip_half", 0, 0.05),), None),
    "mouth_purseU": ((shift("corner", -0.042, 0, 0.015), shift("upper_lip_half", 0, 0, 0.06)), None),
    "mouth_purseD": ((shift("corner", -0.042, 0, 0.015), shift("lower_lip_half", 0, 0, 0.06)), None),
    "mouth_towardsU": ((shift("corner", -0.035, 0, 0.01), shift("upper_lip_half", 0, 0, 0.04)), None),
    "mouth_towardsD": ((shift("corner", -0.035, 0, 0.01), shift("lower_lip_half", 0, 0, 0.04)), None),
    "mouth_funnelU": ((shift("corner", -0.03, 0, 0.01), shift("upper_lip_half", 0, 0.02, 0.05)), None),
    "mouth_funnelD": ((shift("corner", -0.03, 0, 0.01), shift("lower_lip_half", 0, -0.02, 0.05)), None),
    "jaw_ChinRaiseD": ((shift("chin", 0, 0.05, 0.01), shift("lower_lip_half", 0, 0.03, 0.02)), None),
    "jaw_ChinRaiseU": ((shift("lower_lip_half", 0, 0.03, 0.01), shift("upper_lip_half", 0, 0.01)), None),
    "jaw_chinCompress": ((shift("chin", 0, 0.02, -0.01),), None),
    # jaw (AU26, AU27, AU29, AU30) and the whole mouth
    "C_jaw": ((shift("jaw", 0, -0.36, -0.06), shift("upper_lip_middle", 0, 0.028)), None),
    "C_jaw_openExtreme": ((shift("jaw", 0, -0.18, -0.03),), None),
    "C_jaw-translateX": ((shift("jaw", -0.084, 0),), None),  # + is the subject's right
    "C_jaw_fwdBack": ((shift("jaw", 0, 0, -0.06),), None),  # + is back
    "C_mouth-translateX": ((shift("lips", 0.126, 0),), None),  # + is the subject's left
    "C_mouth-translateY": ((shift("lips", 0, 0.105),), None),
}


def field(moves: tuple[Move, ...], side: str) -> np.ndarray:
    """Displacement ``(478, 3)`` per unit of a control on ``side`` (``"L"``, ``"R"`` or ``"C"``)."""
    regions = centre_regions() if side == "C" else side_regions(side)
    sign = -1.0 if side == "R" else 1.0
    out = np.zeros((NUM_LANDMARKS, 3))
    for move in moves:
        weight = regions[move.region]
        if move.about is None:
            out += weight[:, None] * np.array([sign * move.vector[0], move.vector[1], move.vector[2]])
        else:
            offset = lid_offset(side) if move.about == "lid" else lip_offset()
            out[:, 1] += weight * move.vector[1] * offset
    return out


@dataclass(frozen=True)
class Basis:
    """The model as arrays: ``columns (K,)`` of the rig, fields ``(K, 478, 3)`` per unit, each branch."""

    columns: np.ndarray
    positive: np.ndarray
    negative: np.ndarray  # zero for one-sided controls
    two_sided: np.ndarray  # (K,) bool

    def displacement(self, values: np.ndarray) -> np.ndarray:
        """``(478, 3)`` displacement of a pose ``(174,)`` (deviation from rest, board units)."""
        v = values[self.columns].astype(np.float64)
        return (np.einsum("k,kpd->pd", np.maximum(v, 0.0), self.positive)
                + np.einsum("k,kpd->pd", np.maximum(-v, 0.0), self.negative))


@functools.cache
def basis() -> Basis:
    """Every control of :data:`EFFECTS` expanded to its rig columns (L and R, or centre)."""
    cols, pos, neg, two = [], [], [], []
    for name, (positive, negative) in EFFECTS.items():
        for col in columns(name):
            side = CONTROLS[col].side
            cols.append(col)
            pos.append(field(positive, side))
            two.append(bool(RANGE_LO[col] < 0))
            neg.append(field(negative, side) if negative is not None else -pos[-1] if two[-1] else 0 * pos[-1])
    assert all(RANGE_HI[c] == 1.0 for c in cols)
    return Basis(np.array(cols), np.array(pos), np.array(neg), np.array(two))
