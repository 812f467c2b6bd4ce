"""Contact sheets: one labelled face per rig, side by side (e.g. the seven emotions)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from medtalk.errors import MedtalkError
from medtalk.files import atomic_output, check_writable
from medtalk.preview.draw import render_frame
from medtalk.preview.text import LABEL_PAPER, label_band
from medtalk.preview.video import LABEL_FRACTION, check_size
from medtalk.rig import RigSequence, index, pseudo_intensity

MAX_COLUMNS = 7  # panels per row before wrapping
LABEL_SCALE = 1.6  # sheet labels are two lines (label + text), taller than video ones
JAW = index("CTRL_C_jaw-translateY")


def pick_frame(rig: RigSequence, time: float | None = None) -> int:
    """Frame at ``time`` seconds, or by default the most expressive one.

    Most expressive = the maximum of the pseudo-intensity ``Int()`` plus the jaw
    opening, so a sheet shows each emotion at its peak with the mouth moving.
    """
    if time is None:
        return int(np.argmax(pseudo_intensity(rig.values) + rig.values[:, JAW]))
    if not 0 <= time <= rig.duration:
        raise MedtalkError(f"time {time:g} s is outside the rig (0 to {rig.duration:.3f} s)")
    return min(rig.num_frames - 1, int(round(time * rig.fps)))


def rig_label(path: Path, rig: RigSequence) -> str:
    """The panel label: the file's name, then what it shows on a second line when known.

    Every panel is labelled the same way: the file stem first (so panels can be
    told apart and found), then the emotion and text from the rig's metadata or
    a sibling ``.json`` (``happy: Peter bought my map.``), a photo by its file name.
    """
    meta = dict(rig.metadata)
    sidecar = path.with_suffix(".json")
    if "emotion" not in meta and path.suffix.lower() == ".txt" and sidecar.is_file():
        try:
            doc = json.loads(sidecar.read_text())
        except (OSError, ValueError):
            doc = None  # an unreadable sidecar only costs the label, not the preview
        if isinstance(doc, dict):  # either plain metadata or a medtalk rig JSON
            meta = doc["metadata"] if isinstance(doc.get("metadata"), dict) else doc
    shows = [part for part in (_emotion_label(meta.get("emotion")), str(meta.get("text") or "")) if part]
    return f"{path.stem}\n{': '.join(shows)}" if shows else path.stem


def _emotion_label(emotion: object) -> str:
    """``happy`` as is; a guide written as ``image '/photos/me.jpg'`` as ``photo me.jpg``."""
    text = str(emotion or "")
    kind, _, quoted = text.partition(" ")
    if quoted[:1] in ("'", '"') and quoted[-1:] == quoted[:1]:
        value = quoted[1:-1]
        return f"photo {Path(value).name}" if kind == "image" else value
    return text


def sheet_columns(n: int) -> int:
    """Columns for ``n`` panels: one row up to ``MAX_COLUMNS``, then balanced rows."""
    rows = math.ceil(n / MAX_COLUMNS)
    return math.ceil(n / rows)


def check_sheet_output(out: Path, force: bool = False) -> str:
    """Fail in one line unless ``out`` is a writable image path; return its Pillow format."""
    fmt = Image.registered_extensions().get(Path(out).suffix.lower())
    if fmt is None:
        raise MedtalkError(f"{out}: unknown image format {Path(out).suffix or '(none)'}; use .png")
    check_writable(Path(out), force)
    return fmt


def render_sheet(panels: Sequence[tuple[str, np.ndarray]], out: Path, size: int = 384, force: bool = False) -> Path:
    """Write a PNG (or any Pillow format by extension) of ``(label, values (174,))`` panels."""
    out = Path(out)
    if not panels:
        raise MedtalkError("nothing to render: no panels given")
    check_size(size)
    fmt = check_sheet_output(out, force)
    cols = sheet_columns(len(panels))
    rows = math.ceil(len(panels) / cols)
    band = int(round(size * LABEL_FRACTION * LABEL_SCALE))
    sheet = Image.new("RGB", (cols * size, rows * (size + band)), LABEL_PAPER)
    for i, (label, values) in enumerate(panels):
        x, y = (i % cols) * size, (i // cols) * (size + band)
        sheet.paste(label_band(label, size, band), (x, y))
        sheet.paste(render_frame(values, size), (x, y + band))
    with atomic_output(out, force) as tmp:
        sheet.save(tmp, format=fmt)
    return out
