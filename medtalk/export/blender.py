"""Blender: a script that builds an Action on a mesh's ARKit-named shape keys.

``<name>_blender.py`` reads the Live Link Face CSV (``<name>_arkit.csv``) by
column name and creates one F-curve per shape key
(``key_blocks["eyeBlinkLeft"].value``) with ``keyframe_points.add(n)`` and
``foreach_set("co", ...)``, and sets the scene's frame rate and range. Shape
keys are the ARKit names (``eyeBlinkLeft``) unless a JSON map says otherwise::

    {"eyeBlinkLeft": "Eye_Blink_L", "tongueOut": null}

(``null`` leaves a shape out; names not in the map keep their ARKit name).
"""

from __future__ import annotations

import json
from pathlib import Path

from medtalk.errors import MedtalkError
from medtalk.export.arkit import ARKIT_NAMES, camel
from medtalk.export.job import ExportJob
from medtalk.export.scripts import render


def load_shape_key_map(path: Path | None) -> dict[str, str | None]:
    """ARKit name (camelCase) -> shape key name or None, from a user JSON file."""
    if path is None:
        return {}
    try:
        doc = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise MedtalkError(f"{path}: no such file") from None
    except (ValueError, UnicodeDecodeError) as err:
        raise MedtalkError(f"{path}: not valid JSON ({err})") from None
    if not isinstance(doc, dict):
        raise MedtalkError(f'{path}: expected an object like {{"eyeBlinkLeft": "Eye_Blink_L"}}')
    known = {camel(n) for n in ARKIT_NAMES}
    mapping: dict[str, str | None] = {}
    for key, value in doc.items():
        if camel(str(key)) not in known:
            raise MedtalkError(f"{path}: {key!r} is not an ARKit blendshape name")
        if value is not None and (not isinstance(value, str) or not value):
            raise MedtalkError(f"{path}: the shape key for {key!r} must be a name or null")
        mapping[camel(str(key))] = value
    return mapping


def shape_columns(mapping: dict[str, str | None]) -> dict[str, str]:
    """Live Link Face CSV column -> shape key, for the 52 shapes the map keeps."""
    columns = {}
    for name in ARKIT_NAMES:
        shape = mapping.get(camel(name), camel(name))
        if shape is not None:
            columns[name] = shape
    return columns


def write_script(job: ExportJob, path: Path) -> None:
    config = {
        "data_file": job.paths["arkit-csv"].name,
        "export_dir": str(job.export_dir),
        "mesh": job.options.mesh,
        "action_name": f"medtalk_{job.name}",
        "fps": job.rig.fps,
        "start_frame": job.options.start_frame,
        "shapes": shape_columns(load_shape_key_map(job.options.shape_key_map)),
    }
    text = render(
        "blender_action",
        "medtalk -> Blender: an Action on ARKit-named shape keys.",
        "Select the head mesh, open this file in the Text Editor and press Run Script (or "
        f"`blender file.blend --python {job.paths['blender'].name}`). It reads {config['data_file']}.",
        config,
    )
    path.write_text(text)
