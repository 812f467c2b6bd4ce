"""The README's promises under bad input, full disks, interruptions and kills (issue 24).

Every failure is one line on stderr with a non-zero exit and leaves no output
and no temporary file behind. Numbers in the test names follow the issue.
"""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pytest

from medtalk.audio import SAMPLE_RATE, load_audio, write_wav
from medtalk.cli import main
from medtalk.errors import MedtalkError
from medtalk.files import atomic_output, output_transaction
from medtalk.rig import REST_POSE, RigSequence, clip_to_range, write_rig

ROOT = Path(__file__).resolve().parents[1]
JFK = ROOT / "examples" / "jfk.flac"


def one_line_error(capsys: pytest.CaptureFixture, *words: str) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("medtalk: error:") and "\n" not in err, err
    for word in words:
        assert word in err, err
    return err


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1.5 s of real speech (the start of examples/jfk.flac)."""
    path = tmp_path_factory.mktemp("speech") / "jfk.wav"
    write_wav(path, load_audio(JFK)[: int(1.5 * SAMPLE_RATE)])
    return path


@pytest.fixture
def rig_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20 s of a restless face (every control random each frame): video of it fills a small disk."""
    path = tmp_path_factory.mktemp("rig") / "r.npz"
    values = clip_to_range(np.random.default_rng(0).uniform(-1, 1, (1200, REST_POSE.size)))
    return write_rig(RigSequence(values, 60.0), path)


# 3: every output of a command appears only when the whole command succeeded
def test_3_a_transaction_commits_all_or_nothing(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    with pytest.raises(MedtalkError):
        with output_transaction():
            with atomic_output(first) as tmp:
                tmp.write_text("a")
            assert not first.exists()  # staged, not yet in place
            raise MedtalkError("the second output failed")
    assert listing(tmp_path) == []
    with output_transaction():
        for path in (first, second):
            with atomic_output(path) as tmp:
                tmp.write_text(path.name)
    assert listing(tmp_path) == ["a.txt", "b.txt"]


@pytest.mark.parametrize("case", ["preview in /proc", "gif preview", "export dir in /proc", "export exists",
                                  "unresolvable livelink", "export onto -o"])
def test_3_animate_leaves_nothing_when_any_output_fails(tmp_path: Path, speech: Path, capsys, case: str) -> None:
    out = tmp_path / "x.txt"
    args = ["animate", str(speech), "-o", str(out), "-q"]
    args += {
        "preview in /proc": ["--preview", "/proc/p.mp4"],
        "gif preview": ["--preview", str(tmp_path / "p.gif")],
        "export dir in /proc": ["--export", "json", "--export-dir", "/proc/xx"],
        "export exists": ["--export", "json"],
        "unresolvable livelink": ["--livelink", "no.such.host.invalid:1"],
        "export onto -o": ["--export", "json"],
    }[case]
    if case == "export exists":
        (tmp_path / "x.json").write_text("keep me")
    if case == "export onto -o":
        out = tmp_path / "same.json"
        args[3] = str(out)
    before = listing(tmp_path)
    assert main(args) == 2
    one_line_error(capsys)
    assert listing(tmp_path) == before
    if case == "export exists":
        assert (tmp_path / "x.json").read_text() == "keep me"


def test_3_animate_writes_rig_preview_and_export_together(tmp_path: Path, speech: Path) -> None:
    out = tmp_path / "x.txt"
    assert main(["animate", str(speech), "-o", str(out), "--preview", str(tmp_path / "p.mp4"),
                 "--export", "json", "-q"]) == 0
    assert listing(tmp_path) == ["p.mp4", "x.json", "x.txt"]


# 2: a full disk is one line, and nothing is left on it
@pytest.fixture
def full_disk(tmp_path: Path):
    """A 200 KB tmpfs (needs root); skipped where mounting is not permitted."""
    disk = tmp_path / "disk"
    disk.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(disk)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {proc.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


@pytest.mark.parametrize("command", ["preview", "sheet", "export", "synth say", "animate"])
def test_2_full_disk_is_one_line_and_leaves_nothing(full_disk: Path, rig_file: Path, capsys, command: str) -> None:
    args = {
        "animate": ["animate", str(JFK), "-o", str(full_disk / "x.json"), "-q"],  # 11 s: about 1 MB of JSON
        "preview": ["preview", str(rig_file), "-o", str(full_disk / "p.mp4"), "-q"],
        "sheet": ["preview", str(rig_file), "--sheet", str(full_disk / "s.png"), "--size", "4096", "-q"],
        "export": ["export", str(rig_file), "--to", "all", "-o", str(full_disk / "ex"), "-q"],
        "synth say": ["synth", "say", "Peter bought my map. " * 12, "-o", str(full_disk / "s.wav"), "-q"],
    }[command]
    assert main(args) == 2
    one_line_error(capsys, "no space left")
    assert listing(full_disk) == []


# 10: a temporary left by a killed run is removed by the next run
def test_10_a_killed_preview_leaves_a_temporary_the_next_run_removes(tmp_path: Path, rig_file: Path) -> None:
    out = tmp_path / "p.mp4"
    cmd = [sys.executable, "-m", "medtalk", "preview", str(rig_file), "-o", str(out), "-q"]
    proc = subprocess.Popen(cmd, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.time() + 60
    while not [p for p in tmp_path.iterdir() if p.name.startswith(".p.mp4.")] and time.time() < deadline:
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert left and not out.exists(), "the kill came too late to test anything"
    assert main(["preview", str(rig_file), "-o", str(out), "-q", "--size", "64"]) == 0
    assert listing(tmp_path) == ["p.mp4"]


def test_10_a_terminated_preview_cleans_up_itself(tmp_path: Path, rig_file: Path) -> None:
    cmd = [sys.executable, "-m", "medtalk", "preview", str(rig_file), "-o", str(tmp_path / "p.mp4"), "-q"]
    proc = subprocess.Popen(cmd, env={**os.environ, "PYTHONPATH": str(ROOT)}, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while not [p for p in tmp_path.iterdir() if p.name.startswith(".p.mp4.")] and time.time() < deadline:
        time.sleep(0.05)
    proc.terminate()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and err.decode().strip() == "medtalk: interrupted"
    assert listing(tmp_path) == []


def test_10_a_live_runs_temporary_is_kept(tmp_path: Path, rig_file: Path) -> None:
    live = tmp_path / f".p.mp4.{os.getpid()}.abcd.tmp.mp4"  # this very process is alive
    live.write_bytes(b"")
    assert main(["preview", str(rig_file), "-o", str(tmp_path / "p.mp4"), "-q", "--size", "64"]) == 0
    assert live.exists()


# 5: Ctrl-C (SIGINT to the process group, as a terminal sends it) is one line and exit 130
def test_5_ctrl_c_on_synth_dataset_is_one_line(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "medtalk", "synth", "dataset", str(tmp_path / "ds"), "--sentences", "400",
           "-j", "2", "-q"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, start_new_session=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + 60
    while not list((tmp_path / "ds").rglob("*.wav")) and time.time() < deadline:
        time.sleep(0.1)  # interrupt while the workers are busy
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:  # a hang fails the test, and leaves no processes behind
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130
    assert err.decode().strip() == "medtalk: interrupted"
    assert not [p for p in (tmp_path / "ds").rglob(".*") if p.is_file()]  # no temporaries


# 6 and 7: bounds in the argument checks
@pytest.mark.parametrize("args, word", [
    (["animate", "a.wav", "-o", "x.txt", "--intensity", "10"], "--intensity"),
    (["animate", "a.wav", "-o", "x.txt", "--fps", "100000"], "--fps"),
    (["animate", "a.wav", "-o", "x.txt", "--fps", "nan"], "--fps"),
    (["preview", "r.txt", "-o", "p.mp4", "--size", "20000"], "--size"),
    (["preview", "r.txt", "-o", "p.mp4", "--fps", "0"], "--fps"),
    (["livelink", "r.txt", "--target", "127.0.0.1:1", "--fps", "0"], "--fps"),
    (["train", "d", "-o", "r", "--augment", "2"], "--augment"),
    (["train", "d", "-o", "r", "--threads", "0"], "--threads"),
    (["synth", "dataset", "d", "--jobs", "0"], "--jobs"),
    (["synth", "say", "hi", "-o", "x.wav", "--seed", "-1"], "--seed"),
    (["animate", "--bogus"], "medtalk animate --help"),
])
def test_6_bounds_and_argument_errors_are_one_line(tmp_path: Path, capsys, args: list[str], word: str) -> None:
    os.chdir(tmp_path)
    assert main(args) == 2
    one_line_error(capsys, word)
    assert listing(tmp_path) == []


def test_7_blend_with_an_empty_part(tmp_path: Path, speech: Path, capsys) -> None:
    assert main(["animate", str(speech), "-o", str(tmp_path / "x.txt"), "-e", "happy,"]) == 2
    one_line_error(capsys, "empty part")


def test_7_timeline_past_the_end_of_the_audio(tmp_path: Path, speech: Path, capsys) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('[{"start": 0.5, "end": 30, "label": "happy"}]')
    assert main(["animate", str(speech), "-o", str(tmp_path / "x.txt"), "--timeline", str(plan)]) == 2
    one_line_error(capsys, "ends after the audio")


def test_7_transcript_far_longer_than_the_audio(tmp_path: Path, speech: Path, capsys) -> None:
    words = "word " * 50000
    assert main(["animate", str(speech), "-o", str(tmp_path / "x.txt"), "--transcript", words]) == 2
    one_line_error(capsys, "50000 words")
    assert listing(tmp_path) == []


# 4: a failed train blocks nothing and never writes into the dataset
def test_4_train_on_a_missing_dataset_leaves_no_run(tmp_path: Path, capsys) -> None:
    assert main(["train", str(tmp_path / "missing"), "-o", str(tmp_path / "runs" / "x"), "-q"]) == 2
    one_line_error(capsys, "no such dataset")
    assert listing(tmp_path) == []


def test_4_train_into_the_dataset_and_resume_of_nothing(tmp_path: Path, capsys) -> None:
    data = tmp_path / "ds"
    data.mkdir()
    (data / "config.json").write_text("{}")
    assert main(["train", str(data), "-o", str(data), "--force", "-q"]) == 2
    one_line_error(capsys, "inside the dataset")
    assert (data / "config.json").read_text() == "{}"
    assert main(["train", str(data), "-o", str(tmp_path / "run"), "--resume", "-q"]) == 2
    one_line_error(capsys, "nothing to resume")


def test_4_a_run_that_never_finished_an_epoch_does_not_block(tmp_path: Path) -> None:
    from medtalk.train.loop import TrainOptions, _prepare_run

    run = tmp_path / "run"
    run.mkdir()
    (run / "config.json").write_text("{}")
    _prepare_run(TrainOptions(data=tmp_path, run=run))
    assert not (run / "config.json").exists()
    (run / "state.pt").write_bytes(b"")
    with pytest.raises(MedtalkError, match="already holds a run"):
        _prepare_run(TrainOptions(data=tmp_path, run=run))


# 8: messages that help
def test_8_a_folder_as_audio(tmp_path: Path, capsys) -> None:
    assert main(["animate", str(tmp_path), "-o", str(tmp_path / "x.txt")]) == 2
    one_line_error(capsys, "is a folder, not an audio file")


def test_8_a_file_without_audio(tmp_path: Path, capsys) -> None:
    picture = tmp_path / "red.png"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=red:s=16x16", "-frames:v", "1",
                    str(picture)], check=True)
    assert main(["animate", str(picture), "-o", str(tmp_path / "x.txt")]) == 2
    err = one_line_error(capsys, "no audio stream")
    assert "trailing '?'" not in err


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` (Pillow reads the size before any pixels)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [12000, 40000])
def test_8_huge_photos_are_one_line(tmp_path: Path, capsys, side: int) -> None:
    from medtalk.guidance.landmarks import read_image

    photo = tmp_path / "huge.png"
    photo.write_bytes(_png_header(side, side))
    with pytest.raises(MedtalkError, match="scale it down"):
        read_image(photo)
    assert capsys.readouterr().err == ""  # no DecompressionBombWarning


# 1 and 9: long work in bounded memory gives the same result as all at once
def test_1_articulation_in_chunks_equals_all_at_once(monkeypatch) -> None:
    from medtalk.synth import visemes
    from medtalk.synth.performer import perform

    performance = perform("Peter bought my map. " * 3, "happy")
    segments = visemes.segment(performance.utterance.phones, performance.utterance.duration)
    frames = performance.rig.num_frames
    whole = visemes.articulate(segments, frames, 60.0, np.random.default_rng(0))
    monkeypatch.setattr(visemes, "CHUNK_FRAMES", 37)
    chunked = visemes.articulate(segments, frames, 60.0, np.random.default_rng(0))
    np.testing.assert_allclose(chunked, whole, atol=1e-7)
    assert np.abs(whole).max() > 0.1  # the lips move


def test_9_smoothing_and_writing_in_chunks_equal_all_at_once(tmp_path: Path, monkeypatch) -> None:
    from medtalk.rig import formats, smoothing

    values = np.random.default_rng(0).uniform(-0.2, 0.6, (1000, REST_POSE.size)).astype(np.float32)
    whole = smoothing.smooth(values)
    monkeypatch.setattr(smoothing, "SMOOTH_CHUNK", 7)
    np.testing.assert_array_equal(smoothing.smooth(values), whole)
    rig = RigSequence(whole, 60.0, {"text": "chunks"})
    for ext in (".txt", ".csv", ".json"):
        monkeypatch.setattr(formats, "WRITE_CHUNK", 10**6)
        one = write_rig(rig, tmp_path / f"one{ext}").read_bytes()
        monkeypatch.setattr(formats, "WRITE_CHUNK", 13)
        assert write_rig(rig, tmp_path / f"many{ext}").read_bytes() == one


@pytest.mark.parametrize("meta", ['[1, 2]', '{"emotion": 3}', '{"emotion": "happy", "fps": "sixty"}',
                                  '{"emotion": "happy", "fps": -1}', '{"emotion": "happy", "text": ["a"]}'])
def test_7_malformed_clip_metadata_is_one_line(tmp_path: Path, meta: str) -> None:
    from medtalk.data.clips import scan_clips

    for folder in ("WAV", "VALID_CTR", "META"):
        (tmp_path / folder).mkdir()
    (tmp_path / "WAV" / "c1.wav").write_bytes(b"")
    (tmp_path / "VALID_CTR" / "c1.txt").write_text("")
    (tmp_path / "META" / "c1.json").write_text(meta)
    with pytest.raises(MedtalkError, match="c1.json"):
        scan_clips(tmp_path)
    (tmp_path / "META" / "c1.json").write_text('{"emotion": "happy", "fps": 60, "text": "fine"}')
    assert scan_clips(tmp_path)[0].emotion == "happy"


def test_6_the_preview_size_bound_is_the_preview_faces_own() -> None:
    from medtalk.cli._common import MIN_PREVIEW_SIZE
    from medtalk.preview.draw import MIN_SIZE

    assert MIN_PREVIEW_SIZE == MIN_SIZE  # kept apart so `medtalk --help` need not import Pillow
