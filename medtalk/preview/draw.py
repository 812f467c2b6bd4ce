"""Rasterise :class:`~medtalk.preview.face.FaceGeometry` with Pillow.

Shapes are filled polygons drawn at ``SUPERSAMPLE`` times the output size and
box-filtered down, which anti-aliases every edge for the price of one
``Image.reduce``. The eyes and the inside of the mouth are drawn on small
layers pasted through a mask of the lid or lip outline, so irises and teeth
are clipped exactly by the lids and lips.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from medtalk.preview.face import JAW_START_Y, EyeGeometry, FaceGeometry, face_geometry, head_rest
from medtalk.preview.mouth import MouthGeometry
from medtalk.preview.splines import catmull_rom, mirror_x

SUPERSAMPLE = 2  # drawing scale before the box-filter downsample
# The head above this line never moves, so it is drawn once into the static
# layer; only the part below is redrawn per frame.
STATIC_HEAD_Y = JAW_START_Y - 0.06
MIN_SIZE = 64  # px, smallest face that still shows its features

BACKGROUND_TOP, BACKGROUND_BOTTOM = (226, 232, 238), (190, 202, 216)
SKIN, SKIN_SHADE, SKIN_LINE = (238, 200, 174), (214, 168, 142), (150, 96, 78)
HAIR, HAIR_SHINE = (74, 52, 42), (112, 82, 66)
BROW, LASH = (86, 60, 46), (46, 32, 28)
SHIRT, SHIRT_SHADE = (88, 108, 138), (70, 88, 116)
EYE_WHITE, IRIS, IRIS_RIM, PUPIL = (250, 248, 244), (84, 124, 146), (44, 70, 88), (20, 18, 22)
LIP_UPPER, LIP_LOWER, LIP_LINE = (188, 100, 98), (204, 116, 110), (110, 44, 46)
MOUTH_INSIDE, TEETH, TONGUE = (62, 22, 28), (244, 240, 230), (196, 92, 100)
TEETH_SHADED, TEETH_GAP = (222, 214, 202), (150, 130, 120)
UPPER_TEETH_SPLITS = (0.2, 0.34, 0.5, 0.66, 0.8)  # gaps between teeth, fraction of the visible arch
LOWER_TEETH_SPLITS = (0.3, 0.43, 0.57, 0.7)
BLUSH, HIGHLIGHT = (236, 136, 128), (255, 236, 222)

_HAIR_BACK = np.array([
    (0.5, 0.05), (0.7, 0.1), (0.812, 0.24), (0.828, 0.38), (0.8, 0.47), (0.76, 0.45),
    (0.24, 0.45), (0.2, 0.47), (0.172, 0.38), (0.188, 0.24), (0.3, 0.1),
])
_HAIR_FRONT = np.array([
    (0.5, 0.072), (0.63, 0.088), (0.73, 0.15), (0.785, 0.25), (0.792, 0.36), (0.775, 0.36),
    (0.752, 0.27), (0.7, 0.215), (0.615, 0.19), (0.54, 0.205), (0.46, 0.185), (0.37, 0.19),
    (0.29, 0.225), (0.245, 0.29), (0.225, 0.36), (0.208, 0.36), (0.215, 0.25), (0.27, 0.15),
    (0.37, 0.088),
])
_SHOULDERS = np.array([
    (-0.05, 1.05), (-0.02, 0.98), (0.1, 0.925), (0.3, 0.885), (0.4, 0.9), (0.5, 0.94),
    (0.6, 0.9), (0.7, 0.885), (0.9, 0.925), (1.02, 0.98), (1.05, 1.05),
])
_NECK = np.array([(0.405, 0.66), (0.595, 0.66), (0.608, 0.96), (0.392, 0.96)])


def _flat(points: np.ndarray, scale: float) -> list[float]:
    """Face-unit points ``(N, 2)`` -> Pillow's flat ``[x0, y0, x1, y1, ...]`` in pixels."""
    return (np.asarray(points) * scale).ravel().tolist()


def _alpha(colour: tuple[int, int, int], strength: float) -> tuple[int, int, int, int]:
    return (*colour, int(round(255 * float(np.clip(strength, 0, 1)))))


@lru_cache(maxsize=512)
def _soft_dot(diameter: int, level: int) -> Image.Image:
    """A Gaussian opacity disc ``diameter`` px wide peaking at ``level`` (0..255)."""
    r = np.linspace(-1, 1, diameter)
    d2 = r[None, :] ** 2 + r[:, None] ** 2
    return Image.fromarray((level * np.exp(-3.0 * d2) * (d2 < 1)).astype(np.uint8), "L")


def _lower_head(outline: np.ndarray, y: float) -> np.ndarray:
    """The part of a closed outline ``(N, 2)`` (starting at the crown) below height ``y``."""
    below = np.flatnonzero(outline[:, 1] >= y)
    first, last = below[0], below[-1]

    def crossing(i: int, j: int) -> np.ndarray:
        a, b = outline[i], outline[j]
        return a + (b - a) * (y - a[1]) / (b[1] - a[1])

    return np.concatenate([[crossing(first - 1, first)], outline[first:last + 1], [crossing(last, last + 1)]])


@lru_cache(maxsize=4)
def static_layer(px: int) -> Image.Image:
    """What never moves, ``px`` square: background, hair, ears, neck, shoulders, upper head."""
    ramp = np.linspace(0, 1, px)[:, None, None]
    top, bottom = np.array(BACKGROUND_TOP), np.array(BACKGROUND_BOTTOM)
    bg = (top + (bottom - top) * ramp) * np.ones((1, px, 1))
    img = Image.fromarray(bg.astype(np.uint8), "RGB")
    d = ImageDraw.Draw(img, "RGBA")
    d.polygon(_flat(catmull_rom(_HAIR_BACK, closed=True), px), fill=HAIR)
    neck = Image.new("L", (px, px), 0)
    ImageDraw.Draw(neck).polygon(_flat(_NECK, px), fill=255)
    shade = np.clip((np.linspace(0, 1, px) - 0.84) / 0.08, 0, 1)[:, None, None]  # darker under the jaw
    colour = np.array(SKIN_SHADE) + (np.array(SKIN) - np.array(SKIN_SHADE)) * shade
    img.paste(Image.fromarray((colour * np.ones((1, px, 1))).astype(np.uint8), "RGB"), (0, 0), neck)
    d.polygon(_flat(catmull_rom(_SHOULDERS), px), fill=SHIRT)
    d.line(_flat(catmull_rom(_SHOULDERS[3:8]), px), fill=SHIRT_SHADE, width=max(1, px // 150))
    for sx in (-1, 1):
        cx, top_y = 0.5 + sx * 0.268, 0.43
        d.ellipse(((cx - 0.03) * px, top_y * px, (cx + 0.03) * px, (top_y + 0.135) * px), fill=SKIN)
        d.ellipse(((cx - 0.014 + sx * 0.006) * px, (top_y + 0.03) * px, (cx + 0.014 + sx * 0.006) * px,
                   (top_y + 0.1) * px), fill=SKIN_SHADE)
    head = catmull_rom(head_rest(), closed=True)
    below = np.flatnonzero(head[:, 1] >= STATIC_HEAD_Y + 0.01)  # overlap the per-frame part a little
    upper = np.concatenate([head[below[-1] + 1:], head[:below[0]]])  # temple, crown, temple
    d.polygon(_flat(upper, px), fill=SKIN)
    d.line(_flat(upper, px), fill=_alpha(SKIN_LINE, 0.35), width=max(1, int(0.003 * px)), joint="curve")
    d.polygon(_flat(catmull_rom(_HAIR_FRONT, closed=True), px), fill=HAIR)
    shine = catmull_rom(np.array([(0.36, 0.12), (0.47, 0.1), (0.58, 0.115)]), samples=6)
    d.line(_flat(shine, px), fill=_alpha(HAIR_SHINE, 0.8), width=max(1, int(0.008 * px)), joint="curve")
    return img


def _paste_soft(img: Image.Image, centre: tuple[float, float], radius: float, colour, strength: float, scale: float) -> None:
    diameter = max(2, int(2 * radius * scale))
    mask = _soft_dot(diameter, int(round(255 * float(np.clip(strength, 0, 1)))))
    x0, y0 = int(centre[0] * scale - diameter / 2), int(centre[1] * scale - diameter / 2)
    img.paste(colour, (x0, y0, x0 + diameter, y0 + diameter), mask)


def _paste_clipped(img: Image.Image, outline: np.ndarray, scale: float, fill, draw_inside) -> None:
    """Fill ``outline`` with ``fill`` and what ``draw_inside(draw, offset)`` adds, clipped to it."""
    pts = np.asarray(outline) * scale
    x0, y0 = np.floor(pts.min(axis=0)).astype(int) - 1
    x1, y1 = np.ceil(pts.max(axis=0)).astype(int) + 1
    if x1 - x0 < 2 or y1 - y0 < 2:
        return
    layer = Image.new("RGB", (x1 - x0, y1 - y0), fill)
    draw_inside(ImageDraw.Draw(layer, "RGBA"), np.array([x0, y0]))
    mask = Image.new("L", layer.size, 0)
    ImageDraw.Draw(mask).polygon((pts - [x0, y0]).ravel().tolist(), fill=255)
    img.paste(layer, (int(x0), int(y0)), mask)


def _draw_eye(img: Image.Image, d: ImageDraw.ImageDraw, eye: EyeGeometry, s: float) -> None:
    outline = np.concatenate([eye.upper, eye.lower[::-1]])
    if eye.openness > 0.04:
        def inside(ld: ImageDraw.ImageDraw, off: np.ndarray) -> None:
            cx, cy = eye.iris[0] * s - off[0], eye.iris[1] * s - off[1]
            r, rp = eye.iris_radius * s, eye.pupil_radius * s
            ld.ellipse((cx - r, cy - r, cx + r, cy + r), fill=IRIS, outline=IRIS_RIM, width=max(1, int(r / 6)))
            ld.ellipse((cx - rp, cy - rp, cx + rp, cy + rp), fill=PUPIL)
            hr = r * 0.22
            ld.ellipse((cx + r * 0.25, cy - r * 0.55, cx + r * 0.25 + 2 * hr, cy - r * 0.55 + 2 * hr), fill=(255, 255, 255, 220))
            shade = np.concatenate([eye.upper, (eye.upper + [0, 0.008])[::-1]]) * s - off
            ld.polygon(shade.ravel().tolist(), fill=(90, 60, 50, 70))  # the lid's shadow on the eyeball

        _paste_clipped(img, outline, s, EYE_WHITE, inside)
    d.line(_flat(eye.crease, s), fill=_alpha(SKIN_LINE, 0.35), width=max(1, int(0.0025 * s)), joint="curve")
    d.line(_flat(eye.bag, s), fill=_alpha(SKIN_LINE, 0.45 * eye.bag_strength), width=max(1, int(0.0025 * s)), joint="curve")
    d.line(_flat(eye.lower, s), fill=_alpha(SKIN_LINE, 0.55), width=max(1, int(0.002 * s)), joint="curve")
    lash_width = 0.0045 + 0.0015 * (eye.openness < 0.15)
    d.line(_flat(eye.upper, s), fill=LASH, width=max(1, int(lash_width * s)), joint="curve")
    tail = eye.upper[-1]
    direction = np.sign(tail[0] - eye.upper[0][0])
    d.line(_flat(np.array([tail, tail + [direction * 0.01, -0.006]]), s), fill=LASH, width=max(1, int(0.003 * s)))


def _draw_mouth(img: Image.Image, d: ImageDraw.ImageDraw, m: MouthGeometry, s: float) -> None:
    if m.opening > 0.002:
        def inside(ld: ImageDraw.ImageDraw, off: np.ndarray) -> None:
            tx, ty, rx, ry = m.tongue
            tongue = ((tx - rx) * s - off[0], (ty - ry) * s - off[1], (tx + rx) * s - off[0], (ty + ry) * s - off[1])
            if not m.tongue_out:
                ld.ellipse(tongue, fill=TONGUE)
            ld.polygon((m.lower_teeth * s - off).ravel().tolist(), fill=TEETH_SHADED)
            ld.polygon((m.upper_teeth * s - off).ravel().tolist(), fill=TEETH)
            gap = _alpha(TEETH_GAP, 0.7)
            for teeth, splits in ((m.upper_teeth, UPPER_TEETH_SPLITS), (m.lower_teeth, LOWER_TEETH_SPLITS)):
                n = len(teeth) // 2
                edge, root = teeth[:n], teeth[n:][::-1]  # biting edge and gum line, same x order
                for u in splits:  # the gaps between teeth
                    k = int(round(u * (n - 1)))
                    ld.line(((edge[k] * s - off).tolist() + (root[k] * s - off).tolist()), fill=gap, width=max(1, int(0.0015 * s)))
            ld.line((m.upper_teeth[:len(m.upper_teeth) // 2] * s - off).ravel().tolist(), fill=gap, width=max(1, int(0.002 * s)))
            for end in (m.aperture[0], m.aperture[len(m.seam) - 1]):  # shadow towards the mouth corners
                x, y = end * s - off
                r = 0.03 * s
                ld.ellipse((x - r, y - r, x + r, y + r), fill=_alpha(MOUTH_INSIDE, 0.75))
            if m.tongue_out:
                ld.ellipse(tongue, fill=TONGUE)

        _paste_clipped(img, m.aperture, s, MOUTH_INSIDE, inside)
    d.polygon(_flat(m.upper_lip, s), fill=LIP_UPPER)
    d.polygon(_flat(m.lower_lip, s), fill=LIP_LOWER)
    n = len(m.seam)
    lower_mid = m.lower_lip[n // 2 + n]  # centre of the lower lip's outer edge
    sheen = ((m.lower_lip[n // 2] + lower_mid) / 2 - [0, 0.002])
    _paste_soft(img, tuple(sheen), 0.018 * (1 - 0.4 * m.rounding) + 0.01, HIGHLIGHT, 0.35, s)
    line = _alpha(LIP_LINE, 0.55 + 0.4 * m.press)
    width = max(1, int((0.0028 + 0.0012 * m.press) * s))
    d.line(_flat(m.aperture[:n], s), fill=line, width=width, joint="curve")
    d.line(_flat(m.aperture[n:], s), fill=line, width=width, joint="curve")
    d.line(_flat(m.upper_lip[:n], s), fill=_alpha(LIP_LINE, 0.25), width=max(1, int(0.0015 * s)), joint="curve")
    for i, (corner, sx) in enumerate(zip(m.corners, (-1, 1))):
        r = 0.0025 * s
        cx, cy = corner * s
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_alpha(LIP_LINE, 0.3))
        if m.dimple[i] > 0.05:
            dim = np.array([corner + [sx * 0.012, -0.01], corner + [sx * 0.016, 0.0], corner + [sx * 0.013, 0.008]])
            d.line(_flat(catmull_rom(dim, samples=4), s), fill=_alpha(SKIN_LINE, 0.4 * m.dimple[i]), width=max(1, int(0.0025 * s)), joint="curve")
        if m.depress[i] > 0.05:
            mar = np.array([corner + [sx * 0.004, 0.006], corner + [sx * 0.01, 0.03]])
            d.line(_flat(mar, s), fill=_alpha(SKIN_LINE, 0.6 * m.depress[i]), width=max(1, int(0.0025 * s)))
    if m.rounding > 0.35:  # purse lines around puckered lips
        top = m.upper_lip[:n]
        for k in (n // 2 - 8, n // 2 - 4, n // 2 + 4, n // 2 + 8):
            p = top[k]
            d.line(_flat(np.array([p - [0, 0.002], p - [0, 0.012]]), s), fill=_alpha(SKIN_LINE, 0.5 * (m.rounding - 0.35)), width=max(1, int(0.002 * s)))
    crease = catmull_rom(m.chin_crease, samples=6)
    d.line(_flat(crease, s), fill=_alpha(SKIN_LINE, 0.5 * m.chin_crease_strength), width=max(1, int(0.003 * s)), joint="curve")


def _draw_lines(d: ImageDraw.ImageDraw, g: FaceGeometry, s: float) -> None:
    """Forehead and frown wrinkles."""
    width = max(1, int(0.0028 * s))
    if g.forehead_lines > 0.01:
        for k, y in enumerate((0.272, 0.3, 0.328)):
            half = 0.1 - 0.015 * k
            arc = catmull_rom(np.array([(0.5 - half, y + 0.008), (0.5, y - 0.006 * g.forehead_lines), (0.5 + half, y + 0.008)]), samples=8)
            d.line(_flat(arc, s), fill=_alpha(SKIN_LINE, 0.45 * g.forehead_lines), width=width, joint="curve")
    if g.frown_lines > 0.01:
        for sx in (-1, 1):
            line = np.array([(0.5 + sx * 0.012, 0.385), (0.5 + sx * 0.009, 0.407), (0.5 + sx * 0.012, 0.428)])
            d.line(_flat(catmull_rom(line, samples=4), s), fill=_alpha(SKIN_LINE, 0.6 * g.frown_lines), width=width, joint="curve")


def _draw_nose(d: ImageDraw.ImageDraw, img: Image.Image, g: FaceGeometry, s: float) -> None:
    nose = g.nose
    width = max(1, int(0.003 * s))
    for sx in (-1, 1):
        bridge = np.array([(0.5 + sx * 0.03, 0.49), (0.5 + sx * 0.027, 0.525), (0.5 + sx * 0.026, 0.558)])
        d.line(_flat(catmull_rom(bridge, samples=6), s), fill=_alpha(SKIN_SHADE, 0.5), width=width, joint="curve")
    _paste_soft(img, (0.5, 0.573), 0.022, HIGHLIGHT, 0.5, s)
    for wing in nose.wings:
        d.line(_flat(wing, s), fill=_alpha(SKIN_LINE, 0.6), width=width, joint="curve")
    for x, y, rx, ry in nose.nostrils:
        d.ellipse(((x - rx) * s, (y - ry) * s, (x + rx) * s, (y + ry) * s), fill=(96, 54, 48))
    d.line(_flat(nose.base, s), fill=_alpha(SKIN_LINE, 0.3), width=width, joint="curve")
    if nose.wrinkle > 0.02:
        for k, y in enumerate((0.49, 0.506, 0.522)):
            arc = np.array([(0.482 - 0.004 * k, y + 0.003), (0.5, y), (0.518 + 0.004 * k, y + 0.003)])
            d.line(_flat(arc, s), fill=_alpha(SKIN_LINE, 0.6 * nose.wrinkle), width=width)
    for sx in (-1, 1):  # philtrum ridges
        ridge = np.array([(0.5 + sx * 0.007, 0.622), (0.5 + sx * 0.01, 0.66)])
        d.line(_flat(ridge, s), fill=_alpha(SKIN_SHADE, 0.45), width=width)


def render_frame(values: np.ndarray, size: int = 512) -> Image.Image:
    """Draw the face for one frame of board values ``(174,)`` as an RGB ``size`` x ``size`` image."""
    g = face_geometry(values)
    s = float(size * SUPERSAMPLE)
    img = static_layer(size * SUPERSAMPLE).copy()
    d = ImageDraw.Draw(img, "RGBA")
    lower = _lower_head(g.head, STATIC_HEAD_Y)
    d.polygon(_flat(lower, s), fill=SKIN)
    d.line(_flat(lower[1:-1], s), fill=_alpha(SKIN_LINE, 0.35), width=max(1, int(0.003 * s)), joint="curve")
    for ch in g.cheeks:
        _paste_soft(img, ch.centre, ch.radius, BLUSH, 0.4 * ch.blush, s)
        if ch.lift > 0.02:
            _paste_soft(img, (ch.centre[0], ch.centre[1] - 0.02), ch.radius * 0.55, HIGHLIGHT, 0.45 * ch.lift, s)
    _draw_lines(d, g, s)
    for ch in g.cheeks:
        d.line(_flat(ch.fold, s), fill=_alpha(SKIN_LINE, ch.fold_strength * 0.7), width=max(1, int(0.0035 * s)), joint="curve")
    for eye in g.eyes:
        _draw_eye(img, d, eye, s)
    for brow in g.brows:
        d.polygon(_flat(brow, s), fill=BROW)
    _draw_nose(d, img, g, s)
    _draw_mouth(img, d, g.mouth, s)
    return img.reduce(SUPERSAMPLE)
