"""Landmarks from board poses, and board poses from landmarks.

``synth_landmarks`` deforms the neutral reference face by the per-control
displacement model (:mod:`medtalk.guidance.displacement`), then varies what a
photo varies besides the expression (:mod:`medtalk.guidance.variation`:
identity, head pose, landmark noise). The result is in MediaPipe's image
convention, so the training descriptor comes from the same
:func:`~medtalk.guidance.descriptor.expression_descriptor` as a photo's.

``fit_pose`` inverts the model for one face. It aligns the landmarks to the
reference and finds the most probable pose under the *same* model: a
generalised least-squares fit whose residual covariance is exactly the
identity variation plus landmark noise and a floor for modelling error (so
directions in which faces simply differ from person to person count little),
with a small ridge on the controls, every control within its board range
(positive and negative branches as separate non-negative variables;
``scipy.optimize.lsq_linear``). It then re-aligns against the fitted face
and solves again.
"""

from __future__ import annotations

import functools

import numpy as np

from medtalk.guidance.descriptor import MESH_POINTS, check_landmarks, expression_descriptor
from medtalk.guidance.displacement import basis
from medtalk.guidance.mesh import STABLE, image_to_face_axes, similarity
from medtalk.guidance.reference import neutral_face
from medtalk.guidance.variation import (
    DEPTH_NOISE, LANDMARK_NOISE, identity_basis, identity_offsets, landmark_noise, place_in_picture,
)
from medtalk.rig import NUM_CONTROLS, REST_POSE, clip_to_range
from medtalk.synth.poses import columns

MODEL_ERROR = 0.02  # IOD, std of how far a real face departs from the displacement model, per coordinate
FIT_RIDGE = 2.0  # per unit of a control: the penalty is (FIT_RIDGE * cost * value)^2, in the whitened residual's units
FIT_ROUNDS = 2  # align, solve, re-align against the fitted face, solve again
# Controls an animator reaches for first for each action unit; the others
# (which overlap them) cost this much more in the fit.
FIT_SECONDARY_COST = 4.0
FIT_PRIMARY = (
    "brow_raiseIn", "brow_raiseOut", "brow_down", "brow_lateral", "eye_blink", "eye_squintInner",
    "eye_cheekRaise", "nose-translateY", "mouth_cornerPull", "mouth_cornerDepress", "mouth_stretch",
    "mouth_upperLipRaise", "mouth_lowerLipDepress", "mouth_pressU", "mouth_pressD", "mouth_purseU",
    "mouth_purseD", "mouth_funnelU", "mouth_funnelD", "jaw_ChinRaiseD", "C_jaw",
)


def synth_landmarks(values: np.ndarray, rng: np.random.Generator, pose: bool = True, identity: bool = True,
                    noise: bool = True) -> np.ndarray:
    """Landmarks ``(478, 3)`` float32 (image convention, pixels) of a face showing board pose ``values (174,)``.

    Without ``pose`` the face is upright, 100 px between the eyes, in the middle of the picture.
    """
    values = np.asarray(values, dtype=np.float64)
    assert values.shape == (NUM_CONTROLS,), values.shape
    face = neutral_face().astype(np.float64) + basis().displacement(values - REST_POSE)
    if identity:
        face = face + identity_offsets(rng)
    if noise:
        face = face + landmark_noise(rng, len(face))
    return place_in_picture(face, rng if pose else None).astype(np.float32)


def synth_descriptors(values: np.ndarray, rng: np.random.Generator, **variation: bool) -> np.ndarray:
    """Training descriptors ``(B, DESCRIPTOR_DIM)`` float32 of poses ``(B, 174)`` via :func:`synth_landmarks`."""
    values = np.asarray(values, dtype=np.float64)
    assert values.ndim == 2 and values.shape[1] == NUM_CONTROLS, values.shape
    return np.stack([expression_descriptor(synth_landmarks(v, rng, **variation)) for v in values])


@functools.cache
def _fit_system() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(design (468*3, V), projector (V, 468*3), cholesky factor (V, V), owner (V, 2))``.

    Variable ``v`` is one branch of one control: ``owner[v] = (column, +1 or -1)``.
    """
    b = basis()
    primary = {c for name in FIT_PRIMARY for c in columns(name)}
    fields, cost, owner = [], [], []
    for k, col in enumerate(b.columns):
        branches = [(b.positive[k], 1.0)] + ([(b.negative[k], -1.0)] if b.two_sided[k] else [])
        for displacement, sign in branches:
            fields.append(displacement[:MESH_POINTS].ravel())
            cost.append(1.0 if col in primary else FIT_SECONDARY_COST)
            owner.append((col, sign))
    design = np.array(fields).T
    # residual covariance = G G^T + D: identity shapes plus independent noise; inverted by Woodbury
    g = identity_basis()[:, :MESH_POINTS].reshape(len(identity_basis()), -1).T
    noise = np.tile([LANDMARK_NOISE**2, LANDMARK_NOISE**2, DEPTH_NOISE**2], MESH_POINTS) + MODEL_ERROR**2
    d_inv_a, d_inv_g = design / noise[:, None], g / noise[:, None]
    inner = np.linalg.inv(np.eye(g.shape[1]) + g.T @ d_inv_g)
    projector = (d_inv_a - d_inv_g @ (inner @ (g.T @ d_inv_a))).T  # A^T Sigma^-1
    hessian = projector @ design + np.diag((FIT_RIDGE * np.array(cost)) ** 2)
    return design, projector, np.linalg.cholesky(hessian), np.array(owner)


def fit_pose(landmarks: np.ndarray) -> np.ndarray:
    """The board pose ``(174,)`` float32 whose modelled face best explains image-convention ``landmarks (N, 3)``.

    Controls outside the model stay at rest; every value is within its board range.
    """
    from scipy.linalg import solve_triangular
    from scipy.optimize import lsq_linear

    points = image_to_face_axes(check_landmarks(landmarks))[:MESH_POINTS]
    reference = neutral_face()[:MESH_POINTS].astype(np.float64)
    design, projector, factor, owner = _fit_system()
    stable = list(STABLE)
    target, solution = reference, np.zeros(design.shape[1])
    for _ in range(FIT_ROUNDS):
        rotation, scale, shift = similarity(points[stable], target[stable])
        residual = (scale * points @ rotation + shift - reference).ravel()
        # min x^T H x - 2 x^T A^T S^-1 r  ==  min |L^T x - L^-1 A^T S^-1 r|^2  with H = L L^T
        rhs = solve_triangular(factor, projector @ residual, lower=True)
        solution = lsq_linear(factor.T, rhs, bounds=(0.0, 1.0), method="bvls").x
        target = reference + (design @ solution).reshape(-1, 3)
    values = REST_POSE.astype(np.float64).copy()
    np.add.at(values, owner[:, 0].astype(np.int64), owner[:, 1] * solution)
    return clip_to_range(values).astype(np.float32)
