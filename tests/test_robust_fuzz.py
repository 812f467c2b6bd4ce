"""Property-based fuzzing of every parser of user input (hypothesis, derandomized for CI).

Each must either accept the input or raise :class:`MedtalkError` (the CLI's
one-line error), never anything else, and never leave a file behind when it
fails. Example counts keep the whole module well under a minute.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medtalk.audio import load_audio
from medtalk.errors import MedtalkError
from medtalk.export.livelink import parse_target
from medtalk.export.registry import TARGET_NAMES, export_rig
from medtalk.guidance.guide import parse_blend
from medtalk.guidance.timeline import parse_timeline
from medtalk.rig import CONTROL_NAMES, NUM_CONTROLS, REST_POSE, RigSequence, read_rig, write_rig

FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW_FUZZ = settings(FUZZ, max_examples=20)  # each example runs ffmpeg or writes many files

# JSON-like values, with the awkward numbers and types parsers forget
scalars = st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats() | st.text(max_size=12)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)


def _listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def _accepts_or_says_why(call: Callable[[], object], folder: Path | None = None) -> object:
    """``call()``'s result, or None after a MedtalkError; any other exception fails the test.

    With ``folder``, a failure must leave it as it was (nothing written, no temporaries).
    """
    before = _listing(folder) if folder is not None else None
    try:
        return call()
    except MedtalkError as err:
        assert "\n" not in str(err), f"a multi-line error: {err!r}"
        if folder is not None:
            assert _listing(folder) == before, "a failed call left files behind"
        return None


def _rig() -> RigSequence:
    return RigSequence(np.tile(REST_POSE, (3, 1)), 60.0)


# rig files: bytes of each format, both random and mutated from a valid file
def _valid_bytes(ext: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"r{ext}"
        write_rig(_rig(), path)
        return path.read_bytes()


VALID = {ext: _valid_bytes(ext) for ext in (".txt", ".csv", ".json", ".npz")}


@st.composite
def mutated(draw: st.DrawFn, ext: str) -> bytes:
    """A valid rig file with a few bytes replaced, cut short or extended."""
    data = bytearray(VALID[ext])
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data) + draw(st.binary(max_size=8))


def _read_bytes(ext: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"rig{ext}"
        path.write_bytes(data)
        rig = _accepts_or_says_why(lambda: read_rig(path), Path(tmp))
        if rig is not None:
            assert rig.values.shape[1] == NUM_CONTROLS and np.isfinite(rig.values).all()


@pytest.mark.parametrize("ext", [".txt", ".csv", ".json", ".npz"])
@FUZZ
@given(data=st.data())
def test_rig_readers_accept_or_say_why(ext: str, data: st.DataObject) -> None:
    blob = data.draw(st.binary(max_size=300) | mutated(ext))
    _read_bytes(ext, blob)


@FUZZ
@given(doc=json_values | st.fixed_dictionaries({"frames": json_values},
                                               optional={"fps": json_values, "controls": json_values,
                                                         "metadata": json_values}))
def test_json_rig_fields_of_any_type(doc: object) -> None:
    _read_bytes(".json", json.dumps(doc).encode())


@FUZZ
@given(rows=st.lists(st.lists(st.floats(width=32) | st.text(max_size=4), min_size=1, max_size=3), max_size=3),
       header=st.lists(st.sampled_from(["time", *CONTROL_NAMES[:3], "x", ""]), max_size=4))
def test_csv_rig_with_odd_cells(rows: list[list], header: list[str]) -> None:
    full = ["time", *CONTROL_NAMES]
    lines = [",".join(full if not header else header + list(CONTROL_NAMES[len(header):]))]
    for row in rows:
        lines.append(",".join(str(c) for c in row) + "," + ",".join(["0"] * (NUM_CONTROLS - len(row) + 1)))
    _read_bytes(".csv", "\n".join(lines).encode())


@FUZZ
@given(arrays=st.dictionaries(st.sampled_from(["values", "fps", "metadata", "controls"]),
                              st.sampled_from([np.zeros((2, NUM_CONTROLS)), np.zeros((2, 3)), np.array("x"),
                                               np.array(np.nan), np.array(-1.0), np.array("[1]"),
                                               np.array("{}"), np.zeros(0), np.array(["a", "b"])]),
                              max_size=4))
def test_npz_rig_with_odd_arrays(arrays: dict[str, np.ndarray]) -> None:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    _read_bytes(".npz", buf.getvalue())


def test_npz_that_is_a_zip_of_something_else() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("values.npy", b"not numpy")
    _read_bytes(".npz", buf.getvalue())


# audio: random bytes and damaged real audio through ffmpeg
WAV = (Path(__file__).resolve().parents[1] / "examples" / "jfk.flac").read_bytes()[:20000]


@SLOW_FUZZ
@given(data=st.binary(max_size=2000) | st.builds(lambda cut, junk: WAV[:cut] + junk,
                                                  st.integers(0, len(WAV)), st.binary(max_size=64)))
def test_audio_loading_accepts_or_says_why(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "speech.flac"
        path.write_bytes(data)
        wave = _accepts_or_says_why(lambda: load_audio(path), Path(tmp))
        if wave is not None:
            assert wave.dtype == np.float32 and wave.ndim == 1 and wave.size > 0 and np.isfinite(wave).all()


# the emotion blend, the timeline and the Live Link address
@FUZZ
@given(text=st.text(max_size=40) | st.lists(st.sampled_from(["happy", "sad:0.3", ":", ",", "nan", "1e400", "angry:",
                                                            " ", "surprised:-1", "happy:0"]),
                                           max_size=5).map(",".join))
def test_blend_parser(text: str) -> None:
    guide = _accepts_or_says_why(lambda: parse_blend(text))
    if guide is not None and guide.kind == "blend":
        assert abs(sum(w for _, w in guide.value) - 1) < 1e-9


segment = st.fixed_dictionaries({}, optional={"start": json_values | st.floats(-5, 50), "end": json_values
                                              | st.floats(-5, 50), "emotion": json_values | st.just("happy"),
                                              "describe": json_values, "image": json_values})


@FUZZ
@given(doc=json_values | st.lists(segment, max_size=4) | st.fixed_dictionaries({"segments": st.lists(segment)}))
def test_timeline_parser(doc: object) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _accepts_or_says_why(lambda: parse_timeline(doc, "timeline", Path(tmp)), Path(tmp))


@FUZZ
@given(text=st.text(max_size=30) | st.builds(lambda h, p: f"{h}:{p}", st.text(max_size=12),
                                             st.integers(-10, 10**6) | st.text(max_size=5)))
def test_livelink_target_parser(text: str) -> None:
    target = _accepts_or_says_why(lambda: parse_target(text))
    if target is not None:
        host, port = target
        assert host and 1 <= port <= 65535


# export: the name and folder options, on a real file system
names = st.text(max_size=12) | st.sampled_from(["", ".", "..", "a/b", "../up", "x\\y", " x", "ok", "\x00"])
folders = st.lists(st.sampled_from(["sub", ".", "file.txt", "deep/er", "\x00", "ro"]), max_size=3)


@SLOW_FUZZ
@given(name=names, parts=folders, target=st.sampled_from([*TARGET_NAMES, "nope"]))
def test_export_name_and_folder(name: str, parts: list[str], target: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "work"
        (root / "ro").mkdir(parents=True)
        (root / "file.txt").write_text("a file, not a folder")
        os.chmod(root / "ro", 0o555)
        out = root.joinpath(*parts) if parts else root
        try:
            written = _accepts_or_says_why(lambda: export_rig(_rig(), target, out, name), Path(tmp))
        finally:
            os.chmod(root / "ro", 0o755)
        if written is not None:
            assert all(Path(p).is_file() and Path(p).parent.resolve() == out.resolve() for p in written)
