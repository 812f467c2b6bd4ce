"""Board -> ARKit 52 and the Live Link Face CSV (column order by name, timecode, golden file)."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from export_samples import assert_golden, golden_rig

from medtalk.export.arkit import (
    ARKIT_NAMES, CSV_COLUMNS, EYE_PITCH_RANGE, EYE_YAW_RANGE, FRAME_NAMES, csv_text, timecode, to_arkit,
)
from medtalk.rig import REST_POSE, index

# Unreal's EARFaceBlendShape order, written out independently of the module under test
EAR_ORDER = """EyeBlinkLeft EyeLookDownLeft EyeLookInLeft EyeLookOutLeft EyeLookUpLeft EyeSquintLeft EyeWideLeft
EyeBlinkRight EyeLookDownRight EyeLookInRight EyeLookOutRight EyeLookUpRight EyeSquintRight EyeWideRight
JawForward JawLeft JawRight JawOpen MouthClose MouthFunnel MouthPucker MouthLeft MouthRight MouthSmileLeft
MouthSmileRight MouthFrownLeft MouthFrownRight MouthDimpleLeft MouthDimpleRight MouthStretchLeft
MouthStretchRight MouthRollLower MouthRollUpper MouthShrugLower MouthShrugUpper MouthPressLeft MouthPressRight
MouthLowerDownLeft MouthLowerDownRight MouthUpperUpLeft MouthUpperUpRight BrowDownLeft BrowDownRight BrowInnerUp
BrowOuterUpLeft BrowOuterUpRight CheekPuff CheekSquintLeft CheekSquintRight NoseSneerLeft NoseSneerRight
TongueOut HeadYaw HeadPitch HeadRoll LeftEyeYaw LeftEyePitch LeftEyeRoll RightEyeYaw RightEyePitch
RightEyeRoll""".split()


def shapes(settings: dict[str, float]) -> dict[str, float]:
    """ARKit values (one frame, zeros left out) for a rest board with ``settings`` applied."""
    board = REST_POSE.copy()
    for name, value in settings.items():
        board[index(name)] = value
    row = to_arkit(board[None])[0]
    return {n: float(v) for n, v in zip(FRAME_NAMES, row) if abs(v) > 1e-7}


def test_frame_layout_is_unreals_order():
    assert list(FRAME_NAMES) == EAR_ORDER
    assert len(ARKIT_NAMES) == 52


def test_csv_columns_swap_jaw_and_mouth_left_right_only():
    moved = [(a, b) for a, b in zip(FRAME_NAMES, CSV_COLUMNS) if a != b]
    assert moved == [("JawLeft", "JawRight"), ("JawRight", "JawLeft"), ("MouthLeft", "MouthRight"),
                     ("MouthRight", "MouthLeft")]


def test_rest_is_neutral():
    assert shapes({}) == {}


def test_blink_and_wide_are_the_two_parts_of_eye_blink():
    assert shapes({"CTRL_L_eye_blink.ty": 0.7}) == pytest.approx({"EyeBlinkLeft": 0.7})
    assert shapes({"CTRL_R_eye_blink.ty": -0.4}) == pytest.approx({"EyeWideRight": 0.4})


def test_gaze_sums_the_eye_and_centre_controls_and_mirrors_in_out():
    up = shapes({"CTRL_L_eye.ty": 0.2, "CTRL_C_eye.ty": 0.3})
    assert up == pytest.approx({"EyeLookUpLeft": 0.5, "EyeLookUpRight": 0.3,
                                "LeftEyePitch": 0.5 * EYE_PITCH_RANGE, "RightEyePitch": 0.3 * EYE_PITCH_RANGE})
    left = shapes({"CTRL_C_eye.tx": 0.6})  # both eyes look to the character's left
    assert left == pytest.approx({"EyeLookOutLeft": 0.6, "EyeLookInRight": 0.6,
                                  "LeftEyeYaw": 0.6 * EYE_YAW_RANGE, "RightEyeYaw": 0.6 * EYE_YAW_RANGE})
    cancelled = shapes({"CTRL_C_eye.ty": 0.4, "CTRL_R_eye.ty": -0.4})
    assert cancelled == pytest.approx({"EyeLookUpLeft": 0.4, "LeftEyePitch": 0.4 * EYE_PITCH_RANGE})


def test_means_of_pairs():
    assert shapes({"CTRL_L_brow_raiseIn.ty": 0.6, "CTRL_R_brow_raiseIn.ty": 0.2}) == pytest.approx(
        {"BrowInnerUp": 0.4})
    assert shapes({"CTRL_R_mouth_pressU.ty": 1.0, "CTRL_R_mouth_pressD.ty": 0.5}) == pytest.approx(
        {"MouthPressRight": 0.75})
    assert shapes({"CTRL_L_mouth_purseU.ty": 0.8}) == pytest.approx({"MouthPucker": 0.2})


def test_mouth_close_needs_an_open_jaw():
    together = {f"CTRL_{s}_mouth_lipsTogether{ud}.ty": 0.8 for s in "LR" for ud in "UD"}
    assert shapes(together) == {}
    assert shapes({**together, "CTRL_C_jaw.ty": 0.3}) == pytest.approx({"JawOpen": 0.3, "MouthClose": 0.3})
    assert shapes({**together, "CTRL_C_jaw.ty": 0.9})["MouthClose"] == pytest.approx(0.8)


def test_jaw_mouth_tongue_cheek_nose_parts():
    assert shapes({"CTRL_C_jaw.tx": -0.3}) == pytest.approx({"JawLeft": 0.3})
    assert shapes({"CTRL_C_jaw_fwdBack.ty": -0.5}) == pytest.approx({"JawForward": 0.5})
    assert shapes({"CTRL_C_jaw_fwdBack.ty": 0.5}) == {}
    assert shapes({"CTRL_C_mouth.tx": -0.6}) == pytest.approx({"MouthRight": 0.6})
    assert shapes({"CTRL_C_tongue_inOut.ty": -0.5}) == pytest.approx({"TongueOut": 0.5})
    assert shapes({"CTRL_L_mouth_suckBlow.ty": 0.8}) == pytest.approx({"CheekPuff": 0.4})
    assert shapes({"CTRL_L_nose.ty": 0.5, "CTRL_R_nose.ty": -0.5}) == pytest.approx({"NoseSneerLeft": 0.5})


def test_shapes_are_clamped():
    assert shapes({"CTRL_L_eye_blink.ty": 1.04}) == pytest.approx({"EyeBlinkLeft": 1.0})
    rng = np.random.default_rng(0)
    out = to_arkit(rng.uniform(-1.5, 1.5, size=(40, 174)).astype(np.float32))
    assert out[:, :52].min() >= 0 and out[:, :52].max() <= 1


@pytest.mark.parametrize("frame, fps, expected", [
    (0, 60, "00:00:00:00.000"),
    (59, 60, "00:00:00:59.000"),
    (60, 60, "00:00:01:00.000"),
    (3600 * 60 + 61, 60, "01:00:01:01.000"),
    (1, 30, "00:00:00:01.000"),
    (7, 59.94, "00:00:00:07.007"),  # NTSC: frames on the 60 fps grid, sub-frame in thousandths
])
def test_timecode(frame, fps, expected):
    assert timecode(frame, fps) == expected


def test_csv_maps_columns_by_name():
    rig = golden_rig()
    rows = list(csv.DictReader(io.StringIO(csv_text(to_arkit(rig.values), rig.fps))))
    assert len(rows) == rig.num_frames and rows[1]["BlendShapeCount"] == "61"
    assert float(rows[2]["JawLeft"]) == pytest.approx(0.3) and float(rows[2]["JawRight"]) == 0
    assert float(rows[1]["MouthRight"]) == pytest.approx(0.6) and float(rows[1]["MouthLeft"]) == 0
    assert [r["Timecode"] for r in rows] == [f"00:00:00:{f:02d}.000" for f in range(4)]


def test_csv_matches_golden_file():
    rig = golden_rig()
    assert_golden("export_arkit.csv", csv_text(to_arkit(rig.values), rig.fps))
