"""Maya: the generated script keys the face board through the fake maya.cmds / maya.api."""

from __future__ import annotations

import numpy as np
import pytest
from export_samples import random_rig
from fakes import installed, run_script

from medtalk.errors import MedtalkError
from medtalk.export import ExportOptions, export_rig
from medtalk.export.maya import time_unit
from medtalk.export.names import UE56_RENAMES, board_channels


@pytest.fixture
def maya():
    with installed("maya") as module:
        yield module.SCENE


def add_board(scene, namespace: str = "", renamed: bool = False) -> None:
    prefix = f"{namespace}:" if namespace else ""
    for _, node, attribute in board_channels():
        node = UE56_RENAMES.get(node, node) if renamed else node
        scene.add_node(prefix + node, (attribute,))
    scene.add_node(prefix + "CTRL_lookAtSwitch", ("translateY",))
    if renamed:
        scene.add_node(prefix + "CTRL_C_tongue_roll", ("translateY",))  # the new one-axis control


def test_script_is_valid_python(tmp_path):
    (board, script) = export_rig(random_rig(3), "maya", tmp_path, "take")
    assert board.name == "take_board.csv" and script.name == "take_maya.py"
    compile(script.read_text(), str(script), "exec")


def test_script_keys_all_animated_board_attributes_in_bulk(maya, tmp_path):
    rig = random_rig(30, seed=1)
    add_board(maya, "ada")
    export_rig(rig, "maya", tmp_path, "take", options=ExportOptions(namespace="ada"))
    run_script(tmp_path / "take_maya.py")

    assert maya.time_unit == "ntscf" and maya.fps() == 60
    assert maya.playback == {"minTime": 0, "maxTime": 29, "animationStartTime": 0, "animationEndTime": 29}
    assert len(maya.curves) == 170 and "ada:CTRL_lookAtSwitch.translateY" not in maya.curves
    for column, node, attribute in board_channels():
        curve = maya.curves[f"ada:{node}.{attribute}"]
        assert curve["via"] == "api"
        assert curve["frames"] == list(range(30))
        np.testing.assert_allclose(curve["values"], rig[column], atol=1e-6)


def test_script_falls_back_to_set_keyframe_where_bulk_keying_fails(maya, tmp_path):
    rig = random_rig(8, seed=2)
    add_board(maya)
    maya.locked.add("CTRL_C_jaw.translateY")
    export_rig(rig, "maya", tmp_path, "take", fps=24, options=ExportOptions(start_frame=1))
    run_script(tmp_path / "take_maya.py")

    assert maya.time_unit == "film"
    resampled = rig.resample(24)
    jaw = maya.curves["CTRL_C_jaw.translateY"]
    assert jaw["via"] == "cmds" and jaw["frames"] == [float(f) for f in range(1, resampled.num_frames + 1)]
    np.testing.assert_allclose(jaw["values"], resampled["CTRL_C_jaw.ty"], atol=1e-6)
    assert maya.curves["CTRL_C_jaw.translateX"]["via"] == "api"


def test_script_rekeys_instead_of_stacking_keys(maya, tmp_path):
    add_board(maya)
    export_rig(random_rig(6, seed=3), "maya", tmp_path, "take")
    run_script(tmp_path / "take_maya.py")
    run_script(tmp_path / "take_maya.py")
    assert maya.curves["CTRL_L_brow_down.translateY"]["frames"] == list(range(6))


def test_script_renames_tongue_controls_on_a_ue56_board(maya, tmp_path):
    rig = random_rig(5, seed=4)
    add_board(maya, renamed=True)
    export_rig(rig, "maya", tmp_path, "take")
    run_script(tmp_path / "take_maya.py")
    assert "CTRL_C_tongue_roll.translateY" not in maya.curves
    np.testing.assert_allclose(maya.curves["CTRL_C_tongue_bendTwist.translateX"]["values"],
                               rig["CTRL_C_tongue_roll-translateX"], atol=1e-6)
    assert len(maya.curves) == 170


def test_missing_controls_are_reported_not_fatal(maya, tmp_path, capsys):
    add_board(maya, "wrong")
    export_rig(random_rig(4), "maya", tmp_path, "take", options=ExportOptions(namespace="ada"))
    run_script(tmp_path / "take_maya.py")
    assert maya.curves == {}
    assert "170 board attributes not found, e.g. ada:CTRL_C_eye.translateX" in capsys.readouterr().out


@pytest.mark.parametrize("fps, unit", [(60, "ntscf"), (24, "film"), (25, "pal"), (30, "ntsc"), (50, "palf"),
                                       (120, "120fps"), (59.94, "59.94fps"), (23.976, "23.976fps")])
def test_time_units(fps, unit):
    assert time_unit(fps) == unit


def test_rates_maya_cannot_represent_are_a_one_line_error(tmp_path):
    with pytest.raises(MedtalkError, match="no time unit for 37 fps"):
        export_rig(random_rig(4), "maya", tmp_path, "take", fps=37)
    assert list(tmp_path.iterdir()) == []  # nothing half-written
