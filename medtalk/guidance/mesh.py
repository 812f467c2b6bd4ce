"""Facts about MediaPipe's face-mesh topology, and the face frame everything is measured in.

Landmark indices below are the published positions of MediaPipe's 468-point
mesh (+10 iris points). Sides are the *subject's*, like the rig's ``L``/``R``
controls: the subject's right eye is on the image's left.

The **face frame**: origin midway between the eye centres (an eye centre is
the mean of its two corners), ``x`` towards the subject's left, ``y`` up,
``z`` towards the camera, unit the distance between the eye centres (IOD).
:func:`align` puts any landmark set into the frame of a reference face by a
similarity transform (rotation, uniform scale, translation) fitted on points
that expressions barely move, which removes head pose, position and scale.
"""

from __future__ import annotations

import numpy as np

SIDES = ("L", "R")

EYE_OUTER = {"R": 33, "L": 263}
EYE_INNER = {"R": 133, "L": 362}
UPPER_LID = {"R": (160, 159, 158), "L": (387, 386, 385)}  # outer third, centre, inner third
LOWER_LID = {"R": (144, 145, 153), "L": (373, 374, 380)}
IRIS_CENTRE = {"R": 468, "L": 473}
BROW_INNER = {"R": (107, 55), "L": (336, 285)}  # upper and lower contour at the head of the brow
BROW_MIDDLE = {"R": (105, 52), "L": (334, 282)}
BROW_OUTER = {"R": (70, 46), "L": (300, 276)}
CHEEK = {"R": (50, 101, 118), "L": (280, 330, 347)}
NOSE_WING = {"R": (98, 64), "L": (327, 294)}
MOUTH_CORNER = {"R": 61, "L": 291}
UPPER_LIP_SIDE = {"R": 40, "L": 270}  # outer upper-lip contour halfway to the corner
LOWER_LIP_SIDE = {"R": 91, "L": 321}
UPPER_LIP_TOP, UPPER_LIP_INNER, LOWER_LIP_INNER, LOWER_LIP_BOTTOM = 0, 13, 14, 17
NOSE_TIP, SUBNASALE = 1, 2
CHIN = 152
CHIN_BOSS = 200  # the chin's front, below the lower lip

# Lip contours, subject's right corner to left corner.
UPPER_LIP_OUTER = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291)
LOWER_LIP_OUTER = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291)
UPPER_LIP_INNER_CONTOUR = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308)
LOWER_LIP_INNER_CONTOUR = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308)

# Rigid points for alignment: eye corners, the nose bridge, forehead and temples.
STABLE = (33, 133, 362, 263, 168, 6, 197, 195, 10, 151, 9, 127, 356, 234, 454)


def image_to_face_axes(landmarks: np.ndarray) -> np.ndarray:
    """MediaPipe image convention (``y`` down, ``z`` away) -> ``y`` up, ``z`` towards the camera.

    A rotation by 180 degrees about ``x`` (no mirroring), so it commutes with :func:`align`.
    """
    return landmarks * np.array([1.0, -1.0, -1.0], dtype=landmarks.dtype)


def face_frame(landmarks: np.ndarray) -> np.ndarray:
    """``(N, 3)`` image-convention landmarks in the face frame defined by their own eye corners.

    Only the eye line fixes the rotation (about ``z``); use it for a frontal
    face, :func:`align` for anything else.
    """
    p = image_to_face_axes(landmarks.astype(np.float64))
    right = (p[EYE_OUTER["R"]] + p[EYE_INNER["R"]]) / 2
    left = (p[EYE_OUTER["L"]] + p[EYE_INNER["L"]]) / 2
    axis = left - right
    iod = float(np.linalg.norm(axis))
    x = axis / iod
    y = np.array([0.0, 1.0, 0.0]) - x[1] * x
    y /= np.linalg.norm(y)
    rotation = np.stack([x, y, np.cross(x, y)])
    return (p - (left + right) / 2) @ rotation.T / iod


def similarity(source: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
    """Least-squares ``R, s, t`` with ``s * source @ R + t ~ target`` for ``(K, 3)`` point sets."""
    mu_s, mu_t = source.mean(0), target.mean(0)
    a, b = source - mu_s, target - mu_t
    u, sv, vt = np.linalg.svd(a.T @ b)
    d = np.sign(np.linalg.det(u @ vt))  # a proper rotation, never a mirror image
    fix = np.array([1.0, 1.0, d])
    rotation = (u * fix) @ vt
    scale = float((sv * fix).sum() / (a**2).sum())
    return rotation, scale, mu_t - scale * mu_s @ rotation


def align(landmarks: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Image-convention landmarks ``(N, 3)`` -> the reference's face frame, fitted on :data:`STABLE`."""
    p = image_to_face_axes(landmarks.astype(np.float64))
    idx = list(STABLE)
    rotation, scale, shift = similarity(p[idx], reference[idx])
    return scale * p @ rotation + shift
