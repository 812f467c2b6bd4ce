"""Unreal Engine: baked ``CTRL_expressions_*`` curves and face-board keys.

Three files, no Maya round trip:

- ``<name>_expressions.csv``: the raw expression curves (``time`` + one column
  per curve), the standard representation of MetaHuman facial animation;
- ``<name>_unreal_anim.py``: editor Python that creates an AnimSequence on the
  face skeleton and keys every curve at the rig's frame rate
  (``AnimationLibrary.add_curve`` + ``add_float_curve_keys``);
- ``<name>_unreal_ctrlrig.py``: editor Python that keys the
  ``Face_ControlBoard_CtrlRig`` controls of the open Level Sequence
  (``ControlRigSequencerLibrary.set_local_control_rig_floats/_vector2ds``),
  reading ``<name>_board.csv``.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import numpy as np

from medtalk.export.job import ExportJob
from medtalk.export.names import UE56_MARKER, UE56_RENAMES, board_channels
from medtalk.export.scripts import render
from medtalk.rig import format_rows

FACE_BOARD_RIG = "Face_ControlBoard_CtrlRig"
# NTSC rates are n*1000/1001: a denominator up to 1001 represents them exactly
MAX_RATE_DENOMINATOR = 1001


def frame_rate(fps: float) -> tuple[int, int]:
    """``fps`` as Unreal's FrameRate (numerator, denominator): 59.94 -> (2997, 50)."""
    rate = Fraction(fps).limit_denominator(MAX_RATE_DENOMINATOR)
    return rate.numerator, rate.denominator


def asset_name(name: str) -> str:
    """An Unreal asset name for an export name: ``AS_`` + letters, digits, underscores."""
    return "AS_" + re.sub(r"[^A-Za-z0-9_]", "_", name)


def expressions_csv(job: ExportJob) -> str:
    """``time`` + one column per ``CTRL_expressions_*`` curve, one row per frame."""
    curves = job.table.evaluate(job.rig.values)
    times = np.arange(job.rig.num_frames) / job.rig.fps
    return "time," + ",".join(job.table.curve_names) + "\n" + format_rows(curves, times)


def write_expressions_csv(job: ExportJob, path: Path) -> None:
    text = expressions_csv(job)
    path.write_text(text)


def write_curve_table(job: ExportJob, path: Path) -> None:
    """The board->curve table used, as a starting point for a character's own."""
    path.write_text(json.dumps(job.table.to_json(), indent=1) + "\n")


def write_anim_script(job: ExportJob, path: Path) -> None:
    config = {
        "data_file": job.paths["expressions-csv"].name,
        "export_dir": str(job.export_dir),
        "skeleton": job.options.skeleton,
        "content_path": job.options.content_path,
        "asset_name": asset_name(job.name),
        "overwrite": False,
        "frame_rate": list(frame_rate(job.rig.fps)),
        "curves": list(job.table.curve_names),
    }
    text = render(
        "unreal_anim",
        f"medtalk -> Unreal: AnimSequence {config['asset_name']} with CTRL_expressions curves.",
        "Run it in the Unreal Editor (Python plugin on): Tools > Execute Python Script, or "
        f"`py \"{job.paths['unreal-anim'].name}\"` in the Output Log. "
        f"It reads {config['data_file']} from its folder.",
        config,
    )
    path.write_text(text)


def write_ctrlrig_script(job: ExportJob, path: Path) -> None:
    config = {
        "data_file": job.paths["board-csv"].name,
        "export_dir": str(job.export_dir),
        "level_sequence": job.options.level_sequence,
        "control_rig": FACE_BOARD_RIG,
        "frame_rate": list(frame_rate(job.rig.fps)),
        "renamed_board_marker": UE56_MARKER,
        "renames": dict(UE56_RENAMES),
        "channels": board_channels(),
    }
    text = render(
        "unreal_ctrlrig",
        f"medtalk -> Unreal: key the {FACE_BOARD_RIG} controls in a Level Sequence.",
        "Open the Level Sequence with your MetaHuman (face board track present), then run it: "
        f"Tools > Execute Python Script, or `py \"{job.paths['unreal-ctrlrig'].name}\"`. "
        f"It reads {config['data_file']}.",
        config,
    )
    path.write_text(text)
