"""Rasterise :class:`~medtalk.preview.face.FaceGeometry` with Pillow.

Shapes are filled polygons drawn at ``SUPERSAMPLE`` times the output size and
box-filtered down, which anti-aliases every edge for the price of one
``Image.reduce``. What never moves (background, hair, ears, neck, the top of
the head) is drawn once per size; each frame redraws only ``DYNAMIC_BOX``,
the region the features can reach. The eyes and the inside of the mouth are
drawn on small layers clipped by the lid and lip outlines.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image

from medtalk.preview.canvas import Canvas, with_alpha
from medtalk.preview.face import JAW_START_Y, EyeGeometry, FaceGeometry, face_geometry, head_rest
from medtalk.preview.mouth import MouthGeometry
from medtalk.preview.splines import catmull_rom

SUPERSAMPLE = 2  # drawing scale before the box-filter downsample
MIN_SIZE = 64  # px, smallest face that still shows its features
# The head above this line never moves: it is part of the static layer.
STATIC_HEAD_Y = JAW_START_Y - 0.06
# (x0, y0, x1, y1) face units that any frame can change: forehead lines to the
# lowest chin, cheek to cheek with the cheeks blown out.
DYNAMIC_BOX = (0.17, 0.24, 0.83, 1.0)
# The image shows the face-unit square from VIEW_ORIGIN, VIEW_SPAN units wide:
# a little tighter than the whole canvas, so the features read at sheet sizes.
VIEW_ORIGIN, VIEW_SPAN = (0.05, 0.05), 0.9

BACKGROUND_TOP, BACKGROUND_BOTTOM = (226, 232, 238), (190, 202, 216)
SKIN, SKIN_SHADE, SKIN_LINE = (238, 200, 174), (214, 168, 142), (150, 96, 78)
HAIR, HAIR_SHINE = (74, 52, 42), (112, 82, 66)
BROW, LASH = (86, 60, 46), (46, 32, 28)
SHIRT, SHIRT_SHADE = (88, 108, 138), (70, 88, 116)
EYE_WHITE, IRIS, IRIS_RIM, PUPIL = (250, 248, 244), (84, 124, 146), (44, 70, 88), (20, 18, 22)
LID_SHADOW, CATCHLIGHT = (90, 60, 50, 70), (255, 255, 255, 220)
LIP_UPPER, LIP_LOWER, LIP_LINE = (188, 100, 98), (204, 116, 110), (110, 44, 46)
MOUTH_INSIDE, TEETH, TONGUE = (62, 22, 28), (244, 240, 230), (196, 92, 100)
TEETH_SHADED, TEETH_GAP = (222, 214, 202), (150, 130, 120)
NOSTRIL = (96, 54, 48)
BLUSH, HIGHLIGHT = (236, 136, 128), (255, 236, 222)
UPPER_TEETH_SPLITS = (0.2, 0.34, 0.5, 0.66, 0.8)  # gaps between teeth, fraction of the visible arch
LOWER_TEETH_SPLITS = (0.3, 0.43, 0.57, 0.7)

_HAIR_BACK = np.array([
    (0.5, 0.05), (0.7, 0.1), (0.812, 0.24), (0.822, 0.36), (0.802, 0.45), (0.76, 0.47),
    (0.24, 0.47), (0.198, 0.45), (0.178, 0.36), (0.188, 0.24), (0.3, 0.1),
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
NECK_SHADOW_Y = (0.84, 0.92)  # the neck darkens above this band, under the jaw


def _vertical_ramp(px: int, top: tuple[int, ...], bottom: tuple[int, ...], y0: float, y1: float) -> Image.Image:
    """A ``px`` square image fading from ``top`` (above face height ``y0``) to ``bottom`` (below ``y1``)."""
    y = VIEW_ORIGIN[1] + np.linspace(0, VIEW_SPAN, px)
    ramp = np.clip((y - y0) / (y1 - y0), 0, 1)[:, None, None]
    colour = np.array(top) + (np.array(bottom) - np.array(top)) * ramp
    return Image.fromarray((colour * np.ones((1, px, 1))).astype(np.uint8), "RGB")


@lru_cache(maxsize=4)
def static_layer(px: int) -> Image.Image:
    """What never moves, ``px`` square: background, hair, ears, neck, shoulders, upper head."""
    img = _vertical_ramp(px, BACKGROUND_TOP, BACKGROUND_BOTTOM, 0.0, 1.0)
    c = Canvas(img, px / VIEW_SPAN, VIEW_ORIGIN)
    c.polygon(catmull_rom(_HAIR_BACK, closed=True), HAIR)
    neck = Image.new("L", (px, px), 0)
    Canvas(neck, px / VIEW_SPAN, VIEW_ORIGIN).polygon(_NECK, 255)
    img.paste(_vertical_ramp(px, SKIN_SHADE, SKIN, *NECK_SHADOW_Y), (0, 0), neck)
    c.polygon(catmull_rom(_SHOULDERS), SHIRT)
    c.line(catmull_rom(_SHOULDERS[3:8]), SHIRT_SHADE, 0.006)
    for sx in (-1, 1):
        c.ellipse((0.5 + sx * 0.268, 0.4975), 0.03, 0.0675, SKIN)
        c.ellipse((0.5 + sx * 0.274, 0.495), 0.014, 0.035, SKIN_SHADE)
    head = catmull_rom(head_rest(), closed=True)
    below = np.flatnonzero(head[:, 1] >= STATIC_HEAD_Y + 0.01)  # overlap the per-frame part a little
    upper = np.concatenate([head[below[-1] + 1:], head[:below[0]]])  # temple, crown, temple
    c.polygon(upper, SKIN)
    c.line(upper, with_alpha(SKIN_LINE, 0.35), 0.0015)
    c.polygon(catmull_rom(_HAIR_FRONT, closed=True), HAIR)
    c.line(catmull_rom(np.array([(0.36, 0.12), (0.47, 0.1), (0.58, 0.115)]), samples=6),
           with_alpha(HAIR_SHINE, 0.8), 0.004)
    return img


@lru_cache(maxsize=4)
def _static_output(size: int) -> Image.Image:
    return static_layer(size * SUPERSAMPLE).reduce(SUPERSAMPLE)


def _lower_head(outline: np.ndarray, y: float) -> np.ndarray:
    """The part of a closed outline ``(N, 2)`` (starting at the crown) below height ``y``."""
    below = np.flatnonzero(outline[:, 1] >= y)
    first, last = below[0], below[-1]

    def crossing(i: int, j: int) -> np.ndarray:
        a, b = outline[i], outline[j]
        return a + (b - a) * (y - a[1]) / (b[1] - a[1])

    return np.concatenate([[crossing(first - 1, first)], outline[first:last + 1], [crossing(last, last + 1)]])


def _draw_eye(c: Canvas, eye: EyeGeometry) -> None:
    if eye.openness > 0.04:
        def inside(e: Canvas) -> None:
            r = eye.iris_radius
            e.ellipse(eye.iris, r, r, IRIS, outline=IRIS_RIM, outline_width=r / 6)
            e.ellipse(eye.iris, eye.pupil_radius, eye.pupil_radius, PUPIL)
            e.ellipse((eye.iris[0] + 0.47 * r, eye.iris[1] - 0.33 * r), 0.22 * r, 0.22 * r, CATCHLIGHT)
            e.polygon(np.concatenate([eye.upper, (eye.upper + [0, 0.008])[::-1]]), LID_SHADOW)

        c.clipped(np.concatenate([eye.upper, eye.lower[::-1]]), EYE_WHITE, inside)
    c.line(eye.crease, with_alpha(SKIN_LINE, 0.35), 0.0025)
    c.line(eye.bag, with_alpha(SKIN_LINE, 0.45 * eye.bag_strength), 0.0025)
    c.line(eye.lower, with_alpha(SKIN_LINE, 0.55), 0.002)
    c.line(eye.upper, LASH, 0.0045 + 0.0015 * (eye.openness < 0.15))  # a closed lid reads as a bolder line
    tail = eye.upper[-1]
    direction = np.sign(tail[0] - eye.upper[0][0])
    c.line(np.array([tail, tail + [direction * 0.01, -0.006]]), LASH, 0.003)


def _draw_mouth_inside(c: Canvas, m: MouthGeometry) -> None:
    tx, ty, rx, ry = m.tongue
    if not m.tongue_out:
        c.ellipse((tx, ty), rx, ry, TONGUE)
    c.polygon(m.lower_teeth, TEETH_SHADED)
    c.polygon(m.upper_teeth, TEETH)
    gap = with_alpha(TEETH_GAP, 0.7)
    for teeth, splits in ((m.upper_teeth, UPPER_TEETH_SPLITS), (m.lower_teeth, LOWER_TEETH_SPLITS)):
        n = len(teeth) // 2
        edge, root = teeth[:n], teeth[n:][::-1]  # biting edge and gum line, same x order
        for u in splits:
            k = int(round(u * (n - 1)))
            c.line(np.array([edge[k], root[k]]), gap, 0.0015)
    c.line(m.upper_teeth[:len(m.upper_teeth) // 2], gap, 0.002)
    for end in (m.aperture[0], m.aperture[len(m.seam) - 1]):  # shadow towards the mouth corners
        c.ellipse(end, 0.03, 0.03, with_alpha(MOUTH_INSIDE, 0.75))
    if m.tongue_out:
        c.ellipse((tx, ty), rx, ry, TONGUE)


def _draw_mouth(c: Canvas, m: MouthGeometry) -> None:
    if m.opening > 0.002:
        c.clipped(m.aperture, MOUTH_INSIDE, lambda inner: _draw_mouth_inside(inner, m))
    c.polygon(m.upper_lip, LIP_UPPER)
    c.polygon(m.lower_lip, LIP_LOWER)
    n = len(m.seam)
    sheen = (m.lower_lip[n // 2] + m.lower_lip[n + n // 2]) / 2 - [0, 0.002]  # middle of the lower lip
    c.soft(sheen, 0.018 * (1 - 0.4 * m.rounding) + 0.01, HIGHLIGHT, 0.35)
    line = with_alpha(LIP_LINE, 0.55 + 0.4 * m.press)
    c.line(m.aperture[:n], line, 0.0028 + 0.0012 * m.press)
    c.line(m.aperture[n:], line, 0.0028 + 0.0012 * m.press)
    c.line(m.upper_lip[:n], with_alpha(LIP_LINE, 0.25), 0.0015)
    for i, (corner, sx) in enumerate(zip(m.corners, (-1, 1))):
        c.ellipse(corner, 0.0025, 0.0025, with_alpha(LIP_LINE, 0.3))
        if m.dimple[i] > 0.05:
            dimple = np.array([corner + [sx * 0.012, -0.01], corner + [sx * 0.016, 0.0], corner + [sx * 0.013, 0.008]])
            c.line(catmull_rom(dimple, samples=4), with_alpha(SKIN_LINE, 0.4 * m.dimple[i]), 0.0025)
        if m.depress[i] > 0.05:  # marionette line under a turned-down corner
            c.line(np.array([corner + [sx * 0.004, 0.006], corner + [sx * 0.01, 0.03]]),
                   with_alpha(SKIN_LINE, 0.6 * m.depress[i]), 0.0025)
    if m.rounding > 0.35:  # purse lines around puckered lips
        top = m.upper_lip[:n]
        for k in (n // 2 - 8, n // 2 - 4, n // 2 + 4, n // 2 + 8):
            c.line(np.array([top[k] - [0, 0.002], top[k] - [0, 0.012]]),
                   with_alpha(SKIN_LINE, 0.5 * (m.rounding - 0.35)), 0.002)
    c.line(catmull_rom(m.chin_crease, samples=6), with_alpha(SKIN_LINE, 0.5 * m.chin_crease_strength), 0.003)


def _draw_wrinkles(c: Canvas, g: FaceGeometry) -> None:
    """Forehead lines (raised brows) and frown lines (lowered, knitted brows)."""
    for sx, lines, frown in zip((-1, 1), g.forehead_lines, g.frown_lines):  # each half follows its brow
        if lines > 0.01:
            for k, y in enumerate((0.272, 0.3, 0.328)):
                half = 0.1 - 0.015 * k
                arc = np.array([(0.5, y - 0.006 * lines), (0.5 + sx * half / 2, y - 0.003 * lines + 0.002),
                                (0.5 + sx * half, y + 0.008)])
                c.line(catmull_rom(arc, samples=6), with_alpha(SKIN_LINE, 0.45 * lines), 0.0028)
        if frown > 0.01:
            line = np.array([(0.5 + sx * 0.012, 0.385), (0.5 + sx * 0.009, 0.407), (0.5 + sx * 0.012, 0.428)])
            c.line(catmull_rom(line, samples=4), with_alpha(SKIN_LINE, 0.6 * frown), 0.0028)


def _draw_nose(c: Canvas, g: FaceGeometry) -> None:
    nose = g.nose
    for sx in (-1, 1):
        bridge = np.array([(0.5 + sx * 0.03, 0.49), (0.5 + sx * 0.027, 0.525), (0.5 + sx * 0.026, 0.558)])
        c.line(catmull_rom(bridge, samples=6), with_alpha(SKIN_SHADE, 0.5), 0.003)
    c.soft((0.5, 0.573), 0.022, HIGHLIGHT, 0.5)
    for wing in nose.wings:
        c.line(wing, with_alpha(SKIN_LINE, 0.6), 0.003)
    for x, y, rx, ry in nose.nostrils:
        c.ellipse((x, y), rx, ry, NOSTRIL)
    c.line(nose.base, with_alpha(SKIN_LINE, 0.3), 0.003)
    if nose.wrinkle > 0.02:
        for k, y in enumerate((0.49, 0.506, 0.522)):
            arc = np.array([(0.482 - 0.004 * k, y + 0.003), (0.5, y), (0.518 + 0.004 * k, y + 0.003)])
            c.line(arc, with_alpha(SKIN_LINE, 0.6 * nose.wrinkle), 0.003)
    for sx in (-1, 1):  # philtrum ridges
        c.line(np.array([(0.5 + sx * 0.007, 0.622), (0.5 + sx * 0.01, 0.66)]), with_alpha(SKIN_SHADE, 0.45), 0.003)


def draw_face(c: Canvas, g: FaceGeometry) -> None:
    """Everything that moves, onto a canvas that already holds the static layer."""
    lower = _lower_head(g.head, STATIC_HEAD_Y)
    c.polygon(lower, SKIN)
    c.line(lower[1:-1], with_alpha(SKIN_LINE, 0.35), 0.0015)
    for cheek in g.cheeks:
        c.soft(cheek.centre, cheek.radius, BLUSH, 0.4 * cheek.blush)
        if cheek.lift > 0.02:
            c.soft((cheek.centre[0], cheek.centre[1] - 0.02), cheek.radius * 0.55, HIGHLIGHT, 0.45 * cheek.lift)
    _draw_wrinkles(c, g)
    for cheek in g.cheeks:
        c.line(cheek.fold, with_alpha(SKIN_LINE, 0.7 * cheek.fold_strength), 0.0035)
    for eye in g.eyes:
        _draw_eye(c, eye)
    for brow in g.brows:
        c.polygon(brow, BROW)
    _draw_nose(c, g)
    _draw_mouth(c, g.mouth)


def render_frame(values: np.ndarray, size: int = 512) -> Image.Image:
    """Draw the face for one frame of board values ``(174,)`` as an RGB ``size`` x ``size`` image."""
    g = face_geometry(values)
    origin = np.array(VIEW_ORIGIN * 2)
    box = tuple(int(np.clip(round(v), 0, size)) for v in (np.array(DYNAMIC_BOX) - origin) / VIEW_SPAN * size)
    big = static_layer(size * SUPERSAMPLE).crop(tuple(v * SUPERSAMPLE for v in box))
    corner = origin[:2] + np.array(box[:2]) / size * VIEW_SPAN
    draw_face(Canvas(big, size * SUPERSAMPLE / VIEW_SPAN, tuple(corner)), g)
    out = _static_output(size).copy()
    out.paste(big.reduce(SUPERSAMPLE), box[:2])
    return out
