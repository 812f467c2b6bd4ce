"""The neutral reference face: MediaPipe landmarks of the rig's rest pose, in the face frame.

MediaPipe's canonical face model is not in the pip package, so the reference
is derived here, from nothing but this project and MediaPipe itself:

1. draw the rig's ``REST_POSE`` with the 2D preview (:func:`medtalk.preview.render_frame`,
   a frontal face with neutral brows, lids and lips);
2. run MediaPipe's face mesh on that picture: its landmark model fills in a
   full 478-point 3D face (depth included) consistent with the drawing;
3. put it in the face frame (:func:`medtalk.guidance.mesh.face_frame`) and make it
   exactly left-right symmetric: every landmark is paired with its mirror image
   (an optimal one-to-one assignment of the points to the mirrored points) and
   each pair is averaged.

The result ships as ``medtalk/assets/neutral_face.npy``; ``python -m
medtalk.guidance.reference --force`` derives it again (a test checks that the
shipped file still matches a fresh derivation). Because the reference *is*
the rest pose of the board as our preview draws it, a photo's deviation from
it reads directly as board controls (:mod:`medtalk.guidance.face_model`).
"""

from __future__ import annotations

import argparse
import functools
from importlib.resources import files
from pathlib import Path

import numpy as np

from medtalk.files import atomic_output
from medtalk.guidance.landmarks import NUM_LANDMARKS, image_landmarks
from medtalk.guidance.mesh import face_frame

RENDER_SIZE = 768  # pixels; large enough that MediaPipe's 192 px face crop is downsampled, not blurred
DATA_FILE = "neutral_face.npy"


def mirror_pairs(points: np.ndarray) -> np.ndarray:
    """Permutation ``(N,)``: index of each landmark's mirror image across ``x = 0``."""
    from scipy.optimize import linear_sum_assignment

    mirrored = points * np.array([-1.0, 1.0, 1.0])
    cost = np.linalg.norm(points[:, None, :] - mirrored[None, :, :], axis=-1)
    rows, cols = linear_sum_assignment(cost)
    pairs = np.empty(len(points), dtype=np.int64)
    pairs[rows] = cols
    return pairs


def symmetrise(points: np.ndarray) -> np.ndarray:
    """Average every landmark ``(N, 3)`` with the mirror image of its partner."""
    pairs = mirror_pairs(points)
    mirrored = points[pairs] * np.array([-1.0, 1.0, 1.0])
    out = (points + mirrored) / 2
    out[pairs == np.arange(len(points)), 0] = 0.0  # points on the midline
    return out


def derive_neutral_face() -> np.ndarray:
    """The reference ``(478, 3)`` float32 in the face frame, derived from scratch (steps in the module doc)."""
    from medtalk.preview import render_frame
    from medtalk.rig import REST_POSE

    picture = np.asarray(render_frame(REST_POSE, RENDER_SIZE).convert("RGB"))
    landmarks = image_landmarks(picture, source="the rest-pose preview")
    return symmetrise(face_frame(landmarks)).astype(np.float32)


@functools.cache
def neutral_face() -> np.ndarray:
    """The shipped reference ``(478, 3)`` float32 in the face frame (read-only)."""
    with files("medtalk").joinpath("assets", DATA_FILE).open("rb") as f:
        face = np.load(f)
    assert face.shape == (NUM_LANDMARKS, 3), face.shape
    face.setflags(write=False)
    return face


@functools.cache
def mirror_index() -> np.ndarray:
    """Mirror partner of every reference landmark ``(478,)`` (the reference is symmetric)."""
    pairs = mirror_pairs(neutral_face().astype(np.float64))
    pairs.setflags(write=False)
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Derive the neutral reference face again.")
    parser.add_argument("-o", "--output", type=Path,
                        default=Path(str(files("medtalk").joinpath("assets", DATA_FILE))))
    parser.add_argument("-f", "--force", action="store_true", help="overwrite the existing file")
    args = parser.parse_args(argv)
    face = derive_neutral_face()
    with atomic_output(args.output, args.force) as tmp:
        with open(tmp, "wb") as f:
            np.save(f, face)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
