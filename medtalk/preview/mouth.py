"""Mouth geometry from board controls: lips, aperture, teeth, tongue, chin crease.

The lips are built around a *seam* running from corner to corner. The aperture
opens the seam: the lower edge follows the jaw (``C_jaw.ty``) and
``lowerLipDepress``, the upper edge ``upperLipRaise``; ``lipsTogether``,
``press`` and ``tighten`` close it again however far the jaw is open.
``purse``/``towards``/``funnel`` round the mouth (narrower, fuller lips, an
elliptical aperture); ``cornerPull``/``cornerDepress``/``stretch`` and
``mouth_corner`` move the corners; ``lipBite``/``lipsTowardsTeeth`` tuck the
lower lip under the upper teeth (f, v). All lengths are face units (the canvas
is 1 unit wide), ``y`` down; curves run from the screen-left corner (the
character's right) to the screen-right corner.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from medtalk.preview.board import SIDES, Board

MOUTH_X = 0.5
MOUTH_Y = 0.7  # rest height of the lip seam
HALF_WIDTH = 0.08  # rest distance from centre to each corner
UPPER_THICK = 0.017  # rest height of the upper lip at its centre
LOWER_THICK = 0.023
JAW_DROP = 0.085  # chin travel at C_jaw.ty = 1
TEETH_HALF_WIDTH = 0.05
TEETH_HEIGHT = 0.03
SAMPLES = 41  # points per lip curve, corner to corner


@dataclass(frozen=True)
class MouthGeometry:
    """Polygons ``(N, 2)`` in face units, plus the scalars the drawing needs."""

    upper_lip: np.ndarray
    lower_lip: np.ndarray
    aperture: np.ndarray  # inner outline of the open mouth
    seam: np.ndarray  # (SAMPLES, 2) line where the lips meet when closed
    opening: float  # aperture height at the centre
    upper_teeth: np.ndarray
    lower_teeth: np.ndarray
    tongue: tuple[float, float, float, float]  # centre x, centre y, radius x, radius y
    tongue_out: bool  # drawn in front of the teeth
    corners: np.ndarray  # (2, 2): screen-left, screen-right corner
    rounding: float  # 0 spread .. 1 fully pursed
    press: float  # lip tension, darkens the seam
    depress: tuple[float, float]  # cornerDepress (R, L): marionette lines
    dimple: tuple[float, float]
    chin_crease: np.ndarray
    chin_crease_strength: float


def jaw_drop(b: Board) -> float:
    """How far the chin and lower lip have travelled down, face units."""
    return JAW_DROP * (max(b("C_jaw"), 0.0) + 0.5 * b("C_jaw_openExtreme"))


def _side(b: Board, side: str) -> dict[str, float]:
    """Mouth parameters of board side ``side`` (``L`` or ``R``)."""
    m = f"{side}_mouth_"
    pull, sharp = b(m + "cornerPull"), b(m + "sharpCornerPull")
    depress, stretch, dimple = b(m + "cornerDepress"), b(m + "stretch"), b(m + "dimple")
    rounding = min(1.0, 0.6 * b.mean(m + "purseU", m + "purseD")
                   + 0.5 * b.mean(m + "towardsU", m + "towardsD")
                   + 0.45 * b.mean(m + "funnelU", m + "funnelD"))
    press = b.mean(m + "pressU", m + "pressD", m + "lipsPressU")
    width = HALF_WIDTH * (
        1 + 0.22 * pull + 0.1 * sharp + 0.3 * stretch + 0.2 * b(m + "corner.tx")
        + 0.06 * dimple + 0.06 * depress - 0.42 * rounding - 0.06 * press
    )
    lift = (0.032 * pull + 0.02 * sharp + 0.022 * b.pos(m + "corner")
            - 0.028 * depress - 0.02 * b.neg(m + "corner") - 0.005 * stretch)
    return {
        "width": max(width, 0.022), "lift": lift, "rounding": rounding, "press": press,
        "depress": depress, "dimple": dimple,
        "together": b.mean(m + "lipsTogetherU", m + "lipsTogetherD"),
        "tighten": b.mean(m + "tightenU", m + "tightenD"),
        "sticky": b.mean(m + "lipSticky", m + "stickyOuterU", m + "stickyOuterD"),
        "bite": max(b(m + "lipBiteD"), 0.7 * b(m + "lipsTowardsTeethD")),
        "bite_upper": max(b(m + "lipBiteU"), 0.7 * b(m + "lipsTowardsTeethU")),
        "upper_raise": b(m + "upperLipRaise"), "lower_depress": b(m + "lowerLipDepress"),
        "upper_scale": _thickness(b, m, "U") * (1 - 0.25 * pull),
        "lower_scale": _thickness(b, m, "D") * (1 + 0.25 * b(f"{side}_jaw_ChinRaiseU")),
        "blow": b(m + "lipsBlow"),
    }


def _thickness(b: Board, m: str, lip: str) -> float:
    """Visible red-lip height factor of one lip (``lip`` is U or D)."""
    roll = b(m + f"lipsRoll{lip}")
    return max(0.15, (1 + 0.4 * b(m + f"thickness{lip}") + 0.2 * b(m + f"pushPull{lip}"))
               * (1 - 0.65 * max(roll, 0.0) + 0.4 * max(-roll, 0.0))
               * (1 - 0.45 * b.mean(m + f"press{lip}") - 0.3 * b(m + f"tighten{lip}")))


def mouth_geometry(b: Board) -> MouthGeometry:
    """Lips, aperture, teeth and tongue for one frame."""
    right, left = (_side(b, side) for side, _ in reversed(SIDES))
    t = np.linspace(-1.0, 1.0, SAMPLES)
    w = (t + 1) / 2  # 0 at the screen-left corner (R side), 1 at the screen-right (L side)

    def blend(key: str) -> np.ndarray:
        return right[key] + (left[key] - right[key]) * w

    def avg(key: str) -> float:
        return (right[key] + left[key]) / 2

    drop = jaw_drop(b)
    cx = MOUTH_X + 0.03 * b("C_mouth.tx") - 0.012 * b("C_jaw.tx")
    cy = MOUTH_Y - 0.025 * b("C_mouth")
    rounding, press = avg("rounding"), avg("press")

    # how far each lip edge moves away from the seam, before the lips close;
    # the lip raisers/depressors blend across the mouth (a one-sided sneer)
    bite = avg("bite")
    up_open = 0.02 * blend("upper_raise") + 0.08 * drop + 0.01 * bite + 0.006 * rounding
    lo_open = 0.78 * drop + 0.026 * blend("lower_depress") + 0.004 * rounding
    closure = np.clip(1.5 * avg("together") + press + 0.5 * avg("tighten"), 0, 1) * (1 - bite)
    seam_c = cy + 0.45 * drop * closure  # closed lips meet lower when the jaw hangs open
    up_open *= 1 - closure
    lo_open *= 1 - closure
    upper_teeth_edge = MOUTH_Y + 0.004 - 0.006 * b("C_teethU")
    if bite > 0:  # f/v: the lower lip rises to meet the upper teeth
        lo_open += (upper_teeth_edge + 0.002 - (seam_c + lo_open)) * bite

    corner_y = np.where(t < 0, right["lift"], left["lift"])
    corners_y = cy + 0.4 * drop * (1 - closure) - np.array([right["lift"], left["lift"]])
    seam_y = seam_c + (cy + 0.4 * drop * (1 - closure) - corner_y - seam_c) * np.abs(t) ** 1.6
    half = np.where(t < 0, right["width"], left["width"]) * (1 - 0.12 * min(drop / JAW_DROP, 1))
    x = cx + t * half

    # aperture profile: a lens for spread lips, an ellipse when rounded
    frac = float(np.clip(0.93 - 0.4 * rounding - 0.2 * avg("sticky") - 0.15 * press, 0.35, 0.95))
    q = np.clip(np.abs(t) / frac, 0, 1)
    profile = (1 - q * q) ** (0.75 - 0.25 * rounding)
    upper_inner_y = seam_y - up_open * profile
    lower_inner_y = seam_y + lo_open * profile

    fullness = 1 + 0.45 * rounding + 0.3 * avg("blow")
    k_u, k_l = 2.5 + 2.0 * rounding, 2.2 + 2.0 * rounding  # rounded lips stay thick near corners
    upper_th = UPPER_THICK * fullness * blend("upper_scale") * (1 - 0.6 * avg("bite_upper"))
    upper_th = upper_th * (1 - np.abs(t) ** k_u) ** 0.8
    cupid = 0.25 * UPPER_THICK * np.exp(-((t / 0.13) ** 2)) * (1 - 0.6 * rounding)
    # the outer edges follow a smooth full-width profile, not the aperture's,
    # so a small round opening does not dent the lips into lobes
    wide = (1 - t * t) ** (0.9 - 0.3 * rounding)
    upper_outer_y = np.minimum(seam_y - up_open * wide - upper_th + cupid, upper_inner_y)
    lower_th = LOWER_THICK * fullness * blend("lower_scale") * (1 - 0.55 * bite)
    lower_outer_y = np.maximum(seam_y + lo_open * wide + lower_th * (1 - np.abs(t) ** k_l) ** 0.7, lower_inner_y)

    def curve(y: np.ndarray) -> np.ndarray:
        return np.stack([x, y], axis=1)

    upper_outer, upper_inner = curve(upper_outer_y), curve(upper_inner_y)
    lower_inner, lower_outer = curve(lower_inner_y), curve(lower_outer_y)
    corners = np.array([[x[0], corners_y[0]], [x[-1], corners_y[1]]])

    tx = np.linspace(-1, 1, 17)
    teeth_x = MOUTH_X + TEETH_HALF_WIDTH * tx
    u_edge = upper_teeth_edge - 0.012 * tx ** 2
    l_edge = MOUTH_Y + 0.001 + 0.92 * drop - 0.008 * tx ** 2 - 0.006 * b("C_teethD")
    lower_x = teeth_x - 0.012 * b("C_jaw.tx")
    upper_teeth = np.concatenate([np.stack([teeth_x, u_edge], 1),
                                  np.stack([teeth_x[::-1], u_edge[::-1] - TEETH_HEIGHT], 1)])
    lower_teeth = np.concatenate([np.stack([lower_x, l_edge], 1),
                                  np.stack([lower_x[::-1], l_edge[::-1] + TEETH_HEIGHT], 1)])

    raise_ = min(1.0, b.pos("C_tongue") + 0.6 * b("C_tongue_press") + 0.5 * b.pos("C_tongue_tip")
                 + 0.3 * b.pos("C_tongue_roll"))
    out = b.neg("C_tongue_inOut")
    rest_y = l_edge[8] + 0.014
    rest_y += ((upper_teeth_edge + l_edge[8]) / 2 + 0.008 - rest_y) * out  # out: the tip rests between the teeth
    tongue_y = rest_y + (upper_teeth_edge + 0.01 - rest_y) * 0.8 * raise_ * (1 - out)
    tongue = (cx + 0.012 * b("C_tongue.tx"), tongue_y,
              0.036 * (1 + 0.3 * b("C_tongue_narrowWide")) * (1 + 0.2 * out), 0.022 * (1 + 0.3 * out))

    chin_y = float(lower_outer_y[SAMPLES // 2]) + 0.028 + 0.2 * drop
    chin_crease = np.array([[cx - 0.032, chin_y + 0.004], [cx, chin_y], [cx + 0.032, chin_y + 0.004]])
    chin_raise = b.mean("L_jaw_ChinRaiseD", "R_jaw_ChinRaiseD", "L_jaw_chinCompress", "R_jaw_chinCompress")

    return MouthGeometry(
        upper_lip=np.concatenate([upper_outer, upper_inner[::-1]]),
        lower_lip=np.concatenate([lower_inner, lower_outer[::-1]]),
        aperture=np.concatenate([upper_inner, lower_inner[::-1]]),
        seam=curve(seam_y),
        opening=float(lower_inner_y[SAMPLES // 2] - upper_inner_y[SAMPLES // 2]),
        upper_teeth=upper_teeth,
        lower_teeth=lower_teeth,
        tongue=tongue,
        tongue_out=out > 0.3,
        corners=corners,
        rounding=rounding,
        press=min(1.0, press + 0.5 * avg("tighten") + 0.5 * avg("together")),
        depress=(right["depress"], left["depress"]),
        dimple=(right["dimple"], left["dimple"]),
        chin_crease=chin_crease,
        chin_crease_strength=min(1.0, 0.15 + 1.5 * chin_raise + 0.4 * press + 0.3 * rounding),
    )
