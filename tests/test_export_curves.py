"""Board -> CTRL_expressions curves: splits, phases, eyes, clamping, settings, user tables."""

from __future__ import annotations

import json

import numpy as np
import pytest

from medtalk.errors import MedtalkError
from medtalk.export.curves import CURVE_PREFIX, default_table, load_table
from medtalk.export.names import SETTING_NODES, UE56_RENAMES, board_channels, split_channel
from medtalk.rig import CONTROL_NAMES, REST_POSE, index


def curves_for(settings: dict[str, float]) -> dict[str, float]:
    """Curve values (one frame) for a rest board with ``settings`` applied; zeros left out."""
    board = REST_POSE.copy()
    for name, value in settings.items():
        board[index(name)] = value
    table = default_table()
    row = table.evaluate(board[None])[0]
    return {name[len(CURVE_PREFIX):]: float(v) for name, v in zip(table.curve_names, row) if v > 1e-6}


def test_rest_pose_gives_no_curves():
    assert curves_for({}) == {}


def test_one_sided_controls_copy_one_to_one():
    assert curves_for({"CTRL_L_brow_raiseIn.ty": 0.4}) == pytest.approx({"browRaiseInL": 0.4})
    assert curves_for({"CTRL_C_jaw.ty": 0.7}) == pytest.approx({"jawOpen": 0.7})
    assert curves_for({"CTRL_R_mouth_cornerPull.ty": 1.0}) == pytest.approx({"mouthCornerPullR": 1.0})


@pytest.mark.parametrize("control, positive, negative", [
    ("CTRL_L_eye_blink.ty", "eyeBlinkL", "eyeWidenL"),
    ("CTRL_C_jaw.tx", "jawRight", "jawLeft"),
    ("CTRL_C_jaw_fwdBack.ty", "jawBack", "jawFwd"),
    ("CTRL_C_mouth.tx", "mouthLeft", "mouthRight"),
    ("CTRL_R_mouth_corner.ty", "mouthCornerUpR", "mouthCornerDownR"),
    ("CTRL_L_mouth_corner.tx", "mouthCornerWideL", "mouthCornerNarrowL"),
    ("CTRL_L_nose.ty", "noseWrinkleL", "noseNostrilDepressL"),
    ("CTRL_R_nose.tx", "noseNostrilDilateR", "noseNostrilCompressR"),
    ("CTRL_L_mouth_suckBlow.ty", "mouthCheekBlowL", "mouthCheekSuckL"),
    ("CTRL_R_mouth_lipsRollU.ty", "mouthUpperLipRollInR", "mouthUpperLipRollOutR"),
    ("CTRL_L_eye_eyelidU.ty", "eyeRelaxL", "eyeUpperLidUpL"),
    ("CTRL_C_tongue_inOut.ty", "tongueIn", "tongueOut"),
])
def test_two_sided_controls_split_into_positive_and_negative_parts(control, positive, negative):
    assert curves_for({control: 0.6}) == pytest.approx({positive: 0.6})
    assert curves_for({control: -0.3}) == pytest.approx({negative: 0.3})
    assert curves_for({control: -1.0}) == pytest.approx({negative: 1.0})  # the end of the slider counts


def triangle(g: float, start: float, peak: float, end: float) -> float:
    if start <= g <= peak:
        return (g - start) / (peak - start)
    if peak < g <= end:
        return (end - g) / (end - peak)
    return 0.0


@pytest.mark.parametrize("g", [0.1, 0.33, 0.5, 0.66, 0.8, 1.0])
def test_lip_sticky_feeds_three_phase_triangles(g):
    got = curves_for({"CTRL_R_mouth_lipSticky.ty": g})
    expected = {
        "mouthLipsStickyRPh1": triangle(g, 0.0, 0.33, 0.66),
        "mouthLipsStickyRPh2": triangle(g, 0.33, 0.66, 1.0),
        "mouthLipsStickyRPh3": triangle(g, 0.66, 1.0, 1.0),
    }
    assert got == pytest.approx({k: v for k, v in expected.items() if v > 1e-7}, abs=1e-6)


def test_lip_sticky_peaks_are_not_counted_twice():
    assert curves_for({"CTRL_L_mouth_lipSticky.ty": 0.66}) == pytest.approx({"mouthLipsStickyLPh2": 1.0})


@pytest.mark.parametrize("g", [0.1, 0.2, 0.3, 0.5, 0.8, 0.9, 1.0])
def test_neck_swallow_feeds_four_phase_triangles(g):
    peaks = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    expected = {f"neckSwallowPh{k}": triangle(g, peaks[k - 1], peaks[k], peaks[k + 1]) for k in range(1, 5)}
    got = curves_for({"CTRL_C_neck_swallow.ty": g})
    assert got == pytest.approx({k: v for k, v in expected.items() if v > 1e-7}, abs=1e-6)


def test_centre_eye_control_adds_to_both_eyes():
    assert curves_for({"CTRL_C_eye.ty": 0.5}) == pytest.approx({"eyeLookUpL": 0.5, "eyeLookUpR": 0.5})
    assert curves_for({"CTRL_C_eye.tx": -0.4}) == pytest.approx({"eyeLookRightL": 0.4, "eyeLookRightR": 0.4})
    both = curves_for({"CTRL_C_eye.ty": 0.3, "CTRL_L_eye.ty": 0.2})
    assert both == pytest.approx({"eyeLookUpL": 0.5, "eyeLookUpR": 0.3})


def test_sums_are_clamped_to_one_and_inputs_to_their_range():
    assert curves_for({"CTRL_C_eye.tx": 0.8, "CTRL_L_eye.tx": 0.7})["eyeLookLeftL"] == 1.0
    # captured rigs stray slightly past the slider end: the board clamps them
    assert curves_for({"CTRL_L_eye_blink.ty": -1.04}) == pytest.approx({"eyeWidenL": 1.0})
    assert curves_for({"CTRL_C_jaw.ty": -0.02}) == {}


def test_each_control_adds_its_own_part_as_riglogic_does():
    got = curves_for({"CTRL_C_eye.ty": 0.4, "CTRL_R_eye.ty": -0.4})
    assert got == pytest.approx({"eyeLookUpL": 0.4, "eyeLookUpR": 0.4, "eyeLookDownR": 0.4})


def test_settings_are_not_animation():
    table = default_table()
    settings = {i for i, n in enumerate(CONTROL_NAMES) if split_channel(n)[0] in SETTING_NODES}
    assert len(settings) == 4
    assert not any(s.control in settings for s in table.segments)
    assert curves_for({"CTRL_lookAtSwitch.ty": 1.0, "CTRL_neckCorrectivesMultiplyerU.ty": 0.1}) == {}


def test_every_animated_channel_feeds_a_curve_and_renames_keep_channels():
    fed = {CONTROL_NAMES[s.control] for s in default_table().segments}
    assert fed == {column for column, _, _ in board_channels()}
    assert len(fed) == 170
    nodes = {node for _, node, _ in board_channels()}
    assert set(UE56_RENAMES) <= nodes  # every renamed legacy control is one we key


def test_curve_names_are_unique_and_prefixed():
    names = default_table().curve_names
    assert len(names) == len(set(names))
    assert all(n.startswith("CTRL_expressions_") for n in names)


def test_output_shape_and_range_on_random_boards():
    rng = np.random.default_rng(0)
    board = rng.uniform(-1.2, 1.2, size=(50, 174)).astype(np.float32)
    out = default_table().evaluate(board)
    assert out.shape == (50, len(default_table().curve_names)) and out.dtype == np.float32
    assert out.min() >= 0.0 and out.max() <= 1.0


def test_user_table_round_trips_and_replaces_the_default(tmp_path):
    path = tmp_path / "table.json"
    path.write_text(json.dumps(default_table().to_json()))
    board = np.random.default_rng(1).uniform(-1, 1, size=(20, 174)).astype(np.float32)
    np.testing.assert_array_equal(load_table(path).evaluate(board), default_table().evaluate(board))

    path.write_text(json.dumps({"segments": [
        {"control": "CTRL_C_jaw.ty", "curve": "CTRL_expressions.jawOpen", "from": 0, "to": 0.5, "slope": 2, "cut": 0},
        {"control": "CTRL_C_jaw-translateY", "curve": "CTRL_expressions_jawOpen", "from": 0.5, "to": 1,
         "slope": 0, "cut": 1},
    ]}))
    table = load_table(path)
    assert table.curve_names == ("CTRL_expressions_jawOpen",)
    jaw = np.tile(REST_POSE, (3, 1))
    jaw[:, index("CTRL_C_jaw.ty")] = [0.1, 0.5, 0.9]
    np.testing.assert_allclose(table.evaluate(jaw)[:, 0], [0.2, 1.0, 1.0])


@pytest.mark.parametrize("doc, message", [
    ("[1, 2]", "expected"),
    ('{"segments": []}', "at least one segment"),
    ('{"segments": [{"control": "CTRL_nope.ty", "curve": "c", "from": 0, "to": 1, "slope": 1, "cut": 0}]}',
     "segment 0: unknown MetaHuman control"),
    ('{"segments": [{"control": "CTRL_C_jaw.ty", "curve": "c", "from": 0, "to": 1, "cut": 0}]}', "missing 'slope'"),
    ('{"segments": [{"control": "CTRL_C_jaw.ty", "curve": "c", "from": 1, "to": 0, "slope": 1, "cut": 0}]}',
     "above 'to'"),
    ('{"segments": [{"control": "CTRL_C_jaw.ty", "curve": "c", "from": "a", "to": 1, "slope": 1, "cut": 0}]}',
     "must be a number"),
    ("{not json", "not valid JSON"),
])
def test_bad_user_tables_are_one_line_errors(tmp_path, doc, message):
    path = tmp_path / "table.json"
    path.write_text(doc)
    with pytest.raises(MedtalkError, match=message) as err:
        load_table(path)
    assert "\n" not in str(err.value)
