"""Unreal: the expressions CSV (golden), and both editor scripts run against the fake ``unreal``."""

from __future__ import annotations

import csv
import json
import shutil

import numpy as np
import pytest
from export_samples import assert_golden, golden_rig, random_rig
from fakes import installed, run_script

from medtalk.export import ExportOptions, export_rig
from medtalk.export.curves import default_table
from medtalk.export.job import DEFAULT_SKELETON
from medtalk.export.names import UE56_RENAMES, board_channels
from medtalk.export.unreal import frame_rate
from medtalk.rig import CONTROL_NAMES


@pytest.fixture
def unreal():
    with installed("unreal") as module:
        module.ASSETS[DEFAULT_SKELETON] = module.Skeleton()
        yield module


def read_csv(path):
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], np.array(rows[1:], dtype=np.float64)


def test_expressions_csv_matches_golden_file(tmp_path):
    (path,) = export_rig(golden_rig(), "expressions-csv", tmp_path, "golden")
    assert path.name == "golden_expressions.csv"
    assert_golden("export_expressions.csv", path.read_text())


def test_expressions_csv_holds_the_evaluated_table(tmp_path):
    rig = random_rig(30, seed=3)
    (path,) = export_rig(rig, "expressions-csv", tmp_path, "take")
    header, data = read_csv(path)
    assert header == ["time", *default_table().curve_names]
    np.testing.assert_allclose(data[:, 0], np.arange(30) / 60, atol=1e-6)
    np.testing.assert_allclose(data[:, 1:], default_table().evaluate(rig.values), atol=1e-6)


def test_generated_scripts_are_valid_python(tmp_path):
    for path in export_rig(random_rig(5), "unreal", tmp_path, "take"):
        if path.suffix == ".py":
            compile(path.read_text(), str(path), "exec")


def test_anim_script_creates_a_sequence_with_every_curve_keyed(unreal, tmp_path):
    rig = random_rig(40, seed=1)
    export_rig(rig, "unreal", tmp_path, "take")
    run_script(tmp_path / "take_unreal_anim.py")

    sequence = unreal.ASSETS["/Game/MedTalk/AS_take"]
    assert sequence.get_editor_property("skeleton") is unreal.ASSETS[DEFAULT_SKELETON]
    controller = sequence.get_editor_property("controller")
    assert (controller.frame_rate.numerator, controller.frame_rate.denominator) == (60, 1)
    assert controller.number_of_frames == 39 and controller.open_brackets == 0
    table = default_table()
    assert list(sequence.curves) == list(table.curve_names)
    expected = table.evaluate(rig.values)
    for k, name in enumerate(table.curve_names):
        curve = sequence.curves[name]
        assert curve["type"] is unreal.RawCurveTrackTypes.RCT_FLOAT
        assert curve["times"] == [i / 60 for i in range(40)]
        np.testing.assert_allclose(curve["values"], expected[:, k], atol=1e-6)
    assert sequence.saved


def test_anim_script_uses_the_chosen_skeleton_path_rate_and_table(unreal, tmp_path):
    unreal.ASSETS["/Game/Chars/Ada/Face_Skeleton"] = skeleton = unreal.Skeleton()
    table = tmp_path / "dna_table.json"
    table.write_text(json.dumps({"segments": [
        {"control": "CTRL_C_jaw.ty", "curve": "CTRL_expressions_jawOpen", "from": 0, "to": 1, "slope": 0.5, "cut": 0}]}))
    rig = random_rig(60, seed=2)
    options = ExportOptions(skeleton="/Game/Chars/Ada/Face_Skeleton", content_path="/Game/Anim/",
                            curve_table=table)
    export_rig(rig, "unreal", tmp_path / "out", "line 1", fps=30, options=options)
    run_script(tmp_path / "out" / "line 1_unreal_anim.py")

    sequence = unreal.ASSETS["/Game/Anim/AS_line_1"]
    assert sequence.get_editor_property("skeleton") is skeleton
    controller = sequence.get_editor_property("controller")
    assert (controller.frame_rate.numerator, controller.frame_rate.denominator) == (30, 1)
    assert list(sequence.curves) == ["CTRL_expressions_jawOpen"]
    jaw = rig.resample(30)["CTRL_C_jaw.ty"]
    np.testing.assert_allclose(sequence.curves["CTRL_expressions_jawOpen"]["values"], 0.5 * np.clip(jaw, 0, 1),
                               atol=1e-6)
    assert sequence.curves["CTRL_expressions_jawOpen"]["times"][-1] == pytest.approx(29 / 30)


def test_anim_script_refuses_a_missing_skeleton_or_an_existing_asset(unreal, tmp_path):
    export_rig(random_rig(5), "unreal", tmp_path, "take", options=ExportOptions(skeleton="/Game/Nope"))
    with pytest.raises(RuntimeError, match="no skeleton at /Game/Nope"):
        run_script(tmp_path / "take_unreal_anim.py")
    export_rig(random_rig(5), "unreal", tmp_path, "take", force=True)
    unreal.ASSETS["/Game/MedTalk/AS_take"] = existing = object()
    with pytest.raises(RuntimeError, match="exists"):
        run_script(tmp_path / "take_unreal_anim.py")
    assert unreal.ASSETS["/Game/MedTalk/AS_take"] is existing


def test_scripts_find_their_data_from_a_copied_location(unreal, tmp_path):
    export_rig(random_rig(5), "unreal", tmp_path / "export", "take")
    (tmp_path / "elsewhere").mkdir()
    moved = shutil.copy(tmp_path / "export" / "take_unreal_anim.py", tmp_path / "elsewhere")
    run_script(moved)  # not next to the CSV: falls back to the folder it was exported to
    assert "/Game/MedTalk/AS_take" in unreal.ASSETS


def face_board(unreal, renamed: bool = False):
    """A face-board control rig with the legacy controls, or the UE 5.6 names."""
    axes: dict[str, int] = {}
    for _, node, _ in board_channels():
        axes[node] = axes.get(node, 0) + 1
    controls = {node: "vector2d" if n == 2 else "float" for node, n in axes.items()}
    if renamed:
        controls = {UE56_RENAMES.get(node, node): kind for node, kind in controls.items()}
        controls |= {"CTRL_C_tongue_roll": "float", "CTRL_C_tongue_thickThin": "float"}  # new in 5.6
    controls["CTRL_lookAtSwitch"] = "float"
    return unreal.ControlRig("Face_ControlBoard_CtrlRig_C", controls)


def test_control_rig_script_keys_every_board_control(unreal, tmp_path):
    rig = random_rig(25, seed=4)
    body = unreal.ControlRig("MetaHuman_ControlRig_C", {})
    board = face_board(unreal)
    unreal.current_level_sequence = sequence = unreal.LevelSequence([body, board])
    export_rig(rig, "unreal", tmp_path, "take")
    run_script(tmp_path / "take_unreal_ctrlrig.py")

    assert (sequence.display_rate.numerator, sequence.display_rate.denominator) == (60, 1)
    assert sequence.playback == [0, 25]
    assert body.keys == {} and "CTRL_lookAtSwitch" not in board.keys
    assert len(board.keys) == len({node for _, node, _ in board_channels()})
    for column, node, attribute in board_channels():
        frames, values = board.keys[node]
        assert frames == list(range(25))
        if isinstance(values[0], unreal.Vector2D):
            got = [v.x if attribute == "translateX" else v.y for v in values]
        else:
            got = values
        np.testing.assert_allclose(got, rig.values[:, CONTROL_NAMES.index(column)], atol=1e-6)


def test_control_rig_script_renames_tongue_controls_on_a_ue56_board(unreal, tmp_path):
    rig = random_rig(10, seed=5)
    board = face_board(unreal, renamed=True)
    unreal.ASSETS["/Game/Seq/Shot"] = unreal.LevelSequence([board])
    export_rig(rig, "unreal", tmp_path, "take", options=ExportOptions(level_sequence="/Game/Seq/Shot"))
    run_script(tmp_path / "take_unreal_ctrlrig.py")

    assert "CTRL_C_tongue_roll" not in board.keys and "CTRL_C_tongue_thickThin" not in board.keys
    frames, values = board.keys["CTRL_C_tongue_bendTwist"]  # the legacy two-axis tongue_roll
    np.testing.assert_allclose([v.x for v in values], rig["CTRL_C_tongue_roll-translateX"], atol=1e-6)
    np.testing.assert_allclose(board.keys["CTRL_C_tongue_wideNarrow"][1], rig["CTRL_C_tongue_narrowWide.ty"],
                               atol=1e-6)
    assert {"CTRL_C_tongue_move", "CTRL_C_tongue_tipMove"} <= set(board.keys)


def test_control_rig_script_needs_a_sequence_with_a_face_board(unreal, tmp_path):
    export_rig(random_rig(5), "unreal", tmp_path, "take")
    with pytest.raises(RuntimeError, match="open the Level Sequence"):
        run_script(tmp_path / "take_unreal_ctrlrig.py")
    unreal.current_level_sequence = unreal.LevelSequence([])
    with pytest.raises(RuntimeError, match="no Face_ControlBoard_CtrlRig track"):
        run_script(tmp_path / "take_unreal_ctrlrig.py")


@pytest.mark.parametrize("fps, rate", [(60, (60, 1)), (24, (24, 1)), (59.94, (2997, 50)),
                                       (60000 / 1001, (60000, 1001)), (29.97, (2997, 100))])
def test_frame_rate_fraction(fps, rate):
    assert frame_rate(fps) == rate
