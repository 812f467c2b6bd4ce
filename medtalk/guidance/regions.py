"""Soft regions of the neutral reference face that the board controls move.

Every region is a weight per landmark, 0..1: mostly anisotropic Gaussians
around a part of the face (a brow, a lid, a mouth corner), cut where anatomy
separates parts that move independently (upper from lower lid at the eye
line, upper from lower lip at the lip seam). Sided regions are computed on
one side of the face with ``ox``, the distance from the midline outwards, so
the left and right regions are mirror images. Centres are read off the
reference landmarks; spreads are in IOD (face-frame units).

Two signed offsets go with the regions: ``lid_offset`` (height above the
eye line through the eye's corners) and ``lip_offset`` (height above the lip
seam), for effects that open or close an aperture by scaling about its line.
"""

from __future__ import annotations

import functools

import numpy as np

from medtalk.guidance import mesh as m
from medtalk.guidance.reference import neutral_face

GATE_SOFTNESS = 0.004  # IOD: the width of the cut between upper and lower lid / lip
MIDLINE_SOFTNESS = 0.05  # IOD: how the left and right halves of the lips blend across the midline
BROW_INNER_OUTER = (0.25, 0.95)  # ox where the brow ramp runs from head (1) to tail (0)
EYE_INNER_OUTER = (0.28, 0.72)  # ox of the eye's corners on the reference
JAW_DEPTH = 0.25  # IOD below the seam at which a point moves fully with the jaw
JAW_REACH = 1.0  # IOD of lateral distance (beyond the lip corners) over which the jaw's pull fades
JAW_FAR = 0.2  # share of the chin's motion kept at the jaw's angle
LOWER_LIP_ON_JAW = 0.8  # the lower lip travels this share of the chin's drop (it rides on the teeth)
CORNER_ON_JAW = 0.4


def _gauss(a: np.ndarray, b: np.ndarray, centre: tuple[float, float], spread: tuple[float, float]) -> np.ndarray:
    return np.exp(-0.5 * (((a - centre[0]) / spread[0]) ** 2 + ((b - centre[1]) / spread[1]) ** 2))


def _ramp(v: np.ndarray, one_at: float, zero_at: float) -> np.ndarray:
    return np.clip((v - zero_at) / (one_at - zero_at), 0.0, 1.0)


def _gate(offset: np.ndarray) -> np.ndarray:
    """1 where ``offset`` is clearly positive, 0 where clearly negative."""
    return 1.0 / (1.0 + np.exp(-offset / GATE_SOFTNESS))


def _points(idx) -> np.ndarray:
    return neutral_face()[list(np.atleast_1d(idx))].astype(np.float64)


@functools.cache
def _seam() -> tuple[np.ndarray, np.ndarray]:
    """The lip seam as ``(x, y)`` samples, corner to corner (midway between the inner contours)."""
    upper = _points(m.UPPER_LIP_INNER_CONTOUR)
    lower = _points(m.LOWER_LIP_INNER_CONTOUR)
    mid = (upper + lower) / 2
    corners = _points([m.MOUTH_CORNER["R"], m.MOUTH_CORNER["L"]])
    xy = np.concatenate([corners[:1, :2], mid[:, :2], corners[1:, :2]])
    return xy[:, 0], xy[:, 1]


@functools.cache
def lip_offset() -> np.ndarray:
    """Height of every reference landmark above the lip seam ``(478,)`` (flat beyond the corners)."""
    face = neutral_face().astype(np.float64)
    xs, ys = _seam()
    return face[:, 1] - np.interp(face[:, 0], xs, ys)


@functools.cache
def upper_lip_share() -> np.ndarray:
    """``(478,)``: 1 on the upper lip and above the seam, 0 on the lower lip and below, 0.5 at the corners.

    The inner lip contours of a closed mouth touch, so their membership comes
    from the mesh topology, not from their height.
    """
    share = _gate(lip_offset())
    share[list(m.UPPER_LIP_INNER_CONTOUR)] = 1.0
    share[list(m.LOWER_LIP_INNER_CONTOUR)] = 0.0
    share[[m.MOUTH_CORNER["R"], m.MOUTH_CORNER["L"], 78, 308]] = 0.5  # 78/308: inner corners
    return share


@functools.cache
def lid_offset(side: str) -> np.ndarray:
    """Height above ``side``'s eye line (through its two corners) of every landmark ``(478,)``."""
    face = neutral_face().astype(np.float64)
    inner, outer = _points(m.EYE_INNER[side])[0], _points(m.EYE_OUTER[side])[0]
    slope = (outer[1] - inner[1]) / (outer[0] - inner[0])
    return face[:, 1] - (inner[1] + slope * (face[:, 0] - inner[0]))


@functools.cache
def side_regions(side: str) -> dict[str, np.ndarray]:
    """Weights ``(478,)`` of every sided region on ``side`` (``"L"`` or ``"R"``)."""
    face = neutral_face().astype(np.float64)
    sign = 1.0 if side == "L" else -1.0
    ox, y = face[:, 0] * sign, face[:, 1]
    eye = _points([m.EYE_INNER[side], m.EYE_OUTER[side]]).mean(0)
    brow_pts = _points([*m.BROW_INNER[side], *m.BROW_MIDDLE[side], *m.BROW_OUTER[side]])
    brow_centre = (float(brow_pts[:, 0].mean() * sign), float(brow_pts[:, 1].mean()))
    corner = _points(m.MOUTH_CORNER[side])[0]
    corner_c = (float(corner[0] * sign), float(corner[1]))
    wing = _points(m.NOSE_WING[side]).mean(0)
    eye_c = (float(eye[0] * sign), float(eye[1]))
    above_eye, lip_up = _gate(lid_offset(side)), upper_lip_share()
    inner_brow = _ramp(ox, *BROW_INNER_OUTER)
    inner_eye = _ramp(ox, *EYE_INNER_OUTER)
    brow = _gauss(ox, y, brow_centre, (0.38, 0.11))
    forehead = 0.45 * _gauss(ox, y, (brow_centre[0], brow_centre[1] + 0.3), (0.42, 0.22)) * (1 - brow)
    upper_lid = _gauss(ox, y, eye_c, (0.17, 0.12)) * above_eye
    lower_lid = _gauss(ox, y, eye_c, (0.17, 0.09)) * (1 - above_eye)
    # the two sides share the middle of the lips: half each on the midline
    lips_half = _gauss(ox, y, (corner_c[0] * 0.5, corner_c[1]), (0.2, 0.1)) / (1 + np.exp(-ox / MIDLINE_SOFTNESS))
    return {
        "brow": brow,
        "brow_inner": brow * inner_brow,
        "brow_outer": brow * (1 - inner_brow),
        "forehead_inner": forehead * inner_brow,
        "forehead_outer": forehead * (1 - inner_brow),
        "upper_lid": upper_lid,
        "lower_lid": lower_lid,
        "upper_lid_inner": upper_lid * inner_eye,
        "lower_lid_inner": lower_lid * inner_eye,
        "cheek": _gauss(ox, y, (eye_c[0] + 0.08, eye_c[1] - 0.38), (0.2, 0.17)),
        "nose_wing": _gauss(ox, y, (float(wing[0] * sign), float(wing[1])), (0.09, 0.07)),
        "nasolabial": _gauss(ox, y, (corner_c[0] + 0.03, corner_c[1] + 0.22), (0.1, 0.12)),
        "corner": _gauss(ox, y, corner_c, (0.15, 0.12)),
        "corner_tight": _gauss(ox, y, corner_c, (0.09, 0.08)),
        "upper_lip": _gauss(ox, y, (corner_c[0] * 0.5, corner_c[1] + 0.04), (0.15, 0.08)) * lip_up,
        "lower_lip": _gauss(ox, y, (corner_c[0] * 0.5, corner_c[1] - 0.05), (0.15, 0.08)) * (1 - lip_up),
        "upper_lip_half": lips_half * lip_up,
        "lower_lip_half": lips_half * (1 - lip_up),
        "chin": _gauss(ox, y, (0.12, corner_c[1] - 0.32), (0.18, 0.14)),
    }


@functools.cache
def centre_regions() -> dict[str, np.ndarray]:
    """Weights ``(478,)`` of the regions that straddle the midline."""
    face = neutral_face().astype(np.float64)
    x, y = face[:, 0], face[:, 1]
    xs, ys = _seam()
    corner_x = float(xs[-1])
    below = 1 - upper_lip_share()
    depth = _ramp(-lip_offset(), JAW_DEPTH, 0.0)
    lateral = JAW_FAR + (1 - JAW_FAR) * _ramp(np.abs(x), corner_x, corner_x + JAW_REACH)
    jaw = below * np.maximum(depth, LOWER_LIP_ON_JAW * (np.abs(lip_offset()) < 0.15)) * lateral
    jaw[[m.MOUTH_CORNER["R"], m.MOUTH_CORNER["L"], 78, 308]] = CORNER_ON_JAW
    return {
        "jaw": jaw,
        "lips": _gauss(x, y, (0.0, float(ys.mean())), (0.38, 0.12)),
        "upper_lip_middle": _gauss(x, y, (0.0, float(ys.mean())), (0.2, 0.1)) * upper_lip_share(),
    }
