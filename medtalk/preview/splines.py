"""Smooth curves for the preview: Catmull-Rom splines and tapered strokes.

Points are ``(N, 2)`` arrays in face units (the face canvas is 1 unit wide,
``y`` grows downwards).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

SAMPLES_PER_SEGMENT = 8  # enough for smooth outlines at 1024 px (2x supersampled 512)


@lru_cache(maxsize=16)
def _weights(samples: int) -> np.ndarray:
    """``(samples, 4)`` blend weights of the four control points per segment sample."""
    t = np.linspace(0.0, 1.0, samples, endpoint=False)[:, None]
    basis = 0.5 * np.array([[0, 2, 0, 0], [-1, 0, 1, 0], [2, -5, 4, -1], [-1, 3, -3, 1]], dtype=np.float64)
    return np.hstack([np.ones_like(t), t, t * t, t * t * t]) @ basis


def catmull_rom(points: np.ndarray, closed: bool = False, samples: int = SAMPLES_PER_SEGMENT) -> np.ndarray:
    """Uniform Catmull-Rom spline through ``points`` ``(N, 2)`` -> ``(M, 2)``.

    An open curve passes through the first and last point (end tangents are
    mirrored); a closed one wraps around without repeating the first point.
    """
    p = np.asarray(points, dtype=np.float64)
    if closed:
        ext = np.concatenate([p[-1:], p, p[:2]])
    else:
        ext = np.concatenate([2 * p[:1] - p[1:2], p, 2 * p[-1:] - p[-2:-1]])
    segments = len(ext) - 3
    windows = np.stack([ext[i:i + segments] for i in range(4)], axis=1)  # (segments, 4, 2)
    curve = (_weights(samples) @ windows).reshape(-1, 2)
    return curve if closed else np.concatenate([curve, p[-1:]])


def tapered_stroke(centre: np.ndarray, half_width: np.ndarray) -> np.ndarray:
    """Closed outline ``(2M, 2)`` of a stroke along ``centre`` ``(M, 2)``.

    ``half_width`` ``(M,)`` is the distance of each edge from the centre line,
    so a brow can be thick at its head and thin at its tail.
    """
    tangent = np.gradient(centre, axis=0)
    tangent /= np.maximum(np.linalg.norm(tangent, axis=1, keepdims=True), 1e-9)
    normal = np.stack([-tangent[:, 1], tangent[:, 0]], axis=1)
    offset = normal * half_width[:, None]
    return np.concatenate([centre + offset, (centre - offset)[::-1]])


def mirror_x(points: np.ndarray, centre: float = 0.5) -> np.ndarray:
    """Reflect ``(N, 2)`` points about the vertical line ``x = centre``."""
    out = np.array(points, dtype=np.float64)
    out[:, 0] = 2 * centre - out[:, 0]
    return out
