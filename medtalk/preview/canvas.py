"""A Pillow image addressed in face units, with the few primitives the face needs.

Face units: the face canvas is 1 unit wide, ``y`` down. A :class:`Canvas`
maps them to pixels of the (supersampled) image it draws on; sub-canvases for
clipped layers keep the same units, so eye and mouth interiors are drawn with
the same coordinates as everything else.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw

Colour = tuple[int, ...]


def with_alpha(colour: Colour, strength: float) -> Colour:
    """``colour`` at opacity ``strength`` (0..1) for blending."""
    return (*colour[:3], int(round(255 * min(max(float(strength), 0.0), 1.0))))


@lru_cache(maxsize=512)
def _soft_dot(diameter: int, level: int) -> Image.Image:
    """A Gaussian opacity disc ``diameter`` px wide peaking at ``level`` (0..255)."""
    r = np.linspace(-1, 1, diameter)
    d2 = r[None, :] ** 2 + r[:, None] ** 2
    return Image.fromarray((level * np.exp(-3.0 * d2) * (d2 < 1)).astype(np.uint8), "L")


class Canvas:
    """Draws on ``img``; face point ``p`` lands on pixel ``(p - origin) * scale``."""

    def __init__(self, img: Image.Image, scale: float, origin: tuple[float, float] = (0.0, 0.0)) -> None:
        self.img = img
        self.scale = scale
        self.origin = np.asarray(origin, dtype=np.float64)
        # RGBA drawing blends translucent fills into an RGB image; masks draw plain
        self.draw = ImageDraw.Draw(img, "RGBA" if img.mode == "RGB" else None)

    def px(self, points) -> np.ndarray:
        """Face-unit points ``(..., 2)`` -> pixel coordinates."""
        return (np.asarray(points, dtype=np.float64) - self.origin) * self.scale

    def width(self, units: float) -> int:
        return max(1, int(round(units * self.scale)))

    def polygon(self, points: np.ndarray, fill: Colour) -> None:
        self.draw.polygon(self.px(points).ravel().tolist(), fill=fill)

    def line(self, points: np.ndarray, fill: Colour, width: float) -> None:
        """A polyline ``(N, 2)``, ``width`` in face units."""
        self.draw.line(self.px(points).ravel().tolist(), fill=fill, width=self.width(width), joint="curve")

    def ellipse(self, centre, rx: float, ry: float, fill: Colour, outline: Colour | None = None,
                outline_width: float = 0.0) -> None:
        x, y = self.px(centre)
        box = (x - rx * self.scale, y - ry * self.scale, x + rx * self.scale, y + ry * self.scale)
        self.draw.ellipse(box, fill=fill, outline=outline, width=self.width(outline_width) if outline else 0)

    def soft(self, centre, radius: float, colour: Colour, strength: float) -> None:
        """A soft round patch of ``colour`` (blush, highlights), opacity ``strength`` at its centre."""
        diameter = max(2, int(2 * radius * self.scale))
        level = int(round(255 * float(np.clip(strength, 0, 1))))
        x, y = self.px(centre)
        x0, y0 = int(x - diameter / 2), int(y - diameter / 2)
        self.img.paste(colour, (x0, y0, x0 + diameter, y0 + diameter), _soft_dot(diameter, level))

    def clipped(self, outline: np.ndarray, fill: Colour, draw_inside: Callable[[Canvas], None]) -> None:
        """Fill ``outline`` with ``fill`` plus what ``draw_inside`` draws, clipped to the outline."""
        pts = self.px(outline)
        x0, y0 = np.floor(pts.min(axis=0)).astype(int) - 1
        x1, y1 = np.ceil(pts.max(axis=0)).astype(int) + 1
        if x1 - x0 < 2 or y1 - y0 < 2:
            return
        layer = Image.new("RGB", (int(x1 - x0), int(y1 - y0)), fill)
        draw_inside(Canvas(layer, self.scale, tuple(self.origin + np.array([x0, y0]) / self.scale)))
        mask = Image.new("L", layer.size, 0)
        ImageDraw.Draw(mask).polygon((pts - [x0, y0]).ravel().tolist(), fill=255)
        self.img.paste(layer, (int(x0), int(y0)), mask)
