"""Smooth random curves: the slow drifts that keep a procedural face from looking frozen."""

from __future__ import annotations

import numpy as np

# Cosine interpolation between independent unit-variance knots has a mean variance of
# E[(1-f)^2 + f^2] = 0.75 over a knot interval; this factor (1/sqrt(0.75)) restores 1.
_UNIT_VARIANCE = 1.0 / np.sqrt(0.75)


def smooth_noise(n_frames: int, fps: float, timescale: float, rng: np.random.Generator, channels: int = 1) -> np.ndarray:
    """Band-limited noise with unit standard deviation: ``(n_frames, channels)`` float64.

    Random values on a knot every ``timescale`` seconds, joined by cosine
    interpolation, so the curve wanders at about that pace with no corners.
    """
    step = max(timescale * fps, 1.0)  # frames between knots
    n_knots = int(np.ceil(n_frames / step)) + 2
    knots = rng.standard_normal((n_knots, channels))
    pos = np.arange(n_frames) / step + rng.uniform(0.0, 1.0)  # random phase against the knots
    left = np.floor(pos).astype(np.int64)
    frac = (1.0 - np.cos(np.pi * (pos - left))) / 2.0
    return _UNIT_VARIANCE * (knots[left] * (1.0 - frac[:, None]) + knots[left + 1] * frac[:, None])
