"""Face board -> raw ``CTRL_expressions_*`` curves, the way RigLogic does it.

RigLogic maps every board (GUI) control ``g`` to raw expression curves through a
table of linear segments: a segment ``(control, curve, from, to, slope, cut)``
contributes ``slope * g + cut`` to ``curve`` when ``from <= g <= to``; for one
(control, curve) pair only the first matching segment counts (so shared
breakpoints are not counted twice); contributions of different controls add
up, and every curve is finally clamped to [0, 1]. Board values are clamped to
their slider range first, as the board's transform limits do in the rig.

The exact table lives in each character's DNA (``getGUIToRaw*``). The default
below is built from the published naming rules (INTEGRATION.md): one-sided
sliders copy 1:1, two-sided sliders split into a positive and a negative curve,
``lipSticky`` feeds three phase curves and ``neck_swallow`` four, the centre
eye control adds to both eyes, and the settings feed nothing. A user can
replace it with their character's own table as JSON (:func:`load_table`)::

    {"segments": [{"control": "CTRL_L_brow_down.ty",
                   "curve": "CTRL_expressions_browDownL",
                   "from": 0.0, "to": 1.0, "slope": 1.0, "cut": 0.0}, ...]}

Controls may be spelled ``CTRL_x.ty`` (Maya) or ``CTRL_x-translateY`` (ours);
curve names ``CTRL_expressions.x`` (Maya) or ``CTRL_expressions_x`` (Unreal).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from medtalk.errors import MedtalkError
from medtalk.export.names import SETTING_NODES, split_channel
from medtalk.rig import CONTROL_NAMES, CONTROLS, NUM_CONTROLS, clip_to_range, index

CURVE_PREFIX = "CTRL_expressions_"
# Phase curves are triangles over the slider, each peaking at one of these values.
LIP_STICKY_PEAKS = (0.33, 0.66, 1.0)
NECK_SWALLOW_PEAKS = (0.2, 0.4, 0.6, 0.8)


@dataclass(frozen=True)
class Segment:
    """One linear piece: adds ``slope * g + cut`` to ``curve`` for ``lo <= g <= hi``."""

    control: int
    curve: str
    lo: float
    hi: float
    slope: float
    cut: float


class CurveTable:
    """A board -> curve table; :meth:`evaluate` maps ``(T, 174)`` to ``(T, K)``."""

    def __init__(self, segments: list[Segment]) -> None:
        if not segments:
            raise MedtalkError("curve table has no segments")
        self.segments = tuple(segments)
        self.curve_names = tuple(dict.fromkeys(s.curve for s in segments))
        # first-match-wins is per (control, curve) pair, in table order
        self._pairs: dict[tuple[int, str], list[Segment]] = {}
        for seg in segments:
            self._pairs.setdefault((seg.control, seg.curve), []).append(seg)

    def evaluate(self, values: np.ndarray) -> np.ndarray:
        """Raw curves ``(T, K)`` float32 in [0, 1], K = ``len(curve_names)``, for board ``(T, 174)``."""
        assert values.ndim == 2 and values.shape[1] == NUM_CONTROLS, values.shape
        board = clip_to_range(values)
        column = {name: k for k, name in enumerate(self.curve_names)}
        out = np.zeros((board.shape[0], len(self.curve_names)), dtype=np.float64)
        for (control, curve), pieces in self._pairs.items():
            g = board[:, control]
            matched = np.zeros(g.shape, dtype=bool)
            contribution = np.zeros(g.shape)
            for seg in pieces:
                # bounds compared in float32 like the board, so a slider set to a breakpoint hits it
                hit = ~matched & (g >= np.float32(seg.lo)) & (g <= np.float32(seg.hi))
                contribution[hit] = seg.slope * g[hit] + seg.cut
                matched |= hit
            out[:, column[curve]] += contribution
        return np.clip(out, 0.0, 1.0).astype(np.float32)

    def to_json(self) -> dict:
        """The table in the documented JSON layout (usable with ``--curve-table``)."""
        return {
            "segments": [
                {"control": CONTROL_NAMES[s.control], "curve": s.curve, "from": s.lo,
                 "to": s.hi, "slope": s.slope, "cut": s.cut}
                for s in self.segments
            ]
        }


def _copy(control: str, curve: str) -> list[Segment]:
    return [Segment(index(control), CURVE_PREFIX + curve, 0.0, 1.0, 1.0, 0.0)]


def _split(control: str, positive: tuple[str, ...], negative: tuple[str, ...]) -> list[Segment]:
    column = index(control)
    return [Segment(column, CURVE_PREFIX + c, 0.0, 1.0, 1.0, 0.0) for c in positive] + [
        Segment(column, CURVE_PREFIX + c, -1.0, 0.0, -1.0, 0.0) for c in negative
    ]


def _phases(control: str, curve: str, peaks: tuple[float, ...]) -> list[Segment]:
    """Triangles: phase k rises from the previous peak (or 0) and falls to the next (or 1)."""
    column = index(control)
    segments = []
    for k, peak in enumerate(peaks):
        start = peaks[k - 1] if k else 0.0
        end = peaks[k + 1] if k + 1 < len(peaks) else 1.0
        name = CURVE_PREFIX + curve.format(k=k + 1)
        rise = 1.0 / (peak - start)
        segments.append(Segment(column, name, start, peak, rise, -start * rise))
        if end > peak:
            fall = -1.0 / (end - peak)
            segments.append(Segment(column, name, peak, end, fall, -end * fall))
    return segments


# --- the default rules, by control. Curve templates use {s} for the side. ---
_CENTRE_SPLIT = {
    "CTRL_C_eye-translateX": (("eyeLookLeftL", "eyeLookLeftR"), ("eyeLookRightL", "eyeLookRightR")),
    "CTRL_C_eye-translateY": (("eyeLookUpL", "eyeLookUpR"), ("eyeLookDownL", "eyeLookDownR")),
    "CTRL_C_jaw-translateX": (("jawRight",), ("jawLeft",)),
    "CTRL_C_jaw_fwdBack-translateY": (("jawBack",), ("jawFwd",)),
    "CTRL_C_mouth-translateX": (("mouthLeft",), ("mouthRight",)),
    "CTRL_C_mouth-translateY": (("mouthUp",), ("mouthDown",)),
    "CTRL_C_mouth_lipShiftD-translateY": (("mouthLowerLipShiftLeft",), ("mouthLowerLipShiftRight",)),
    "CTRL_C_mouth_lipShiftU-translateY": (("mouthUpperLipShiftLeft",), ("mouthUpperLipShiftRight",)),
    "CTRL_C_teethD-translateX": (("teethLeftD",), ("teethRightD",)),
    "CTRL_C_teethD-translateY": (("teethUpD",), ("teethDownD",)),
    "CTRL_C_teethU-translateX": (("teethLeftU",), ("teethRightU",)),
    "CTRL_C_teethU-translateY": (("teethUpU",), ("teethDownU",)),
    "CTRL_C_teeth_fwdBackD-translateY": (("teethBackD",), ("teethFwdD",)),
    "CTRL_C_teeth_fwdBackU-translateY": (("teethBackU",), ("teethFwdU",)),
    "CTRL_C_tongue-translateX": (("tongueLeft",), ("tongueRight",)),
    "CTRL_C_tongue-translateY": (("tongueUp",), ("tongueDown",)),
    "CTRL_C_tongue_inOut-translateY": (("tongueIn",), ("tongueOut",)),
    "CTRL_C_tongue_narrowWide-translateY": (("tongueWide",), ("tongueNarrow",)),
    "CTRL_C_tongue_roll-translateX": (("tongueRollLeft",), ("tongueRollRight",)),
    "CTRL_C_tongue_roll-translateY": (("tongueRollUp",), ("tongueRollDown",)),
    "CTRL_C_tongue_tip-translateX": (("tongueTipLeft",), ("tongueTipRight",)),
    "CTRL_C_tongue_tip-translateY": (("tongueTipUp",), ("tongueTipDown",)),
    "CTRL_neck_digastricUpDown-translateY": (("neckDigastricUp",), ("neckDigastricDown",)),
    "CTRL_neck_throatExhaleInhale-translateY": (("neckThroatExhale",), ("neckThroatInhale",)),
    "CTRL_neck_throatUpDown-translateY": (("neckThroatUp",), ("neckThroatDown",)),
}
_CENTRE_COPY = {
    "CTRL_C_eye_parallelLook-translateY": "eyeParallelLookDirection",
    "CTRL_C_jaw-translateY": "jawOpen",
    "CTRL_C_jaw_openExtreme-translateY": "jawOpenExtreme",
    "CTRL_C_mouth_stickyD-translateY": "mouthStickyDC",
    "CTRL_C_mouth_stickyU-translateY": "mouthStickyUC",
    "CTRL_C_tongue_press-translateY": "tonguePress",
}
_SIDED_SPLIT = {  # part after CTRL_{s}_ -> (positive, negative)
    "eye-translateX": ("eyeLookLeft{s}", "eyeLookRight{s}"),
    "eye-translateY": ("eyeLookUp{s}", "eyeLookDown{s}"),
    "eye_blink-translateY": ("eyeBlink{s}", "eyeWiden{s}"),
    "eye_eyelidD-translateY": ("eyeLowerLidUp{s}", "eyeLowerLidDown{s}"),
    "eye_eyelidU-translateY": ("eyeRelax{s}", "eyeUpperLidUp{s}"),
    "eye_pupil-translateY": ("eyePupilWide{s}", "eyePupilNarrow{s}"),
    "eyelashes_tweakerIn-translateY": ("eyelashesUpIN{s}", "eyelashesDownIN{s}"),
    "eyelashes_tweakerOut-translateY": ("eyelashesUpOUT{s}", "eyelashesDownOUT{s}"),
    "mouth_corner-translateX": ("mouthCornerWide{s}", "mouthCornerNarrow{s}"),
    "mouth_corner-translateY": ("mouthCornerUp{s}", "mouthCornerDown{s}"),
    "mouth_cornerSharpnessD-translateY": ("mouthCornerSharpenD{s}", "mouthCornerRounderD{s}"),
    "mouth_cornerSharpnessU-translateY": ("mouthCornerSharpenU{s}", "mouthCornerRounderU{s}"),
    "mouth_lipsRollD-translateY": ("mouthLowerLipRollIn{s}", "mouthLowerLipRollOut{s}"),
    "mouth_lipsRollU-translateY": ("mouthUpperLipRollIn{s}", "mouthUpperLipRollOut{s}"),
    "mouth_pushPullD-translateY": ("mouthLipsPushD{s}", "mouthLipsPullD{s}"),
    "mouth_pushPullU-translateY": ("mouthLipsPushU{s}", "mouthLipsPullU{s}"),
    "mouth_suckBlow-translateY": ("mouthCheekBlow{s}", "mouthCheekSuck{s}"),
    "mouth_thicknessD-translateY": ("mouthLipsThickD{s}", "mouthLipsThinD{s}"),
    "mouth_thicknessU-translateY": ("mouthLipsThickU{s}", "mouthLipsThinU{s}"),
    "nose-translateX": ("noseNostrilDilate{s}", "noseNostrilCompress{s}"),
    "nose-translateY": ("noseWrinkle{s}", "noseNostrilDepress{s}"),
}
_SIDED_COPY = {
    "brow_down": "browDown{s}", "brow_lateral": "browLateral{s}",
    "brow_raiseIn": "browRaiseIn{s}", "brow_raiseOut": "browRaiseOuter{s}",
    "ear_up": "earUp{s}", "eye_cheekRaise": "eyeCheekRaise{s}",
    "eye_faceScrunch": "eyeFaceScrunch{s}", "eye_lidPress": "eyeLidPress{s}",
    "eye_squintInner": "eyeSquintInner{s}",
    "jaw_ChinRaiseD": "jawChinRaiseD{s}", "jaw_ChinRaiseU": "jawChinRaiseU{s}",
    "jaw_chinCompress": "jawChinCompress{s}", "jaw_clench": "jawClench{s}",
    "mouth_cornerDepress": "mouthCornerDepress{s}", "mouth_cornerPull": "mouthCornerPull{s}",
    "mouth_dimple": "mouthDimple{s}", "mouth_funnelD": "mouthFunnelD{s}",
    "mouth_funnelU": "mouthFunnelU{s}", "mouth_lipBiteD": "mouthLowerLipBite{s}",
    "mouth_lipBiteU": "mouthUpperLipBite{s}", "mouth_lipsBlow": "mouthLipsBlow{s}",
    "mouth_lipsPressU": "mouthLipsPress{s}", "mouth_lipsTogetherD": "mouthLipsTogetherD{s}",
    "mouth_lipsTogetherU": "mouthLipsTogetherU{s}",
    "mouth_lipsTowardsTeethD": "mouthLowerLipTowardsTeeth{s}",
    "mouth_lipsTowardsTeethU": "mouthUpperLipTowardsTeeth{s}",
    "mouth_lowerLipDepress": "mouthLowerLipDepress{s}", "mouth_pressD": "mouthPressD{s}",
    "mouth_pressU": "mouthPressU{s}", "mouth_purseD": "mouthLipsPurseD{s}",
    "mouth_purseU": "mouthLipsPurseU{s}", "mouth_sharpCornerPull": "mouthSharpCornerPull{s}",
    "mouth_stickyInnerD": "mouthStickyDIN{s}", "mouth_stickyInnerU": "mouthStickyUIN{s}",
    "mouth_stickyOuterD": "mouthStickyDOUT{s}", "mouth_stickyOuterU": "mouthStickyUOUT{s}",
    "mouth_stretch": "mouthStretch{s}", "mouth_stretchLipsClose": "mouthStretchLipsClose{s}",
    "mouth_tightenD": "mouthLipsTightenD{s}", "mouth_tightenU": "mouthLipsTightenU{s}",
    "mouth_towardsD": "mouthLipsTowardsD{s}", "mouth_towardsU": "mouthLipsTowardsU{s}",
    "mouth_upperLipRaise": "mouthUpperLipRaise{s}",
    "neck_mastoidContract": "neckMastoidContract{s}", "neck_stretch": "neckStretch{s}",
    "nose_nasolabialDeepen": "noseNasolabialDeepen{s}", "nose_wrinkleUpper": "noseWrinkleUpper{s}",
}


def default_table() -> CurveTable:
    """The built-in table: every board channel except the four settings feeds curves."""
    segments: list[Segment] = []
    for control, (positive, negative) in _CENTRE_SPLIT.items():
        segments += _split(control, positive, negative)
    for control, curve in _CENTRE_COPY.items():
        segments += _copy(control, curve)
    segments += _phases("CTRL_C_neck_swallow-translateY", "neckSwallowPh{k}", NECK_SWALLOW_PEAKS)
    for side in "LR":
        for part, (positive, negative) in _SIDED_SPLIT.items():
            segments += _split(f"CTRL_{side}_{part}", (positive.format(s=side),), (negative.format(s=side),))
        for part, curve in _SIDED_COPY.items():
            segments += _copy(f"CTRL_{side}_{part}-translateY", curve.format(s=side))
        segments += _phases(
            f"CTRL_{side}_mouth_lipSticky-translateY", f"mouthLipsSticky{side}Ph{{k}}", LIP_STICKY_PEAKS
        )
    return CurveTable(sorted(segments, key=lambda s: s.control))


def _check_default_rules() -> None:
    """Every animated control is mapped once, split iff its slider is two-sided."""
    table = default_table()
    fed = {s.control for s in table.segments}
    for c in CONTROLS:
        is_setting = split_channel(c.name)[0] in SETTING_NODES
        assert (c.index in fed) != is_setting, c.name
        negative = any(s.lo < 0 for s in table.segments if s.control == c.index)
        assert negative == c.two_sided, c.name


_check_default_rules()


def _number(entry: dict, key: str, where: str) -> float:
    try:
        value = float(entry[key])
    except KeyError:
        raise MedtalkError(f"{where}: missing {key!r}") from None
    except (TypeError, ValueError):
        raise MedtalkError(f"{where}: {key!r} must be a number, got {entry[key]!r}") from None
    if not math.isfinite(value):
        raise MedtalkError(f"{where}: {key!r} must be finite")
    return value


def load_table(path: Path) -> CurveTable:
    """Read a user table (layout in the module docstring); one-line errors name the bad entry."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError:
        raise MedtalkError(f"{path}: no such file") from None
    except (ValueError, UnicodeDecodeError) as err:
        raise MedtalkError(f"{path}: not valid JSON ({err})") from None
    entries = doc.get("segments") if isinstance(doc, dict) else None
    if not isinstance(entries, list) or not entries:
        raise MedtalkError(f'{path}: expected {{"segments": [...]}} with at least one segment')
    segments = []
    for n, entry in enumerate(entries):
        where = f"{path}: segment {n}"
        if not isinstance(entry, dict):
            raise MedtalkError(f"{where}: expected an object")
        try:
            control = index(str(entry.get("control", "")))
        except MedtalkError as err:
            raise MedtalkError(f"{where}: {err}") from None
        curve = str(entry.get("curve", "")).replace(".", "_")
        if not curve:
            raise MedtalkError(f"{where}: missing 'curve'")
        lo, hi = _number(entry, "from", where), _number(entry, "to", where)
        if lo > hi:
            raise MedtalkError(f"{where}: 'from' ({lo:g}) is above 'to' ({hi:g})")
        slope, cut = _number(entry, "slope", where), _number(entry, "cut", where)
        segments.append(Segment(control, curve, lo, hi, slope, cut))
    return CurveTable(segments)
