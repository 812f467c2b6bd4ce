"""An expression descriptor of a face's landmarks, invariant to head pose, position and scale.

The landmarks are aligned to the neutral reference face
(:func:`medtalk.guidance.mesh.align`: rotation, scale and translation fitted
on the eye corners, nose bridge, forehead and temples), so every measure is
in the reference's face frame, in inter-ocular distances (IOD). Each feature
is a height or width *relative to a nearby rigid part of the face* (the eye
line, the nose base), which keeps a small alignment error from looking like
an expression; the descriptor is the features minus the reference's own,
times :data:`DESCRIPTOR_SCALE`. All features are linear in the aligned
landmarks (:func:`feature_matrix`), which the inverse model uses.

Per side (subject's L, then R; widths measured outwards from the midline):
brow heights at the head, middle and tail and the head's distance from the
midline; upper and lower lid heights; cheek height; nose-wing height and
width; mouth-corner height against the nose base and against the lip
centre, its width and depth; upper and lower lip heights halfway to the
corner. In the middle: lip gap, upper and lower lip thickness, chin drop,
chin-to-lip distance, lower-lip height, sideways shift of the lips and of the
chin, lip protrusion.
"""

from __future__ import annotations

import functools

import numpy as np

from medtalk.errors import MedtalkError
from medtalk.guidance import mesh as m
from medtalk.guidance.landmarks import NUM_LANDMARKS
from medtalk.guidance.reference import neutral_face

DESCRIPTOR_SCALE = 10.0  # features are in units of 0.1 IOD
MESH_POINTS = 468  # landmarks without the iris points (refine_landmarks=False)
X, Y, Z = range(3)

Term = tuple[int, int, float]  # (landmark, axis, weight)


def _mean(points: int | tuple[int, ...], axis: int, weight: float = 1.0) -> list[Term]:
    idx = (points,) if isinstance(points, int) else points
    return [(i, axis, weight / len(idx)) for i in idx]


def _minus(a: list[Term], b: list[Term]) -> list[Term]:
    return a + [(i, axis, -w) for i, axis, w in b]


def _side_features(side: str) -> dict[str, list[Term]]:
    out = 1.0 if side == "L" else -1.0  # x grows towards the subject's left
    eye_line = _mean((m.EYE_OUTER[side], m.EYE_INNER[side]), Y)
    nose_base = _mean(m.SUBNASALE, Y)
    lip_centre = _mean((m.UPPER_LIP_INNER, m.LOWER_LIP_INNER), Y)
    corner = m.MOUTH_CORNER[side]
    return {
        "brow_inner_height": _minus(_mean(m.BROW_INNER[side], Y), eye_line),
        "brow_middle_height": _minus(_mean(m.BROW_MIDDLE[side], Y), eye_line),
        "brow_outer_height": _minus(_mean(m.BROW_OUTER[side], Y), eye_line),
        "brow_inner_width": _mean(m.BROW_INNER[side], X, out),
        "upper_lid_height": _minus(_mean(m.UPPER_LID[side], Y), eye_line),
        "lower_lid_height": _minus(_mean(m.LOWER_LID[side], Y), eye_line),
        "cheek_height": _minus(_mean(m.CHEEK[side], Y), eye_line),
        "nose_wing_height": _minus(_mean(m.NOSE_WING[side], Y), eye_line),
        "nose_wing_width": _mean(m.NOSE_WING[side], X, out),
        "corner_height": _minus(_mean(corner, Y), nose_base),
        "corner_lift": _minus(_mean(corner, Y), lip_centre),
        "corner_width": _mean(corner, X, out),
        "corner_depth": _minus(_mean(corner, Z), _mean(m.SUBNASALE, Z)),
        "upper_lip_height": _minus(_mean(m.UPPER_LIP_SIDE[side], Y), nose_base),
        "lower_lip_height": _minus(_mean(m.LOWER_LIP_SIDE[side], Y), nose_base),
    }


def _centre_features() -> dict[str, list[Term]]:
    nose_base = _mean(m.SUBNASALE, Y)
    return {
        "lip_gap": _minus(_mean(m.UPPER_LIP_INNER, Y), _mean(m.LOWER_LIP_INNER, Y)),
        "upper_lip_thickness": _minus(_mean(m.UPPER_LIP_TOP, Y), _mean(m.UPPER_LIP_INNER, Y)),
        "lower_lip_thickness": _minus(_mean(m.LOWER_LIP_INNER, Y), _mean(m.LOWER_LIP_BOTTOM, Y)),
        "chin_height": _minus(_mean(m.CHIN, Y), nose_base),
        "chin_to_lip": _minus(_mean(m.LOWER_LIP_BOTTOM, Y), _mean(m.CHIN_BOSS, Y)),
        "lower_lip_middle_height": _minus(_mean(m.LOWER_LIP_BOTTOM, Y), nose_base),
        "lip_shift": _minus(_mean((m.UPPER_LIP_TOP, m.LOWER_LIP_BOTTOM), X), _mean(m.SUBNASALE, X)),
        "chin_shift": _minus(_mean(m.CHIN, X), _mean(m.SUBNASALE, X)),
        "lip_protrusion": _minus(_mean((m.UPPER_LIP_TOP, m.LOWER_LIP_BOTTOM), Z), _mean(m.SUBNASALE, Z)),
    }


def _all_features() -> dict[str, list[Term]]:
    features = {f"{side}_{name}": terms for side in m.SIDES for name, terms in _side_features(side).items()}
    features.update(_centre_features())
    return features


FEATURE_NAMES: tuple[str, ...] = tuple(_all_features())
DESCRIPTOR_DIM = len(FEATURE_NAMES)


@functools.cache
def feature_matrix() -> np.ndarray:
    """``(DESCRIPTOR_DIM, 468 * 3)``: features = matrix @ aligned mesh points (flattened), in IOD."""
    matrix = np.zeros((DESCRIPTOR_DIM, MESH_POINTS * 3))
    for row, terms in enumerate(_all_features().values()):
        for point, axis, weight in terms:
            matrix[row, point * 3 + axis] += weight
    matrix.setflags(write=False)
    return matrix


@functools.cache
def _reference_features() -> np.ndarray:
    return feature_matrix() @ neutral_face()[:MESH_POINTS].astype(np.float64).ravel()


def check_landmarks(landmarks: np.ndarray) -> np.ndarray:
    """``landmarks`` as float64 ``(N, 3)``, N 468 or 478, or a one-line :class:`MedtalkError`."""
    points = np.asarray(landmarks, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 3 or points.shape[0] not in (MESH_POINTS, NUM_LANDMARKS):
        raise MedtalkError(f"expected face-mesh landmarks ({MESH_POINTS} or {NUM_LANDMARKS}, 3), "
                           f"got shape {points.shape}")
    if not np.isfinite(points).all():
        raise MedtalkError("face-mesh landmarks contain NaN or infinite values")
    return points


def descriptor_of_aligned(aligned: np.ndarray) -> np.ndarray:
    """Descriptor ``(DESCRIPTOR_DIM,)`` of landmarks already in the reference face frame."""
    features = feature_matrix() @ aligned[:MESH_POINTS].ravel()
    return ((features - _reference_features()) * DESCRIPTOR_SCALE).astype(np.float32)


def expression_descriptor(landmarks: np.ndarray) -> np.ndarray:
    """Expression descriptor ``(DESCRIPTOR_DIM,)`` float32 of image-convention landmarks ``(N, 3)``.

    Zero for the neutral reference; unchanged (up to landmark noise) by head
    rotation, translation and uniform scale.
    """
    points = check_landmarks(landmarks)
    reference = neutral_face()[: len(points)].astype(np.float64)
    return descriptor_of_aligned(m.align(points, reference))
