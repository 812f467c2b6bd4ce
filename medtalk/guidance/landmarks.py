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


def face_landmarks(path: Path) -> np.ndarray:
    """Landmarks ``(478, 3)`` float32 of the face in an image file (any format Pillow reads)."""
    return image_landmarks(read_image(Path(path)), source=str(path))
