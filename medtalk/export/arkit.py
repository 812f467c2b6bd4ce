"""Face board -> the 52 ARKit blendshapes, and the Live Link Face CSV.

The conversion is lossy (170 board channels become 52 shapes) and follows
INTEGRATION.md: with ``p``/``n`` the positive/negative part of a two-sided
slider, e.g. ``eyeBlinkLeft = p(L_eye_blink)``, ``eyeWideLeft = n(L_eye_blink)``,
gaze from the eye control plus the centre eye control, ``browInnerUp`` the mean
of both ``brow_raiseIn``, ``mouthClose = min(jawOpen, mean lipsTogether)``.
Board values are clamped to their slider range first; shapes to [0, 1].

A frame is 61 values: the 52 shapes in Unreal's ``EARFaceBlendShape`` order,
then head yaw/pitch/roll and the yaw/pitch/roll of each eye, in radians. The
board has no head, so head angles are 0; eye angles follow the gaze sliders,
scaled by :data:`EYE_YAW_RANGE` and :data:`EYE_PITCH_RANGE` (eyes also carry
their gaze in the ``eyeLook*`` shapes, which is what most rigs read).

The Live Link Face app's CSV export orders its columns differently (JawRight
before JawLeft, MouthRight before MouthLeft): importers map columns by name and
so do we (:data:`CSV_COLUMNS`). Its timecode is ``HH:MM:SS:FF.fff``: frames
``FF`` at the nominal (integer) rate and the sub-frame in thousandths.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from medtalk.export.job import ExportJob
from medtalk.rig import NUM_CONTROLS, clip_to_range, index

# Unreal's EARFaceBlendShape order: the layout of Live Link Face UDP packets.
ARKIT_NAMES = (
    "EyeBlinkLeft", "EyeLookDownLeft", "EyeLookInLeft", "EyeLookOutLeft", "EyeLookUpLeft",
    "EyeSquintLeft", "EyeWideLeft",
    "EyeBlinkRight", "EyeLookDownRight", "EyeLookInRight", "EyeLookOutRight", "EyeLookUpRight",
    "EyeSquintRight", "EyeWideRight",
    "JawForward", "JawLeft", "JawRight", "JawOpen",
    "MouthClose", "MouthFunnel", "MouthPucker", "MouthLeft", "MouthRight",
    "MouthSmileLeft", "MouthSmileRight", "MouthFrownLeft", "MouthFrownRight",
    "MouthDimpleLeft", "MouthDimpleRight", "MouthStretchLeft", "MouthStretchRight",
    "MouthRollLower", "MouthRollUpper", "MouthShrugLower", "MouthShrugUpper",
    "MouthPressLeft", "MouthPressRight", "MouthLowerDownLeft", "MouthLowerDownRight",
    "MouthUpperUpLeft", "MouthUpperUpRight",
    "BrowDownLeft", "BrowDownRight", "BrowInnerUp", "BrowOuterUpLeft", "BrowOuterUpRight",
    "CheekPuff", "CheekSquintLeft", "CheekSquintRight", "NoseSneerLeft", "NoseSneerRight",
    "TongueOut",
)
ANGLE_NAMES = (
    "HeadYaw", "HeadPitch", "HeadRoll",
    "LeftEyeYaw", "LeftEyePitch", "LeftEyeRoll",
    "RightEyeYaw", "RightEyePitch", "RightEyeRoll",
)
FRAME_NAMES = ARKIT_NAMES + ANGLE_NAMES
NUM_VALUES = len(FRAME_NAMES)
assert len(ARKIT_NAMES) == 52 and NUM_VALUES == 61

_CSV_SWAPS = {
    "JawLeft": "JawRight", "JawRight": "JawLeft", "MouthLeft": "MouthRight", "MouthRight": "MouthLeft",
}
# The Live Link Face app's CSV export column order (after Timecode, BlendShapeCount).
CSV_COLUMNS = tuple(_CSV_SWAPS.get(n, n) for n in FRAME_NAMES)

EYE_YAW_RANGE = math.radians(30.0)  # rad of eye yaw at a full gaze slider (eye.tx = +-1)
EYE_PITCH_RANGE = math.radians(20.0)  # rad of eye pitch at eye.ty = +-1


def camel(name: str) -> str:
    """``EyeBlinkLeft`` -> ``eyeBlinkLeft`` (Apple's ARKit / shape-key spelling)."""
    return name[0].lower() + name[1:]


@dataclass(frozen=True)
class _Term:
    """``part`` (v: value, p: positive part, n: negative part) of the sum of controls."""

    controls: tuple[str, ...]
    part: str = "v"


def _t(*controls: str, part: str = "v") -> _Term:
    """Terms are written ``L_eye_blink`` (its translateY) or ``C_jaw.x`` (its translateX)."""
    channels = []
    for spec in controls:
        node, _, axis = spec.partition(".")
        channels.append(f"CTRL_{node}-translate{(axis or 'y').upper()}")
    return _Term(tuple(channels), part)


def _rules() -> dict[str, tuple[_Term, ...]]:
    """ARKit shape -> terms whose mean it is (``mouthClose`` is special-cased)."""
    rules: dict[str, tuple[_Term, ...]] = {}
    for side, word in (("L", "Left"), ("R", "Right")):
        # +tx looks to the character's left: outward for the left eye, inward for the right
        out, inward = ("p", "n") if side == "L" else ("n", "p")
        rules |= {
            f"EyeBlink{word}": (_t(f"{side}_eye_blink", part="p"),),
            f"EyeWide{word}": (_t(f"{side}_eye_blink", part="n"),),
            f"EyeLookUp{word}": (_t(f"{side}_eye", "C_eye", part="p"),),
            f"EyeLookDown{word}": (_t(f"{side}_eye", "C_eye", part="n"),),
            f"EyeLookOut{word}": (_t(f"{side}_eye.x", "C_eye.x", part=out),),
            f"EyeLookIn{word}": (_t(f"{side}_eye.x", "C_eye.x", part=inward),),
            f"EyeSquint{word}": (_t(f"{side}_eye_squintInner"),),
            f"CheekSquint{word}": (_t(f"{side}_eye_cheekRaise"),),
            f"BrowDown{word}": (_t(f"{side}_brow_down"),),
            f"BrowOuterUp{word}": (_t(f"{side}_brow_raiseOut"),),
            f"MouthSmile{word}": (_t(f"{side}_mouth_cornerPull"),),
            f"MouthFrown{word}": (_t(f"{side}_mouth_cornerDepress"),),
            f"MouthDimple{word}": (_t(f"{side}_mouth_dimple"),),
            f"MouthStretch{word}": (_t(f"{side}_mouth_stretch"),),
            f"MouthUpperUp{word}": (_t(f"{side}_mouth_upperLipRaise"),),
            f"MouthLowerDown{word}": (_t(f"{side}_mouth_lowerLipDepress"),),
            f"MouthPress{word}": (_t(f"{side}_mouth_pressU"), _t(f"{side}_mouth_pressD")),
            f"NoseSneer{word}": (_t(f"{side}_nose", part="p"),),
        }
    both = ("L", "R")
    rules |= {
        "BrowInnerUp": tuple(_t(f"{s}_brow_raiseIn") for s in both),
        "JawOpen": (_t("C_jaw"),),
        "JawLeft": (_t("C_jaw.x", part="n"),),
        "JawRight": (_t("C_jaw.x", part="p"),),
        "JawForward": (_t("C_jaw_fwdBack", part="n"),),
        "MouthLeft": (_t("C_mouth.x", part="p"),),
        "MouthRight": (_t("C_mouth.x", part="n"),),
        "MouthFunnel": tuple(_t(f"{s}_mouth_funnel{ud}") for s in both for ud in "UD"),
        "MouthPucker": tuple(_t(f"{s}_mouth_purse{ud}") for s in both for ud in "UD"),
        "MouthRollUpper": tuple(_t(f"{s}_mouth_lipsRollU", part="p") for s in both),
        "MouthRollLower": tuple(_t(f"{s}_mouth_lipsRollD", part="p") for s in both),
        "MouthShrugUpper": tuple(_t(f"{s}_jaw_ChinRaiseU") for s in both),
        "MouthShrugLower": tuple(_t(f"{s}_jaw_ChinRaiseD") for s in both),
        "CheekPuff": tuple(_t(f"{s}_mouth_suckBlow", part="p") for s in both),
        "TongueOut": (_t("C_tongue_inOut", part="n"),),
        "MouthClose": tuple(_t(f"{s}_mouth_lipsTogether{ud}") for s in both for ud in "UD"),
    }
    assert set(rules) == set(ARKIT_NAMES), set(ARKIT_NAMES) ^ set(rules)
    return rules


_RULES = _rules()


def _term(board: np.ndarray, term: _Term) -> np.ndarray:
    total = sum(board[:, index(c)] for c in term.controls)
    if term.part == "p":
        return np.maximum(total, 0.0)
    if term.part == "n":
        return np.maximum(-total, 0.0)
    return total


def to_arkit(values: np.ndarray) -> np.ndarray:
    """ARKit frames ``(T, 61)`` float32 (52 shapes in [0, 1], 9 angles in rad) for board ``(T, 174)``."""
    assert values.ndim == 2 and values.shape[1] == NUM_CONTROLS, values.shape
    board = clip_to_range(values).astype(np.float64)
    out = np.zeros((board.shape[0], NUM_VALUES))
    for k, name in enumerate(ARKIT_NAMES):
        out[:, k] = np.mean([_term(board, t) for t in _RULES[name]], axis=0)
    jaw_open = out[:, ARKIT_NAMES.index("JawOpen")]
    close = ARKIT_NAMES.index("MouthClose")
    out[:, close] = np.minimum(jaw_open, out[:, close])  # lips can only close over an open jaw
    out[:, : len(ARKIT_NAMES)] = np.clip(out[:, : len(ARKIT_NAMES)], 0.0, 1.0)
    for side, word in (("L", "Left"), ("R", "Right")):
        yaw = np.clip(_term(board, _t(f"{side}_eye.x", "C_eye.x")), -1, 1) * EYE_YAW_RANGE
        pitch = np.clip(_term(board, _t(f"{side}_eye", "C_eye")), -1, 1) * EYE_PITCH_RANGE
        out[:, FRAME_NAMES.index(f"{word}EyeYaw")] = yaw
        out[:, FRAME_NAMES.index(f"{word}EyePitch")] = pitch
    return out.astype(np.float32)


def timecode(frame: int, fps: float) -> str:
    """Live Link Face timecode ``HH:MM:SS:FF.fff`` of frame ``frame`` at ``fps``."""
    nominal = max(1, round(fps))
    position = frame * nominal / fps  # in frames of the nominal rate
    whole = math.floor(position + 1e-9)
    sub = min(999, round((position - whole) * 1000))
    seconds, ff = divmod(whole, nominal)
    minutes, ss = divmod(seconds, 60)
    hh, mm = divmod(minutes, 60)
    return f"{hh:02d}:{mm:02d}:{ss:02d}:{ff:02d}.{sub:03d}"


def csv_text(frames: np.ndarray, fps: float) -> str:
    """The Live Link Face CSV of ARKit frames ``(T, 61)`` (columns in the app's order)."""
    order = [FRAME_NAMES.index(n) for n in CSV_COLUMNS]
    row = "{}," + str(NUM_VALUES) + "," + ",".join(["%.6f"] * NUM_VALUES) + "\n"
    lines = ["Timecode,BlendShapeCount," + ",".join(CSV_COLUMNS) + "\n"]
    for t, values in enumerate(frames[:, order].tolist()):
        lines.append(row.format(timecode(t, fps)) % tuple(values))
    return "".join(lines)


def write_csv(job: ExportJob, path: Path) -> None:
    """The job's rig as a Live Link Face CSV."""
    path.write_text(csv_text(to_arkit(job.rig.values), job.rig.fps))
