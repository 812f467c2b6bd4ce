"""Face geometry from one frame of board controls: head, brows, eyes, nose, cheeks.

Pure geometry in face units (the canvas is 1 unit wide, ``y`` grows down);
:mod:`medtalk.preview.draw` turns it into pixels. Each feature reads the
board controls that move it on a MetaHuman:

- brows: ``raiseIn`` lifts the head of the brow, ``raiseOut`` its tail,
  ``down`` lowers it, ``lateral`` draws the heads together (corrugator);
- eyes: ``eye_blink`` (+ closes, - widens), ``eyelidU``/``eyelidD``,
  ``squintInner`` (inner lids), ``cheekRaise`` (pushes the lower lid up),
  ``lidPress``/``faceScrunch``; irises follow ``C_eye`` + ``L/R_eye`` gaze;
- nose: ``nose.ty`` (+ wrinkle), ``nose.tx`` (+ dilate), ``wrinkleUpper``;
- cheeks: ``cheekRaise`` and ``cornerPull`` lift and colour them,
  ``suckBlow`` puffs them; ``nasolabialDeepen`` marks the folds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from medtalk.preview.board import SIDES, Board
from medtalk.preview.mouth import JAW_DROP, MouthGeometry, jaw_drop, mouth_geometry
from medtalk.preview.splines import catmull_rom, mirror_x, tapered_stroke

EYE_Y = 0.468  # height of the line between the eye corners
EYE_INNER_X, EYE_OUTER_X = 0.063, 0.176  # corner distances from the face centre
UPPER_LID = 0.03  # rest height of the upper lid above the corner line
LOWER_LID = 0.016
IRIS_RADIUS = 0.0215
PUPIL_RADIUS = 0.0085
GAZE_X, GAZE_Y = 0.03, 0.017  # iris travel at full eye-control deflection
BROW_POINTS = ((0.045, 0.39), (0.1, 0.369), (0.168, 0.382))  # inner, peak, tail (x from centre, y)
# half thickness along the brow (head, body, peak, tail) at these fractions of its length
BROW_PROFILE = ((0.0, 0.12, 0.5, 1.0), (0.005, 0.0095, 0.0085, 0.003))
JAW_START_Y = 0.58  # the outline below this height moves with the jaw
LID_SAMPLES = 25

# right half of the head outline (screen right = the character's left), top to chin
_HEAD_HALF = np.array([
    (0.5, 0.1), (0.61, 0.115), (0.7, 0.17), (0.752, 0.26), (0.772, 0.37),
    (0.775, 0.46), (0.762, 0.56), (0.735, 0.65), (0.69, 0.735), (0.625, 0.805),
    (0.56, 0.845),
])
_CHIN = np.array([(0.5, 0.858)])


@dataclass(frozen=True)
class EyeGeometry:
    upper: np.ndarray  # (LID_SAMPLES, 2) upper lid edge, inner corner to outer
    lower: np.ndarray
    crease: np.ndarray  # fold above the upper lid
    bag: np.ndarray  # cheek-push line under the lower lid
    bag_strength: float
    iris: tuple[float, float]  # centre
    iris_radius: float
    pupil_radius: float
    openness: float  # aperture at the centre relative to rest, 0 closed


@dataclass(frozen=True)
class CheekGeometry:
    centre: tuple[float, float]
    radius: float
    blush: float  # 0..1 opacity of the blush
    lift: float  # 0..1 highlight of a raised cheek
    fold: np.ndarray  # nasolabial fold, nose wing to mouth corner
    fold_strength: float


@dataclass(frozen=True)
class NoseGeometry:
    wings: tuple[np.ndarray, np.ndarray]  # alar outlines, screen-left and screen-right
    nostrils: tuple[tuple[float, float, float, float], ...]  # (x, y, rx, ry) each
    base: np.ndarray  # shadow line under the tip
    wrinkle: float  # 0..1 strength of the bridge wrinkles


@dataclass(frozen=True)
class FaceGeometry:
    """Everything the renderer draws for one frame."""

    head: np.ndarray  # closed outline (N, 2)
    brows: tuple[np.ndarray, np.ndarray]  # closed outlines, screen-left and screen-right
    forehead_lines: tuple[float, float]  # 0..1, screen-left and screen-right half of the forehead
    frown_lines: tuple[float, float]
    eyes: tuple[EyeGeometry, EyeGeometry]
    nose: NoseGeometry
    cheeks: tuple[CheekGeometry, CheekGeometry]
    mouth: MouthGeometry


@lru_cache(maxsize=1)
def head_rest() -> np.ndarray:
    """Control points ``(N, 2)`` of the head outline at rest, clockwise from the crown."""
    left = mirror_x(_HEAD_HALF[::-1])[:-1]  # screen-left side, chin to top, without the top point
    return np.concatenate([_HEAD_HALF, _CHIN, left])


def head_outline(b: Board) -> np.ndarray:
    """Closed head outline ``(N, 2)``; the jaw part drops, narrows and shifts with the jaw."""
    pts = head_rest().copy()
    below = np.clip((pts[:, 1] - JAW_START_Y) / (_CHIN[0, 1] - JAW_START_Y), 0, 1)
    drop = jaw_drop(b)
    pts[:, 1] += drop * below
    pts[:, 0] -= (pts[:, 0] - 0.5) * 0.06 * (drop / JAW_DROP) * below  # the jaw narrows as it opens
    pts[:, 0] -= 0.02 * b("C_jaw.tx") * below
    outline = catmull_rom(pts, closed=True)
    # blowing puffs the cheeks out, sucking hollows them; applied to the dense
    # outline so the bulge stays round between the control points
    cheek = np.exp(-(((outline[:, 1] - 0.64) / 0.06) ** 2))
    blow = b.mean("L_mouth_suckBlow", "R_mouth_suckBlow")
    outline[:, 0] += np.sign(outline[:, 0] - 0.5) * cheek * (0.022 * max(blow, 0) - 0.008 * max(-blow, 0))
    return outline


def brow(b: Board, side: str, sx: float) -> np.ndarray:
    """Closed outline of one brow, a stroke thick at the head, thin at the tail."""
    p = f"{side}_brow_"
    raise_in, raise_out = b(p + "raiseIn"), b(p + "raiseOut")
    down, lateral = b(p + "down"), b(p + "lateral")
    dy = (
        -0.045 * raise_in + 0.03 * down + 0.012 * lateral,
        -0.024 * raise_in - 0.032 * raise_out + 0.02 * down,
        -0.005 * raise_in - 0.04 * raise_out + 0.01 * down,
    )
    dx = (-0.022 * lateral, -0.008 * lateral, 0.0)
    pts = np.array([(0.5 + sx * (x + ddx), y + ddy) for (x, y), ddx, ddy in zip(BROW_POINTS, dx, dy)])
    centre = catmull_rom(pts, samples=10)
    width = np.interp(np.linspace(0, 1, len(centre)), *BROW_PROFILE)
    return tapered_stroke(centre, width * (1 + 0.15 * down))


def eye(b: Board, side: str, sx: float) -> EyeGeometry:
    """Lid edges and iris of one eye."""
    e = f"{side}_eye_"
    blink, lid_u, lid_d = b(e + "blink"), b(e + "eyelidU"), b(e + "eyelidD")
    squint, cheek = b(e + "squintInner"), b(e + "cheekRaise")
    press, scrunch = b(e + "lidPress"), b(e + "faceScrunch")
    down = b(f"{side}_brow_down")
    gaze_x = float(np.clip(b("C_eye.tx") + b(f"{side}_eye.tx"), -1.5, 1.5))
    gaze_y = float(np.clip(b("C_eye") + b(f"{side}_eye"), -1.5, 1.5))

    t = np.linspace(0.0, 1.0, LID_SAMPLES)
    inner = np.array([0.5 + sx * EYE_INNER_X, EYE_Y + 0.005])
    outer = np.array([0.5 + sx * EYE_OUTER_X, EYE_Y - 0.004])
    base = inner + t[:, None] * (outer - inner)
    bump_u = np.sin(np.pi * t ** 0.85)  # the upper lid peaks towards the nose,
    bump_l = np.sin(np.pi * t ** 1.2)  # the lower lid dips towards the temple

    wide = max(-blink, 0.0) + 0.8 * max(-lid_u, 0.0)
    open_upper = base[:, 1] - UPPER_LID * bump_u * (1 + 0.55 * wide)
    lower_raise = np.clip(
        0.75 * cheek + 0.45 * squint * (1 - t) + 0.35 * max(lid_d, 0) + 0.25 * scrunch
        + 0.2 * press - 0.35 * max(-lid_d, 0) - 0.3 * wide, -0.6, 1.0,
    )
    lower_y = base[:, 1] + LOWER_LID * bump_l * (1 - 1.8 * lower_raise)
    closure = np.clip(
        max(blink, 0) + 0.35 * max(lid_u, 0) + 0.3 * press + 0.2 * scrunch + 0.12 * down
        + 0.08 * squint + 0.2 * squint * (1 - t) + 0.1 * cheek + 0.25 * max(-gaze_y, 0), 0, 1,
    )
    upper_y = np.minimum(open_upper + (lower_y - open_upper) * closure, lower_y)
    crease_y = open_upper - (0.011 + 0.004 * wide) * bump_u - 0.003 + 0.006 * down

    centre = (inner + outer) / 2
    iris = (float(centre[0] + GAZE_X * gaze_x), float(centre[1] - 0.004 - GAZE_Y * gaze_y))
    rest_open = UPPER_LID + LOWER_LID
    mid = LID_SAMPLES // 2
    return EyeGeometry(
        upper=np.stack([base[:, 0], upper_y], 1),
        lower=np.stack([base[:, 0], lower_y], 1),
        crease=np.stack([base[2:-2, 0], crease_y[2:-2]], 1),
        bag=np.stack([base[3:-3, 0], lower_y[3:-3] + 0.012 + 0.004 * bump_l[3:-3]], 1),
        bag_strength=float(np.clip(0.9 * cheek + 0.5 * squint + 0.4 * scrunch, 0, 1)),
        iris=iris,
        iris_radius=IRIS_RADIUS,
        pupil_radius=PUPIL_RADIUS * (1 + 0.35 * b(e + "pupil")),
        openness=float((lower_y[mid] - upper_y[mid]) / rest_open),
    )


def nose(b: Board) -> NoseGeometry:
    """Alae, nostrils and the bridge-wrinkle strength."""
    sneer = b.mean("L_nose", "R_nose")
    wrinkle = max(sneer, b.mean("L_nose_wrinkleUpper", "R_nose_wrinkleUpper"),
                  0.7 * b.mean("L_eye_faceScrunch", "R_eye_faceScrunch"))
    wings, nostrils = [], []
    for side, sx in reversed(SIDES):
        dilate, lift = b(f"{side}_nose.tx"), 0.008 * b(f"{side}_nose")
        out = 0.008 * dilate
        pts = np.array([(0.03, 0.563), (0.045 + out, 0.584), (0.043 + out, 0.605), (0.029, 0.613)])
        pts[:, 0] = 0.5 + sx * pts[:, 0]
        pts[:, 1] -= lift * np.array([0.3, 1.0, 1.0, 0.8])
        wings.append(catmull_rom(pts, samples=6))
        nostrils.append((0.5 + sx * (0.018 + 0.3 * out), 0.608 - 0.8 * lift,
                         0.0105 * (1 + 0.5 * dilate), 0.0052 * (1 + 0.3 * max(dilate, 0))))
    base = catmull_rom(np.array([(0.472, 0.61), (0.5, 0.618 - 0.008 * sneer), (0.528, 0.61)]), samples=6)
    return NoseGeometry(wings=(wings[0], wings[1]), nostrils=tuple(nostrils), base=base,
                        wrinkle=float(np.clip(wrinkle, 0, 1)))


def cheek(b: Board, side: str, sx: float, corner: np.ndarray) -> CheekGeometry:
    """Blush, lift and nasolabial fold on one side; ``corner`` is that mouth corner (2,)."""
    raise_, pull = b(f"{side}_eye_cheekRaise"), b(f"{side}_mouth_cornerPull")
    blow = max(b(f"{side}_mouth_suckBlow"), 0.0)
    sneer = max(b(f"{side}_nose"), 0.0)
    fold = catmull_rom(np.array([
        (0.5 + sx * 0.047, 0.595 - 0.008 * sneer),
        (0.5 + sx * (0.074 + 0.01 * pull), 0.64 - 0.008 * pull),
        (corner[0] + sx * 0.014, corner[1] + 0.012),
    ]), samples=8)
    strength = 0.1 + 0.45 * pull + 0.3 * b(f"{side}_nose_nasolabialDeepen") + 0.15 * raise_ + 0.15 * sneer
    return CheekGeometry(
        centre=(0.5 + sx * 0.158, 0.592 - 0.03 * raise_ - 0.012 * pull),
        radius=0.068 * (1 + 0.15 * raise_ + 0.3 * blow),
        blush=float(np.clip(0.25 + 0.45 * raise_ + 0.2 * pull + 0.3 * blow, 0, 1)),
        lift=float(np.clip(raise_ + 0.4 * pull, 0, 1)),
        fold=fold,
        fold_strength=float(np.clip(strength, 0, 0.8)),
    )


def _clip01(x: float) -> float:
    return min(max(float(x), 0.0), 1.0)


def face_geometry(values: np.ndarray) -> FaceGeometry:
    """All drawable geometry for one frame of board values ``(174,)``."""
    b = Board(values)
    mouth = mouth_geometry(b)
    ordered = tuple(reversed(SIDES))  # screen-left (R) first
    return FaceGeometry(
        head=head_outline(b),
        brows=tuple(brow(b, side, sx) for side, sx in ordered),
        forehead_lines=tuple(_clip01(1.2 * max(b(f"{side}_brow_raiseIn"), b(f"{side}_brow_raiseOut")) - 0.15)
                             for side, _ in ordered),
        frown_lines=tuple(_clip01(1.1 * max(b(f"{side}_brow_down"), 0.8 * b(f"{side}_brow_lateral")) - 0.1)
                          for side, _ in ordered),
        eyes=tuple(eye(b, side, sx) for side, sx in ordered),
        nose=nose(b),
        cheeks=tuple(cheek(b, side, sx, mouth.corners[i]) for i, (side, sx) in enumerate(ordered)),
        mouth=mouth,
    )
