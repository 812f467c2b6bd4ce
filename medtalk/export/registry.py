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
from pathlib import Path

from medtalk.errors import MedtalkError
from medtalk.export import arkit, blender, maya, unreal
from medtalk.export.job import ExportJob, ExportOptions
from medtalk.files import atomic_output, check_writable, make_folder, output_transaction
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


def check_name(name: str) -> str:
    """An export base name must be a plain file name, so every file lands in the output folder."""
    if not name or name.startswith(".") or any(sep in name for sep in ("/", "\\", "\0")) or name != name.strip():
        raise MedtalkError(f"export name {name!r} must be a plain file name")
    return name


def check_output_dir(out_dir: Path) -> Path:
    """Fail in one line unless ``out_dir`` is a folder we may write, or one we can create."""
    out_dir = Path(out_dir)
    if "\0" in str(out_dir):
        raise MedtalkError(f"output folder {str(out_dir)!r} is not a valid path")
    existing = out_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing == out_dir and not out_dir.is_dir():
        raise MedtalkError(f"{out_dir} is a file, not a folder")
    if not existing.is_dir():
        raise MedtalkError(f"cannot create output folder {out_dir}: {existing} is a file")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise MedtalkError(f"output folder {out_dir} is not writable" if existing == out_dir
                           else f"cannot create output folder {out_dir}: {existing} is not writable")
    return out_dir


def planned_paths(target: str, out_dir: Path, name: str, force: bool = False) -> dict[str, Path]:
    """The files ``target`` would write, checked (name, folder, existing files) before any work."""
    kinds = artifacts(target)
    check_name(name)
    out_dir = check_output_dir(out_dir)
    paths = {kind: out_dir / ARTIFACTS[kind][0].format(name=name) for kind in kinds}
    if out_dir.is_dir():
        for path in paths.values():
            check_writable(path, force)
    return paths


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
    All files (and the folder, if made) appear together, or none does.
    """
    paths = planned_paths(target, out_dir, name, force)
    if fps is not None:
        if not (fps > 0 and math.isfinite(fps)):
            raise MedtalkError(f"--fps must be positive, got {fps}")
        if abs(fps - rig.fps) > 1e-9:
            rig = rig.resample(fps)
    job = ExportJob(rig, name, paths, options or ExportOptions())
    with output_transaction():
        make_folder(Path(out_dir))
        for kind, path in paths.items():
            with atomic_output(path, force) as tmp:
                ARTIFACTS[kind][1](job, tmp)
    return list(paths.values())
