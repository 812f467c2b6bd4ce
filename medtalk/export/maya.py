"""Maya: a script that keys the face-board attributes of a MetaHuman.

``<name>_maya.py`` keys ``<namespace>:CTRL_*.translateX/Y`` from
``<name>_board.csv``: one anim curve per attribute with all keys set at once
(``maya.api.OpenMayaAnim.MFnAnimCurve.create`` + ``addKeys``), falling back to
``cmds.setKeyframe`` per key where the bulk call fails. The scene's time unit
is set to the rig's frame rate first (60 fps is ``ntscf``).
"""

from __future__ import annotations

from pathlib import Path

from medtalk.errors import MedtalkError
from medtalk.export.job import ExportJob
from medtalk.export.names import UE56_MARKER, UE56_RENAMES, board_channels
from medtalk.export.scripts import render

# Maya's named time units (cmds.currentUnit(time=...)), in frames per second
NAMED_UNITS = {
    15.0: "game", 24.0: "film", 25.0: "pal", 30.0: "ntsc", 48.0: "show", 50.0: "palf", 60.0: "ntscf",
}
# Other rates Maya accepts as "<rate>fps" (Maya 2017 and later)
NUMBERED_UNITS = (
    2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 23.976, 29.97, 40, 47.952, 59.94, 75, 80, 100, 120, 125,
    150, 200, 240, 250, 300, 375, 400, 500, 600, 750, 1200, 1500, 2000, 3000, 6000,
)
RATE_TOLERANCE = 1e-3  # fps; rig rates come from text files with limited digits


def time_unit(fps: float) -> str:
    """Maya's time unit for ``fps`` (60 -> ``ntscf``, 120 -> ``120fps``)."""
    for rate, unit in NAMED_UNITS.items():
        if abs(fps - rate) < RATE_TOLERANCE:
            return unit
    for rate in NUMBERED_UNITS:
        if abs(fps - rate) < RATE_TOLERANCE:
            return f"{rate:g}fps"
    raise MedtalkError(f"Maya has no time unit for {fps:g} fps; resample with --fps 60 (or 24, 25, 30, 50)")


def write_script(job: ExportJob, path: Path) -> None:
    config = {
        "data_file": job.paths["board-csv"].name,
        "export_dir": str(job.export_dir),
        "namespace": job.options.namespace,
        "time_unit": time_unit(job.rig.fps),
        "start_frame": job.options.start_frame,
        "bulk": True,
        "renamed_board_marker": UE56_MARKER,
        "renames": dict(UE56_RENAMES),
        "channels": board_channels(),
    }
    text = render(
        "maya_keys",
        "medtalk -> Maya: key the MetaHuman face board.",
        "In the Script Editor (Python tab): File > Load Script, then Execute; or run "
        f"exec(open(r\"{job.paths['maya'].name}\").read()) from its folder. It reads {config['data_file']}.",
        config,
    )
    path.write_text(text)
