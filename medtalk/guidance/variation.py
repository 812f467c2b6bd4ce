"""What makes two photos of one expression differ: identity, head pose, landmark noise.

- **Identity** is linear in a vector of standard-normal amounts
  (:func:`identity_basis`): a smooth quadratic reshaping of the whole face
  (each of 9 quadratic terms per axis, mostly left-right symmetric) plus
  per-feature differences (brow height, eye and lip size, mouth width, nose
  and chin), built from the same regions the controls move. Being linear, it
  also gives ``fit_pose`` the exact covariance of face shapes to discount.
- **Head pose**: yaw, pitch and roll each uniform in +-:data:`POSE_DEGREES`,
  a random size and position in a 1280 x 720 picture.
- **Noise**: independent Gaussian jitter per landmark, larger in depth, as
  MediaPipe's own estimates have.

Amounts are in IOD (the reference's eye-centre distance).
"""

from __future__ import annotations

import functools

import numpy as np

from medtalk.guidance.displacement import Move, field, lid, lip, shift
from medtalk.guidance.mesh import image_to_face_axes
from medtalk.guidance.reference import neutral_face

POSE_DEGREES = 25.0  # yaw, pitch and roll are each uniform in +- this
IOD_PIXELS = (40.0, 250.0)  # size of the face in the picture (eye-centre distance), uniform
PICTURE = (1280.0, 720.0)  # width, height of the picture the face is placed in
UPRIGHT_IOD = 100.0  # pixels, the face's size without pose variation
LANDMARK_NOISE = 0.006  # IOD, std of x/y jitter
DEPTH_NOISE = 0.02  # IOD, std of z jitter (MediaPipe's depth is its least certain coordinate)
IDENTITY_FIELD = 0.015  # IOD, std of each coefficient of the quadratic reshaping
IDENTITY_ASYMMETRY = 0.3  # size of the left-right asymmetric part relative to the symmetric one
# Per-feature identity: (move, std of its amount), the same on both sides of the face.
IDENTITY_MOVES: tuple[tuple[Move, float], ...] = (
    (shift("brow", 0, 1.0), 0.04),
    (shift("brow_inner", -1.0, 0), 0.03),
    (lid("upper_lid", 1.0), 0.12),
    (lid("lower_lid", 1.0), 0.15),
    (shift("corner", 1.0, 0), 0.05),
    (shift("corner", 0, 1.0), 0.02),
    (lip("upper_lip_half", 1.0), 0.15),
    (lip("lower_lip_half", 1.0), 0.15),
    (shift("nose_wing", 0, 1.0), 0.04),
    (shift("nose_wing", 1.0, 0), 0.03),
    (shift("cheek", 0, 1.0), 0.03),
    (shift("chin", 0, 1.0), 0.04),
)


def _quadratic_terms(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
    return np.stack([x, y, z, x * x, y * y, z * z, x * y, x * z, y * z], axis=1)


@functools.cache
def identity_basis() -> np.ndarray:
    """``(M, 478, 3)``: identity shape = ``sum_m a_m * basis[m]`` with ``a ~ N(0, 1)``."""
    face = neutral_face().astype(np.float64)
    x, y, z = face.T
    terms, mirrored_terms = _quadratic_terms(x, y, z), _quadratic_terms(-x, y, z)
    flip = np.array([-1.0, 1.0, 1.0])
    fields = []
    for t in range(terms.shape[1]):
        for axis in range(3):
            direct = np.zeros_like(face)
            direct[:, axis] = terms[:, t]
            mirrored = np.zeros_like(face)
            mirrored[:, axis] = mirrored_terms[:, t]
            mirrored *= flip
            symmetric, asymmetric = (direct + mirrored) / 2, (direct - mirrored) / 2
            fields.append(IDENTITY_FIELD * (symmetric + IDENTITY_ASYMMETRY * asymmetric))
    for move, std in IDENTITY_MOVES:
        fields.append(std * (field((move,), "L") + field((move,), "R")))
    out = np.array(fields)
    out.setflags(write=False)
    return out


def identity_offsets(rng: np.random.Generator) -> np.ndarray:
    """A random face shape: displacement ``(478, 3)`` of the reference, in IOD."""
    basis = identity_basis()
    return np.einsum("m,mpd->pd", rng.standard_normal(len(basis)), basis)


def landmark_noise(rng: np.random.Generator, count: int) -> np.ndarray:
    """Jitter ``(count, 3)`` in IOD."""
    return rng.normal(0.0, [LANDMARK_NOISE, LANDMARK_NOISE, DEPTH_NOISE], size=(count, 3))


def rotation(yaw: float, pitch: float, roll: float) -> np.ndarray:
    """Rotation matrix (radians) about y (yaw), x (pitch) then z (roll), applied as ``p @ R.T``."""
    cy, sy, cp, sp, cr, sr = np.cos(yaw), np.sin(yaw), np.cos(pitch), np.sin(pitch), np.cos(roll), np.sin(roll)
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rx = np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
    rz = np.array([[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]])
    return rz @ rx @ ry


def place_in_picture(face: np.ndarray, rng: np.random.Generator | None) -> np.ndarray:
    """Face-frame points ``(N, 3)`` -> image-convention pixels, with a random head pose unless ``rng`` is None."""
    if rng is None:
        size, centre = UPRIGHT_IOD, np.array(PICTURE) / 2
    else:
        face = face @ rotation(*np.radians(rng.uniform(-POSE_DEGREES, POSE_DEGREES, size=3))).T
        size = rng.uniform(*IOD_PIXELS)
        margin = np.minimum(2.0 * size, np.array(PICTURE) / 2)  # keep the whole face in the picture
        centre = rng.uniform(margin, np.array(PICTURE) - margin)
    image = image_to_face_axes(face * size)
    image[:, :2] += centre
    return image
