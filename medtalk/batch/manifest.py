"""The batch manifest: one dialogue line per CSV row (with a header) or JSONL object.

Columns (keys): ``audio`` (required), ``name`` (the output stem; default the
audio's stem), ``transcript`` or ``transcript_file``, ``emotion`` (a label or
a blend), ``describe``, ``reference`` (a face photo), ``timeline`` (a JSON
plan), ``intensity`` (default 1) and ``language`` (e.g. ``en``, ``de``).
Empty cells are absent values; relative paths resolve against the manifest's
folder.

Two kinds of problems: a manifest that cannot be read as a whole (no such
file, no ``audio`` column, an unknown column, not CSV or JSONL) is a
:class:`MedtalkError` before any work starts; a malformed row becomes a
:class:`Line` with ``error`` set, so the batch records it and goes on.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medtalk.emotions import MAX_INTENSITY
from medtalk.errors import MedtalkError

COLUMNS = ("audio", "name", "transcript", "transcript_file", "emotion", "describe", "reference", "timeline",
           "intensity", "language")
PATH_COLUMNS = ("audio", "transcript_file", "reference", "timeline")
SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
# a BCP 47-like tag: "en", "eng", "en-US", "pt_BR"
LANGUAGE = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*")


@dataclass(frozen=True)
class Line:
    """One row of the manifest, checked; ``number`` is its line in the file (the CSV header is 1).

    ``source`` is the audio as the manifest spells it (what reports and rig metadata show);
    ``error`` is set, and the rest may be partial, when the row itself is malformed.
    """

    number: int
    name: str
    source: str = ""
    audio: Path | None = None
    transcript: str | None = None
    transcript_file: Path | None = None
    emotion: str | None = None
    describe: str | None = None
    reference: Path | None = None
    timeline: Path | None = None
    intensity: float = 1.0
    language: str | None = None
    error: str | None = None


def read_manifest(path: Path) -> list[Line]:
    """Every row of the manifest at ``path`` as a :class:`Line`, in file order (see the module docstring)."""
    path = Path(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise MedtalkError(f"{path}: unknown manifest format; use .csv (with a header) or .jsonl")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MedtalkError(f"{path}: no such manifest") from None
    except (OSError, UnicodeDecodeError) as err:
        raise MedtalkError(f"{path}: cannot read the manifest ({err})") from None
    rows = _csv_rows(text, path) if kind == "csv" else _jsonl_rows(text, path)
    lines = _named([_line(number, fields, problem, path.parent) for number, fields, problem in rows])
    if not lines:
        raise MedtalkError(f"{path}: the manifest has no lines")
    return lines


Row = tuple[int, dict[str, Any], str | None]  # line number, fields, what is wrong with the row


def _csv_rows(text: str, path: Path) -> list[Row]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None)
        if header is None:
            raise MedtalkError(f"{path}: the manifest is empty")
        header = [h.strip() for h in header]
        _check_header(header, path)
        rows = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue  # blank lines, as spreadsheets write them at the end
            problem = None
            if len(values) != len(header):
                problem = f"expected {len(header)} fields (the header's), got {len(values)}"
            rows.append((reader.line_num, dict(zip(header, values)), problem))
    except csv.Error as err:
        raise MedtalkError(f"{path}: not readable as CSV (line {reader.line_num}: {err})") from None
    return rows


def _check_header(header: list[str], path: Path) -> None:
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise MedtalkError(f"{path}: unknown column(s) {', '.join(map(repr, unknown))}; "
                           f"the columns are {', '.join(COLUMNS)}")
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise MedtalkError(f"{path}: column(s) {', '.join(repeated)} given twice")
    if "audio" not in header:
        raise MedtalkError(f"{path}: the manifest needs an audio column (header: {', '.join(header)})")


def _jsonl_rows(text: str, path: Path) -> list[Row]:
    rows: list[Row] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as err:
            item, problem = {}, f"not valid JSON ({err.msg} at column {err.colno})"
        else:
            problem = None if isinstance(item, dict) else f"expected a JSON object, got {type(item).__name__}"
        if not rows and problem is not None:  # a first line that is no object: not a JSONL manifest at all
            raise MedtalkError(f"{path}: line {number}: {problem}; a JSONL manifest has one object per line")
        if problem is None:
            unknown = [k for k in item if k not in COLUMNS]
            if unknown:
                problem = f"unknown key(s) {', '.join(map(repr, unknown))}"
        rows.append((number, item if problem is None else {}, problem))
    return rows


def _line(number: int, fields: dict[str, Any], problem: str | None, base: Path) -> Line:
    source = fields.get("audio")
    source = source.strip() if isinstance(source, str) else ""
    if problem is None:
        try:
            return Line(number, **_values(fields, base), source=source)
        except MedtalkError as err:
            problem = str(err)
    name = fields.get("name") or (Path(source).stem if source else "")
    return Line(number, name.strip() if isinstance(name, str) else "", source=source, error=problem)


def _values(fields: dict[str, Any], base: Path) -> dict[str, Any]:
    """The typed values of a well-formed row (raises :class:`MedtalkError` on a bad value)."""
    values: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "intensity" and isinstance(value, (int, float)) and not isinstance(value, bool):
            values[key] = float(value)
            continue
        if value is None:
            continue
        if not isinstance(value, str):
            raise MedtalkError(f"{key} must be a string, got {value!r}")
        value = value.strip() if key != "transcript" else value
        if not value.strip():
            continue
        if key in PATH_COLUMNS:
            value = Path(value).expanduser()
            values[key] = value if value.is_absolute() else base / value
        elif key == "intensity":
            try:
                values[key] = float(value)
            except ValueError:
                raise MedtalkError(f"intensity must be a number, got {value!r}") from None
        else:
            values[key] = value
    if "audio" not in values:
        raise MedtalkError("no audio given")
    if "transcript" in values and "transcript_file" in values:
        raise MedtalkError("give transcript or transcript_file, not both")
    if not 0 <= values.get("intensity", 1.0) <= MAX_INTENSITY:  # also refuses nan and inf
        raise MedtalkError(f"intensity must be 0-{MAX_INTENSITY:g}, got {values['intensity']}")
    if "language" in values and not LANGUAGE.fullmatch(values["language"]):
        raise MedtalkError(f"language {values['language']!r} is not a language code like en or pt-BR")
    values.setdefault("name", values["audio"].stem)
    name = values["name"]
    if name.startswith(".") or any(sep in name for sep in "/\\") or name == "report":
        raise MedtalkError(f"name {name!r} must be a plain file name (no folders, no leading dot, not 'report')")
    return values


def _named(lines: list[Line]) -> list[Line]:
    """Lines with a name another line already has become errors: both would write the same files."""
    first: dict[str, int] = {}
    out = []
    for line in lines:
        if line.error is None and line.name in first:
            line = Line(line.number, line.name, line.source,
                        error=f"name {line.name!r} is already used by line {first[line.name]} (add a name column)")
        elif line.error is None:
            first[line.name] = line.number
        out.append(line)
    return out
