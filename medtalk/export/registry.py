"""Export targets: which files each target writes, and writing them all-or-nothing.

A target is a list of artifacts (files); ``all`` is their union, each file
written once. Every file is first checked (exists without ``force``? folder
writable?), then all are written to temporary files that are renamed into place
only when every one succeeded: a failed export leaves nothing behind.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from medtalk.errors import MedtalkError
from medtalk.export import arkit, blender, maya, unreal
from medtalk.export.job import ExportJob, ExportOptions
from medtalk.files import atomic_output, check_writable
from medtalk.rig import RigSequence, write_rig


def _write_rig(job: ExportJob, path: Path) -> None:
    write_rig(job.rig, path, force=True)  # ``path`` is our own temporary file


# artifact -> (file name, writer); file names use {name}
ARTIFACTS: dict[str, tuple[str, Callable[[ExportJob, Path], None]]] = {
    "expressions-csv": ("{name}_expressions.csv", unreal.write_expressions_csv),
    "curve-table": ("{name}_curve_table.json", unreal.write_curve_table),
    "unreal-anim": ("{name}_unreal_anim.py", unreal.write_anim_script),
    "board-csv": ("{name}_board.csv", _write_rig),
    "unreal-ctrlrig": ("{name}_unreal_ctrlrig.py", unreal.write_ctrlrig_script),
    "maya": ("{name}_maya.py", maya.write_script),
    "arkit-csv": ("{name}_arkit.csv", arkit.write_csv),
    "blender": ("{name}_blender.py", blender.write_script),
    "json": ("{name}.json", _write_rig),
}

TARGETS: dict[str, tuple[str, ...]] = {
    "unreal": ("expressions-csv", "curve-table", "unreal-anim", "board-csv", "unreal-ctrlrig"),
    "maya": ("board-csv", "maya"),
    "blender": ("arkit-csv", "blender"),
    "arkit-csv": ("arkit-csv",),
    "expressions-csv": ("expressions-csv",),
    "json": ("json",),
}
TARGET_NAMES = (*TARGETS, "all")


def artifacts(target: str) -> tuple[str, ...]:
    """Artifact kinds a target writes; ``all`` is the union, in a fixed order."""
    if target == "all":
        return tuple(kind for kind in ARTIFACTS if any(kind in kinds for kinds in TARGETS.values()))
    if target not in TARGETS:
        raise MedtalkError(f"unknown export target {target!r}; choose from {', '.join(TARGET_NAMES)}")
    return TARGETS[target]


def _output_dir(out_dir: Path) -> Path:
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise MedtalkError(f"{out_dir} is a file, not a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise MedtalkError(f"cannot create output folder {out_dir} ({err.strerror})") from None
    if not os.access(out_dir, os.W_OK):
        raise MedtalkError(f"output folder {out_dir} is not writable")
    return out_dir


def export_rig(
    rig: RigSequence,
    target: str,
    out_dir: Path,
    name: str,
    fps: float | None = None,
    force: bool = False,
    options: ExportOptions | None = None,
) -> list[Path]:
    """Write ``target``'s files for ``rig`` into ``out_dir`` as ``<name>_*``; returns their paths.

    ``fps`` resamples the rig first; existing files are only replaced with ``force``.
    """
    kinds = artifacts(target)
    if not name or name.startswith(".") or any(sep in name for sep in ("/", "\\")):
        raise MedtalkError(f"export name {name!r} must be a plain file name")
    if fps is not None:
        if not (fps > 0 and math.isfinite(fps)):
            raise MedtalkError(f"--fps must be positive, got {fps}")
        if abs(fps - rig.fps) > 1e-9:
            rig = rig.resample(fps)
    out_dir = _output_dir(out_dir)
    paths = {kind: out_dir / ARTIFACTS[kind][0].format(name=name) for kind in kinds}
    for path in paths.values():
        check_writable(path, force)
    job = ExportJob(rig, name, paths, options or ExportOptions())
    with ExitStack() as stack:
        for kind in kinds:
            tmp = stack.enter_context(atomic_output(paths[kind], force))
            ARTIFACTS[kind][1](job, tmp)
    return list(paths.values())
