"""Reading and writing rig files: EmoFace ``.txt``, ``.csv``, ``.json`` and ``.npz``.

- ``.txt``: one row per frame, 174 comma-separated values, no header (EmoFace);
  the frame rate is not stored, 60 fps unless told otherwise.
- ``.csv``: a header ``time`` + control names, one row per frame.
- ``.json``: ``{"fps", "controls", "frames", "metadata"}``.
- ``.npz``: arrays ``values``, ``fps``, ``controls`` and ``metadata`` (JSON text).
"""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile
import zlib
from pathlib import Path

import numpy as np

from medtalk.errors import MedtalkError
from medtalk.files import atomic_output
from medtalk.rig.controls import (
    CONTROL_NAMES,
    DEFAULT_FPS,
    NUM_CONTROLS,
    RigSequence,
    index,
)

RIG_EXTENSIONS = (".txt", ".csv", ".json", ".npz")


def _extension(path: Path) -> str:
    ext = path.suffix.lower()
    if ext not in RIG_EXTENSIONS:
        raise MedtalkError(f"{path}: unknown rig format {ext or '(none)'}; use one of {', '.join(RIG_EXTENSIONS)}")
    return ext


def _parse_rows(lines: list[str], source: str, first_line: int) -> np.ndarray:
    """Parse comma-separated rows, naming the first bad line and cell on error."""
    if not any(line.strip() for line in lines):
        raise MedtalkError(f"{source}: no frames")
    try:  # fast path; the slow loop below only runs to explain a failure
        fast = np.loadtxt(io.StringIO("\n".join(lines)), delimiter=",", ndmin=2, dtype=np.float32)
        if fast.shape[1] == NUM_CONTROLS and fast.shape[0] > 0:
            return fast
    except ValueError:
        pass
    rows = []
    for n, line in enumerate(lines, start=first_line):
        if not line.strip():
            continue
        cells = line.strip().rstrip(",").split(",")
        if len(cells) != NUM_CONTROLS:
            raise MedtalkError(f"{source}: line {n} has {len(cells)} values, expected {NUM_CONTROLS}")
        try:
            rows.append([float(c) for c in cells])
        except ValueError:
            bad = next(c for c in cells if not _is_float(c))
            raise MedtalkError(f"{source}: line {n} has a non-numeric value {bad.strip()!r}") from None
    return np.asarray(rows, dtype=np.float32)


def _is_float(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _read_txt(path: Path, fps: float | None) -> RigSequence:
    text = path.read_text()
    return RigSequence(_parse_rows(text.splitlines(), str(path), 1), fps or DEFAULT_FPS)


def _read_csv(path: Path, fps: float | None) -> RigSequence:
    lines = path.read_text().splitlines()
    if not lines:
        raise MedtalkError(f"{path}: empty file")
    header = [h.strip() for h in next(csv.reader([lines[0]]))]
    names = header[1:] if header and header[0] == "time" else header
    try:
        order = np.array([index(n) for n in names])
    except MedtalkError as err:
        raise MedtalkError(f"{path}: {err}") from None
    if len(set(order.tolist())) != NUM_CONTROLS:
        raise MedtalkError(f"{path}: header names {len(set(order.tolist()))} distinct controls, expected {NUM_CONTROLS}")
    body = []
    for n, line in enumerate(lines[1:], start=2):
        cells = line.split(",")
        body.append(",".join(cells[1:]) if header[0] == "time" else line)
    values = _parse_rows(body, str(path), 2)
    out = np.empty_like(values)
    out[:, order] = values
    if fps is None and header[0] == "time" and len(lines) > 2:
        try:
            times = np.array([float(line.split(",")[0]) for line in lines[1:] if line.strip()])
        except ValueError:
            raise MedtalkError(f"{path}: a time in the first column is not a number") from None
        # the span over all rows, not one 6-decimal step, gives an exact rate
        step = (times[-1] - times[0]) / (len(times) - 1) if len(times) > 1 else 0
        fps = round(1.0 / step, 3) if step > 0 else None
    return RigSequence(out, fps or DEFAULT_FPS)


def _read_fps(value: object, source: str) -> float:
    """A stored frame rate: a positive finite number."""
    shown = " ".join(repr(value).split())[:40]  # one line, however odd the value
    try:
        fps = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise MedtalkError(f"{source}: fps {shown} is not a number") from None
    if not (math.isfinite(fps) and fps > 0):
        raise MedtalkError(f"{source}: fps must be a positive number, got {shown}")
    return fps


def _read_json(path: Path, fps: float | None) -> RigSequence:
    try:
        doc = json.loads(path.read_text())
    except ValueError as err:
        raise MedtalkError(f"{path}: not a medtalk rig JSON ({err})") from None
    if not isinstance(doc, dict) or "frames" not in doc:
        raise MedtalkError(f"{path}: not a medtalk rig JSON (no \"frames\")")
    names = doc.get("controls", list(CONTROL_NAMES))
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise MedtalkError(f"{path}: \"controls\" must be a list of control names")
    metadata = doc.get("metadata", {})
    if not isinstance(metadata, dict):
        raise MedtalkError(f"{path}: \"metadata\" must be an object")
    try:
        frames = np.asarray(doc["frames"], dtype=np.float32)
    except (ValueError, TypeError, OverflowError):
        raise MedtalkError(f"{path}: \"frames\" must be rows of numbers") from None
    if frames.ndim != 2 or frames.shape[1] != len(names):
        raise MedtalkError(f"{path}: \"frames\" must be rows of {len(names)} numbers, got shape {frames.shape}")
    if names != list(CONTROL_NAMES):
        if len(names) != NUM_CONTROLS:
            raise MedtalkError(f"{path}: expected {NUM_CONTROLS} controls, got {len(names)}")
        order = [index(n) for n in names]
        if len(set(order)) != NUM_CONTROLS:
            raise MedtalkError(f"{path}: \"controls\" names a control twice")
        reordered = np.empty_like(frames)
        reordered[:, order] = frames
        frames = reordered
    return RigSequence(frames, fps or _read_fps(doc.get("fps", DEFAULT_FPS), str(path)), dict(metadata))


def _read_npz(path: Path, fps: float | None) -> RigSequence:
    try:
        with np.load(path, allow_pickle=False) as data:
            values = np.asarray(data["values"], dtype=np.float32)
            stored_fps = _read_fps(data["fps"], str(path)) if "fps" in data else DEFAULT_FPS
            metadata = json.loads(str(data["metadata"])) if "metadata" in data else {}
    except MedtalkError:
        raise
    except (ValueError, KeyError, OSError, TypeError, EOFError, zipfile.BadZipFile, zlib.error) as err:
        raise MedtalkError(f"{path}: not a medtalk rig NPZ ({err})") from None
    if not isinstance(metadata, dict):
        raise MedtalkError(f"{path}: its metadata must be a JSON object")
    return RigSequence(values, fps or stored_fps, metadata)


_READERS = {".txt": _read_txt, ".csv": _read_csv, ".json": _read_json, ".npz": _read_npz}


def read_rig(path: Path | str, fps: float | None = None) -> RigSequence:
    """Read a rig file; errors are one-line :class:`MedtalkError` naming the problem."""
    path = Path(path)
    ext = _extension(path)
    if not path.is_file():
        raise MedtalkError(f"{path}: no such file")
    try:
        return _READERS[ext](path, fps)
    except UnicodeDecodeError:
        raise MedtalkError(f"{path}: not a text rig file") from None
    except MedtalkError as err:
        msg = str(err)
        raise MedtalkError(msg if msg.startswith(str(path)) else f"{path}: {msg}") from None


DECIMALS = 6  # the EmoFace precision


def _format_fixed(values: np.ndarray) -> str:
    """``values`` (T, C) float32 as ``%.6f`` rows, byte for byte, without printf per value.

    Writing rigs dominated dataset generation with ``np.savetxt``; this builds
    the digits as a byte array instead (about 3x faster). It is exact because a
    float32 times 10**6 is exactly representable as a float64, so ``rint`` rounds
    it half-to-even just as printf rounds the exact decimal value.
    """
    scaled = np.rint(np.abs(values.astype(np.float64)) * 10**DECIMALS).astype(np.int64)
    whole, frac = np.divmod(scaled, 10**DECIMALS)
    digits = len(str(int(whole.max())))
    width = 1 + digits + 1 + DECIMALS + 1  # sign, integer digits, point, decimals, separator
    out = np.zeros((*values.shape, width), dtype=np.uint8)  # zero bytes are dropped at the end
    out[..., 0] = np.signbit(values) * ord("-")  # printf writes -0.000000 for negative zero too
    rest = whole
    for pos in range(digits, 0, -1):
        rest, digit = np.divmod(rest, 10)
        keep = True if pos == digits else (rest > 0) | (digit > 0)  # no leading zeros
        out[..., pos] = np.where(keep, digit + ord("0"), 0)
    out[..., digits + 1] = ord(".")
    rest = frac
    for pos in range(width - 2, digits + 1, -1):
        rest, digit = np.divmod(rest, 10)
        out[..., pos] = digit + ord("0")
    out[..., -1] = ord(",")
    out[:, -1, -1] = ord("\n")
    flat = out.reshape(-1)
    return flat[flat != 0].tobytes().decode("ascii")


def format_rows(values: np.ndarray, times: np.ndarray | None = None) -> str:
    """Rows of comma-separated values with 6 decimals (the EmoFace precision)."""
    if times is None and values.ndim == 2 and values.dtype == np.float32 and values.size and np.isfinite(values).all():
        return _format_fixed(values)
    buf = io.StringIO()
    data = values if times is None else np.column_stack([times, values])
    np.savetxt(buf, data, fmt=f"%.{DECIMALS}f", delimiter=",")
    return buf.getvalue()


WRITE_CHUNK = 4096  # frames formatted at once: text of an hour-long rig is written in pieces


def write_rig(rig: RigSequence, path: Path | str, force: bool = False) -> Path:
    """Write ``rig`` atomically in the format given by the extension (.txt .csv .json .npz).

    Text formats are written a chunk of frames at a time, so memory stays flat
    however long the rig.
    """
    path = Path(path)
    ext = _extension(path)
    chunks = range(0, rig.num_frames, WRITE_CHUNK)
    with atomic_output(path, force) as tmp:
        if ext == ".npz":
            with tmp.open("wb") as fh:
                np.savez_compressed(
                    fh,
                    values=rig.values,
                    fps=np.float64(rig.fps),
                    controls=np.array(CONTROL_NAMES),
                    metadata=np.array(json.dumps(rig.metadata, default=str)),
                )
            return path
        with tmp.open("w") as fh:
            if ext == ".txt":
                for a in chunks:
                    fh.write(format_rows(rig.values[a : a + WRITE_CHUNK]))
            elif ext == ".csv":
                fh.write("time," + ",".join(CONTROL_NAMES) + "\n")
                for a in chunks:
                    block = rig.values[a : a + WRITE_CHUNK]
                    fh.write(format_rows(block, (a + np.arange(len(block))) / rig.fps))
            else:
                head = {"fps": rig.fps, "controls": list(CONTROL_NAMES), "metadata": rig.metadata}
                fh.write(json.dumps(head, ensure_ascii=False, default=str)[:-1] + ', "frames": [')
                for a in chunks:
                    rows = np.round(rig.values[a : a + WRITE_CHUNK].astype(np.float64), 6).tolist()
                    fh.write((", " if a else "") + json.dumps(rows)[1:-1])
                fh.write("]}")
    return path
