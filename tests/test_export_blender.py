"""Blender: the generated script builds an Action on shape keys through the fake bpy."""

from __future__ import annotations

import json

import numpy as np
import pytest
from export_samples import random_rig
from fakes import installed, run_script

from medtalk.errors import MedtalkError
from medtalk.export import ExportOptions, export_rig
from medtalk.export.arkit import ARKIT_NAMES, camel, to_arkit

SHAPES = [camel(n) for n in ARKIT_NAMES]


@pytest.fixture
def bpy():
    with installed("bpy") as module:
        yield module


def head(bpy, shapes=SHAPES, name="Head"):
    obj = bpy.mesh_object(name, shapes)
    bpy.data.objects[name] = obj
    bpy.context.active_object = obj
    return obj


def keyed(obj) -> dict[str, list[tuple[float, float]]]:
    action = obj.data.shape_keys.animation_data.action
    return {c.data_path: c.keyframe_points.co for c in action._curves if c.updated}


def test_script_is_valid_python(tmp_path):
    arkit_csv, script = export_rig(random_rig(3), "blender", tmp_path, "take")
    assert arkit_csv.name == "take_arkit.csv"
    compile(script.read_text(), str(script), "exec")


@pytest.mark.parametrize("version", [(4, 2, 0), (4, 4, 0), (5, 0, 0)])
def test_script_keys_every_arkit_shape_key(bpy, tmp_path, version):
    bpy.VERSION = version  # legacy action.fcurves, both APIs, slotted actions only
    rig = random_rig(20, seed=1)
    obj = head(bpy)
    export_rig(rig, "blender", tmp_path, "take", options=ExportOptions(start_frame=1))
    run_script(tmp_path / "take_blender.py")

    scene = bpy.context.scene
    assert (scene.render.fps, scene.render.fps_base, scene.frame_start, scene.frame_end) == (60, 1.0, 1, 20)
    assert obj.data.shape_keys.animation_data.action.name == "medtalk_take"
    curves = keyed(obj)
    assert len(curves) == 52
    expected = to_arkit(rig.values)
    for k, shape in enumerate(SHAPES):
        points = curves[f'key_blocks["{shape}"].value']
        assert [frame for frame, _ in points] == [float(f) for f in range(1, 21)]
        np.testing.assert_allclose([v for _, v in points], expected[:, k], atol=1e-6)


def test_shape_key_map_renames_and_skips(bpy, tmp_path):
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"EyeBlinkLeft": "Blink_L", "tongueOut": None}))
    names = ["Blink_L" if s == "eyeBlinkLeft" else s for s in SHAPES if s != "tongueOut"]
    obj = head(bpy, names, name="Face")
    bpy.context.active_object = None
    rig = random_rig(10, seed=2)
    export_rig(rig, "blender", tmp_path, "take", fps=30, options=ExportOptions(mesh="Face", shape_key_map=mapping))
    run_script(tmp_path / "take_blender.py")

    assert bpy.context.scene.render.fps == 30
    curves = keyed(obj)
    assert len(curves) == 51 and 'key_blocks["tongueOut"].value' not in curves
    np.testing.assert_allclose([v for _, v in curves['key_blocks["Blink_L"].value']],
                               to_arkit(rig.resample(30).values)[:, 0], atol=1e-6)


def test_ntsc_rates_set_fps_base(bpy, tmp_path):
    head(bpy)
    export_rig(random_rig(10), "blender", tmp_path, "take", fps=59.94)
    run_script(tmp_path / "take_blender.py")
    render = bpy.context.scene.render
    assert render.fps == 60 and render.fps / render.fps_base == pytest.approx(59.94)


def test_missing_shape_keys_are_reported_and_a_mesh_without_keys_fails(bpy, tmp_path, capsys):
    head(bpy, SHAPES[:10])
    export_rig(random_rig(4), "blender", tmp_path, "take")
    run_script(tmp_path / "take_blender.py")
    assert "has no shape key eyeLookOutRight, " in capsys.readouterr().out
    head(bpy, [])
    with pytest.raises(RuntimeError, match="has no shape keys"):
        run_script(tmp_path / "take_blender.py")


@pytest.mark.parametrize("doc, message", [
    ('{"eyeBlinkSideways": "x"}', "not an ARKit blendshape name"),
    ('{"eyeBlinkLeft": 3}', "must be a name or null"),
    ("[]", "expected an object"),
])
def test_bad_shape_key_maps_are_one_line_errors(tmp_path, doc, message):
    mapping = tmp_path / "map.json"
    mapping.write_text(doc)
    with pytest.raises(MedtalkError, match=message):
        export_rig(random_rig(3), "blender", tmp_path / "out", "take", options=ExportOptions(shape_key_map=mapping))
    assert not (tmp_path / "out").exists()  # nor the folder the export would have made
