"""The key-curve strip under the face: a few board curves scrolling past a playhead.

The whole clip is plotted once into a long image (drawn at ``SUPERSAMPLE``
and reduced, in chunks so hours of animation stay within memory); each video
frame then crops a window centred on the playhead and prints the current
values, which keeps the per-frame cost to one crop and a few text draws.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from medtalk.preview.draw import SUPERSAMPLE
from medtalk.preview.text import LABEL_INK, LABEL_MUTED, font
from medtalk.rig import indices

WINDOW_SECONDS = 4.0  # span of animation visible in the strip
LABEL_FRACTION = 0.3  # share of the strip width used by the curve names and values
MIN_NAME_PX = 8  # smallest legible curve-name font
CHUNK_PX = 2048  # output pixels plotted per chunk of the long image
PAPER, GRID, PLAYHEAD = (250, 250, 252), (226, 229, 235), (220, 60, 60)

# (name, columns averaged, value range shown, colour)
KEY_CURVES = (
    ("jaw open", indices("CTRL_C_jaw-translateY"), (0.0, 1.0), (214, 96, 60)),
    ("lips together", indices("lipsTogether"), (0.0, 1.0), (150, 80, 170)),
    ("corner pull", indices("_mouth_cornerPull"), (0.0, 1.0), (56, 150, 90)),
    ("brow raise in", indices("brow_raiseIn"), (0.0, 1.0), (60, 110, 200)),
    ("blink", indices("eye_blink"), (-1.0, 1.0), (90, 90, 100)),
)


def key_curves(values: np.ndarray) -> np.ndarray:
    """The plotted curves of a rig ``(T, 174)`` -> ``(len(KEY_CURVES), T)``."""
    return np.stack([values[:, cols].mean(axis=1) for _, cols, _, _ in KEY_CURVES])


class CurveStrip:
    """Renders the strip for any frame of one rig ``(T, 174)`` at ``fps``."""

    def __init__(self, values: np.ndarray, fps: float, width: int, height: int) -> None:
        self.curves = key_curves(values)
        self.width, self.height = width, height
        self.label_width = int(width * LABEL_FRACTION)
        self.plot_width = width - self.label_width
        self.lane = height / len(KEY_CURVES)
        self.px_per_frame = self.plot_width / (WINDOW_SECONDS * fps)
        self.font = self._fitting_font()
        self.track = self._plot_track()
        self.labels = self._labels()

    def _lane_y(self, k: int, v: np.ndarray) -> np.ndarray:
        lo, hi = KEY_CURVES[k][2]
        top = k * self.lane + self.lane * 0.15
        return top + (1 - np.clip((v - lo) / (hi - lo), 0, 1)) * self.lane * 0.7

    def _plot_track(self) -> Image.Image:
        """The whole clip as one image, padded by half a window on both sides."""
        pad = self.plot_width // 2
        n = self.curves.shape[1]
        total = int(np.ceil(n * self.px_per_frame)) + 2 * pad
        track = Image.new("RGB", (total, self.height), PAPER)
        x_all = pad + np.arange(n) * self.px_per_frame
        ss = SUPERSAMPLE
        for x0 in range(0, total, CHUNK_PX):
            x1 = min(total, x0 + CHUNK_PX)
            chunk = Image.new("RGB", ((x1 - x0) * ss, self.height * ss), PAPER)
            d = ImageDraw.Draw(chunk)
            for k in range(len(KEY_CURVES)):
                y0 = (k + 0.85) * self.lane * ss
                d.line((0, y0, chunk.width, y0), fill=GRID, width=ss)
            sel = np.flatnonzero((x_all >= x0 - 2) & (x_all <= x1 + 2))
            if sel.size > 1:
                for k, (_, _, _, colour) in enumerate(KEY_CURVES):
                    ys = self._lane_y(k, self.curves[k, sel])
                    pts = np.stack([(x_all[sel] - x0) * ss, ys * ss], 1).ravel().tolist()
                    d.line(pts, fill=colour, width=2 * ss, joint="curve")
            track.paste(chunk.reduce(ss), (x0, 0))
        return track

    def _fitting_font(self):
        """The largest font (up to 42% of a lane) fitting a swatch, the longest name and a value.

        Below ``MIN_NAME_PX`` the names are dropped and only the values shown.
        """
        d = ImageDraw.Draw(Image.new("RGB", (1, 1)))
        longest = max((name for name, _, _, _ in KEY_CURVES), key=len)
        px = int(self.lane * 0.42)
        while px > MIN_NAME_PX and d.textlength(f"{longest} +0.00", font=font(px)) > self.label_width - 24:
            px -= 1
        self.show_names = d.textlength(f"{longest} +0.00", font=font(px)) <= self.label_width - 24
        return font(px)

    def _labels(self) -> Image.Image:
        img = Image.new("RGB", (self.label_width, self.height), PAPER)
        d = ImageDraw.Draw(img)
        fnt = self.font
        for k, (name, _, _, colour) in enumerate(KEY_CURVES):
            y = (k + 0.5) * self.lane
            d.rectangle((4, y - 3, 10, y + 3), fill=colour)
            if self.show_names:
                d.text((14, y), name, font=fnt, fill=LABEL_MUTED, anchor="lm")
        return img

    def frame(self, t: int) -> Image.Image:
        """The strip at frame ``t``: the window around it and the current values."""
        img = Image.new("RGB", (self.width, self.height), PAPER)
        img.paste(self.labels, (0, 0))
        x0 = int(round(t * self.px_per_frame))
        img.paste(self.track.crop((x0, 0, x0 + self.plot_width, self.height)), (self.label_width, 0))
        d = ImageDraw.Draw(img)
        mid = self.label_width + self.plot_width // 2
        d.line((mid, 0, mid, self.height), fill=PLAYHEAD, width=1)
        fnt = self.font
        t = min(t, self.curves.shape[1] - 1)
        for k in range(len(KEY_CURVES)):
            d.text((self.label_width - 4, (k + 0.5) * self.lane), f"{self.curves[k, t]:+.2f}",
                   font=fnt, fill=LABEL_INK, anchor="rm")
        return img
