"""MediaPipe face-mesh landmarks of a photo (the legacy FaceMesh solution, shipped in the wheel).

Coordinates follow MediaPipe's image convention, in pixels: ``x`` to the
right and ``y`` down in the image, ``z`` the depth in the same scale as ``x``
(smaller is closer to the camera). Everything in :mod:`medtalk.guidance`
takes landmarks in this convention, synthesised ones included.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from medtalk.errors import MedtalkError

NUM_LANDMARKS = 478  # 468 mesh points + 2 x 5 iris points (refine_landmarks=True)
MIN_DETECTION_CONFIDENCE = 0.5
# A face turned a quarter or half turn gets a mesh fitted upright onto it (a nonsense pose), so
# photos are checked first: the face detector scores the photo turned by each quarter turn, and
# one turn scoring this much better than the photo as given means the face is not upright
# (on RAVDESS, upright 0.96; the same photo upside down 0.78, a quarter turn 0.84-0.89).
TURN_MARGIN = 0.05
MAX_IMAGE_PIXELS = 64 * 10**6  # a 64 MP photo decodes to 192 MB of RGB; the face mesh needs far less


@contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null for a while.

    MediaPipe's C++ side logs start-up notes and graph warnings straight to
    the process's stderr (no Python logging, and the glog level is fixed at
    import); users should only ever see our one-line errors. Python-level
    exceptions are unaffected.
    """
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


@functools.cache
def _face_mesh():  # -> mediapipe FaceMesh, reused across calls (loading the graph takes ~0.1 s)
    from mediapipe.python.solutions.face_mesh import FaceMesh

    with _native_stderr_silenced():
        return FaceMesh(static_image_mode=True, refine_landmarks=True, max_num_faces=1,
                        min_detection_confidence=MIN_DETECTION_CONFIDENCE)


def read_image(path: Path) -> np.ndarray:
    """An image file as ``(H, W, 3)`` uint8 RGB, upright per its EXIF orientation."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = Path(path)
    if path.is_dir():
        raise MedtalkError(f"{path} is a folder, not an image file")
    if not path.is_file():
        raise MedtalkError(f"{path}: no such image file")
    try:
        with warnings.catch_warnings():
            # Pillow warns about large images on stderr in two lines; the size is checked below instead
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise MedtalkError(f"{path}: the image is {image.width}x{image.height} pixels, over "
                                       f"{MAX_IMAGE_PIXELS // 10**6} megapixels; scale it down")
                image = ImageOps.exif_transpose(image)
                return np.asarray(image.convert("RGB"))
    except Image.DecompressionBombError:  # Pillow refuses sizes far past ours before we see them
        raise MedtalkError(f"{path}: the image is over {MAX_IMAGE_PIXELS // 10**6} megapixels; scale it down") from None
    except (UnidentifiedImageError, OSError, ValueError) as err:
        raise MedtalkError(f"{path}: cannot read the image ({err})") from None


def image_landmarks(rgb: np.ndarray, source: str = "image") -> np.ndarray:
    """Landmarks ``(478, 3)`` float32 of the most prominent face in ``rgb`` ``(H, W, 3)`` uint8."""
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise MedtalkError(f"{source}: expected an RGB image, got shape {rgb.shape} {rgb.dtype}")
    height, width = rgb.shape[:2]
    mesh = _face_mesh()
    with _native_stderr_silenced():
        result = mesh.process(np.ascontiguousarray(rgb))
    if not result.multi_face_landmarks:
        raise MedtalkError(f"{source}: no face found in the image")
    points = result.multi_face_landmarks[0].landmark
    out = np.array([(p.x * width, p.y * height, p.z * width) for p in points], dtype=np.float32)
    assert out.shape == (NUM_LANDMARKS, 3), out.shape
    return out


@functools.cache
def _face_detector():  # -> mediapipe FaceDetection (BlazeFace, short range), reused across calls
    from mediapipe.python.solutions.face_detection import FaceDetection

    with _native_stderr_silenced():
        return FaceDetection(model_selection=0, min_detection_confidence=0.2)


def _face_score(rgb: np.ndarray) -> float:
    with _native_stderr_silenced():
        result = _face_detector().process(np.ascontiguousarray(rgb))
    return max((d.score[0] for d in result.detections), default=0.0) if result.detections else 0.0


def check_upright(rgb: np.ndarray, source: str = "image") -> None:
    """A one-line error when the face in ``rgb`` ``(H, W, 3)`` is turned a quarter or half turn."""
    scores = {turns: _face_score(np.rot90(rgb, turns)) for turns in range(4)}
    best = max(scores, key=scores.get)
    if best and scores[best] > scores[0] + TURN_MARGIN:
        how = {1: "a quarter turn clockwise", 2: "upside down", 3: "a quarter turn anticlockwise"}[best]
        raise MedtalkError(f"{source}: the face looks {how}; turn the photo upright and try again")


def face_landmarks(path: Path) -> np.ndarray:
    """Landmarks ``(478, 3)`` float32 of the upright face in an image file (any format Pillow reads)."""
    rgb = read_image(Path(path))
    check_upright(rgb, str(path))
    return image_landmarks(rgb, source=str(path))
