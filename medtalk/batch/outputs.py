"""A line's files in the output folder, the record that makes a batch resumable, and the report.

Line ``name`` writes ``OUT/<name>.txt`` (EmoFace rows) and, with an export
target, ``OUT/<name>/<name>_*``. Beside them ``OUT/<name>.batch.json``
records the content hash of the line's inputs and options and the files it
wrote. The record is written first as *pending* (no hash), then the outputs
(each atomically), then the record with the hash: a run killed at any point
leaves either a complete line or one whose record says it must be redone,
and the files under a record are the batch's own to replace. A file with no
record is someone else's and is only replaced with ``--force``.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medtalk.errors import MedtalkError
from medtalk.files import atomic_output
from medtalk.rig import RigSequence, write_rig

RECORD_SUFFIX = ".batch.json"
REPORT = "report.csv"
REPORT_COLUMNS = ("line", "name", "audio", "status", "error", "duration_s", "decode_s", "animate_s", "write_s",
                  "warnings")


@dataclass(frozen=True)
class LineFiles:
    """Where line ``name`` writes in ``out``; ``export`` is a ``medtalk export`` target or None."""

    out: Path
    name: str
    export: str | None = None

    @property
    def rig(self) -> Path:
        return self.out / f"{self.name}.txt"

    @property
    def export_dir(self) -> Path:
        return self.out / self.name

    @property
    def record(self) -> Path:
        return self.out / f"{self.name}{RECORD_SUFFIX}"

    @property
    def outputs(self) -> list[Path]:
        """Every file the line writes, the rig first."""
        if self.export is None:
            return [self.rig]
        from medtalk.export.registry import planned_paths

        return [self.rig, *planned_paths(self.export, self.export_dir, self.name, force=True).values()]

    def relative(self, paths: list[Path]) -> list[str]:
        return [p.relative_to(self.out).as_posix() for p in paths]

    def read_record(self) -> dict[str, Any] | None:
        """The line's record, or None when there is none (or it is unreadable: then it is redone)."""
        try:
            record = json.loads(self.record.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            return None
        return record if isinstance(record, dict) and isinstance(record.get("outputs"), list) else None

    def is_current(self, digest: str) -> bool:
        """Whether the outputs are complete and were made from inputs with this ``digest``."""
        record = self.read_record()
        return (record is not None and record.get("hash") == digest
                and all((self.out / name).is_file() for name in record["outputs"]))

    def check_owned(self, force: bool) -> None:
        """Fail, in one line, when an output exists that no batch record claims (without ``force``)."""
        if force or self.read_record() is not None:
            return
        for path in self.outputs:
            if path.exists():
                raise MedtalkError(f"{path} exists and is not from a batch run (use --force to overwrite)")

    def write(self, rig: RigSequence, digest: str, duration: float, warnings: tuple[str, ...]) -> None:
        """Write the rig, the export and then the record; files of an earlier version of the line that
        this one no longer writes (another export target) are removed."""
        old = self.read_record()
        new = self.relative(self.outputs)
        stale = [name for name in (old or {}).get("outputs", []) if name not in new]
        self._write_record({"hash": None, "outputs": sorted(set(new) | set(stale))})
        write_rig(rig, self.rig, force=True)
        if self.export is not None:
            from medtalk.export import export_rig

            export_rig(rig, self.export, self.export_dir, self.name, force=True)
        for name in stale:
            (self.out / name).unlink(missing_ok=True)
        self._write_record({"hash": digest, "outputs": new, "duration_s": round(duration, 6),
                            "warnings": list(warnings)})

    def _write_record(self, record: dict[str, Any]) -> None:
        with atomic_output(self.record, force=True) as tmp:
            tmp.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def write_report(out: Path, rows: list[dict[str, Any]]) -> Path:
    """``OUT/report.csv``: one row per manifest line (``REPORT_COLUMNS``), in manifest order."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, REPORT_COLUMNS, extrasaction="raise", lineterminator="\n")
    writer.writeheader()
    for row in sorted(rows, key=lambda r: r["line"]):
        writer.writerow({k: _cell(row.get(k)) for k in REPORT_COLUMNS})
    path = out / REPORT
    with atomic_output(path, force=True) as tmp:
        tmp.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, (list, tuple)):
        return "; ".join(value)
    return str(value)
