"""Emotion timelines: segments of the audio, each with its own label, blend, description or photo.

A timeline is JSON: a list of segments, or ``{"segments": [...]}``. A segment
has ``start`` and ``end`` in seconds and exactly one of

- ``"label": "happy"``;
- ``"blend": "happy:0.7,surprised:0.3"`` (or ``{"happy": 0.7, "surprised": 0.3}``);
- ``"description": "a tight-lipped, simmering glare"``;
- ``"image": "face.jpg"`` (relative paths are relative to the timeline file).

Segments must not overlap; they may leave gaps, which fall back to the
command's own emotion (``--emotion``, ``--describe`` or ``--reference``).
Where one source hands over to the next (a segment boundary inside the
audio), the two crossfade linearly over ``CROSSFADE_SECONDS`` centred on the
boundary.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from medtalk.errors import MedtalkError
from medtalk.guidance.guide import KINDS, Guide, description_guide, image_guide, parse_blend

CROSSFADE_SECONDS = 0.4
END_TOLERANCE_SECONDS = 0.5  # a segment may end this far past the audio (durations rounded by hand)


@dataclass(frozen=True)
class Segment:
    """``[start, end)`` seconds of the audio under ``guide``."""

    start: float
    end: float
    guide: Guide


def read_timeline(path: Path | str) -> list[Segment]:
    """Segments of a timeline JSON file, checked (a malformed one is a one-line error naming the segment)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MedtalkError(f"{path}: no such timeline file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise MedtalkError(f"{path}: cannot read the timeline ({err})") from None
    except json.JSONDecodeError as err:
        raise MedtalkError(f"{path}: not valid JSON ({err})") from None
    return parse_timeline(data, str(path), path.parent)


def parse_timeline(data: Any, where: str = "timeline", base: Path | None = None) -> list[Segment]:
    """Segments of an already-parsed timeline (see the module docstring), sorted by start."""
    if isinstance(data, dict) and set(data) == {"segments"}:
        data = data["segments"]
    if not isinstance(data, list) or not data:
        raise MedtalkError(f'{where}: expected a non-empty list of segments or {{"segments": [...]}}')
    segments = [_segment(item, f"{where}: segment {n}", base) for n, item in enumerate(data, start=1)]
    order = sorted(range(len(segments)), key=lambda i: segments[i].start)
    for before, after in zip(order, order[1:]):
        if segments[after].start < segments[before].end:
            a, b = segments[before], segments[after]
            raise MedtalkError(f"{where}: segment {after + 1} ({b.start:g}-{b.end:g} s) overlaps "
                               f"segment {before + 1} ({a.start:g}-{a.end:g} s)")
    return [segments[i] for i in order]


def _segment(item: Any, where: str, base: Path | None) -> Segment:
    if not isinstance(item, dict):
        raise MedtalkError(f"{where}: expected an object with start, end and one of {', '.join(KINDS)}")
    unknown = sorted(set(item) - {"start", "end", *KINDS})
    if unknown:
        raise MedtalkError(f"{where}: unknown key(s) {', '.join(unknown)}")
    times = []
    for key in ("start", "end"):
        value = item.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise MedtalkError(f"{where}: {key} must be a number of seconds, got {value!r}")
        times.append(float(value))
    start, end = times
    if start < 0 or end <= start:
        raise MedtalkError(f"{where}: needs 0 <= start < end, got start {start:g}, end {end:g}")
    kinds = [k for k in KINDS if k in item]
    if len(kinds) != 1:
        raise MedtalkError(f"{where}: needs exactly one of {', '.join(KINDS)}, got {', '.join(kinds) or 'none'}")
    try:
        return Segment(start, end, _guide(kinds[0], item[kinds[0]], base))
    except MedtalkError as err:
        raise MedtalkError(f"{where}: {err}") from None


def _guide(kind: str, value: Any, base: Path | None) -> Guide:
    if kind == "blend" and isinstance(value, dict):
        value = ",".join(f"{k}:{v}" for k, v in value.items())
    if not isinstance(value, str):
        raise MedtalkError(f"{kind} must be a string, got {value!r}")
    if kind in ("label", "blend"):
        guide = parse_blend(value)
        if kind == "label" and guide.kind != "label":
            raise MedtalkError(f"label {value!r} is a blend; use \"blend\" for it")
        return guide
    if kind == "description":
        return description_guide(value)
    path = Path(value)
    if base is not None and not path.is_absolute():
        path = base / path
    if not path.is_file():
        raise MedtalkError(f"{path}: no such image file")
    return image_guide(path)


def check_duration(segments: list[Segment], duration: float, where: str = "timeline") -> None:
    """A segment that starts, or ends, after the audio ends is a mistake worth reporting.

    ``END_TOLERANCE_SECONDS`` past the end is allowed, for timelines written from rounded durations.
    """
    for segment in segments:
        if segment.start >= duration:
            raise MedtalkError(f"{where}: segment {segment.start:g}-{segment.end:g} s starts after "
                               f"the audio ends ({duration:.2f} s)")
        if segment.end > duration + END_TOLERANCE_SECONDS:
            raise MedtalkError(f"{where}: segment {segment.start:g}-{segment.end:g} s ends after "
                               f"the audio ends ({duration:.2f} s)")


def segment_weights(segments: list[Segment], num_frames: int, fps: float) -> np.ndarray:
    """Per-frame weights ``(len(segments) + 1, num_frames)`` summing to 1; the last row is the fallback.

    Each segment ramps in and out linearly over ``CROSSFADE_SECONDS`` centred on
    its boundaries (none at the very start or end of the audio), so adjacent
    segments crossfade and a segment next to a gap crossfades with the fallback.
    """
    t = np.arange(num_frames) / fps
    duration = num_frames / fps
    half = CROSSFADE_SECONDS / 2
    rows = []
    for s in segments:
        rise = np.clip((t - (s.start - half)) / CROSSFADE_SECONDS, 0, 1) if s.start > 0 else (t >= 0).astype(float)
        fall = np.clip(((s.end + half) - t) / CROSSFADE_SECONDS, 0, 1) if s.end < duration else np.ones(num_frames)
        rows.append(rise * fall)
    weights = np.array(rows, dtype=np.float64).reshape(len(segments), num_frames)
    fallback = np.clip(1.0 - weights.sum(axis=0), 0.0, 1.0)
    weights = np.vstack([weights, fallback])
    return (weights / weights.sum(axis=0, keepdims=True)).astype(np.float32)
