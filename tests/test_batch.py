"""``medtalk batch``: the manifest, bad lines, resuming (also after SIGKILL), with the shipped model and
real espeak-ng speech."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from medtalk.audio import write_wav
from medtalk.batch.manifest import read_manifest
from medtalk.cli import main
from medtalk.errors import MedtalkError

ROOT = Path(__file__).resolve().parents[1]
SENTENCES = ["Peter bought my map.", "What a lovely day it is today.", "Do you know where the station is?",
             "She sells sea shells by the sea shore."]


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of espeak-ng sentences ``s0.wav``.. (1.5-3 s each)."""
    from medtalk.synth.speech import synthesize

    folder = tmp_path_factory.mktemp("clips")
    for k, text in enumerate(SENTENCES):
        write_wav(folder / f"s{k}.wav", synthesize(text.split(), rate=150 + 10 * k).audio)
    return folder


def write_csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def report(out: Path, key: str = "name") -> dict[str, dict[str, str]]:
    """The rows of ``OUT/report.csv`` by name (or by another column)."""
    import csv

    with open(out / "report.csv", newline="") as f:
        return {row[key]: row for row in csv.DictReader(f)}


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but the report (its timings differ from run to run), by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "report.csv"}


def test_manifest_csv_and_jsonl(clips: Path) -> None:
    csv_lines = read_manifest(write_csv(clips / "m.csv", "audio,name,transcript,emotion,intensity,language", [
        's0.wav,,"Peter bought my map.",happy,0.5,en', f"{clips / 's1.wav'},second,,,,"]))
    (clips / "m.jsonl").write_text(
        json.dumps({"audio": "s0.wav", "transcript": "Peter bought my map.", "emotion": "happy",
                    "intensity": 0.5, "language": "en"}) + "\n\n" + json.dumps({"audio": "s1.wav", "name": "second"}))
    for lines in (csv_lines, read_manifest(clips / "m.jsonl")):
        first, second = lines
        assert first.audio == clips / "s0.wav" and first.name == "s0" and first.intensity == 0.5
        assert (first.emotion, first.transcript, first.language, first.error) == ("happy", "Peter bought my map.",
                                                                                   "en", None)
        assert second.audio == clips / "s1.wav" and second.name == "second" and second.emotion is None


def test_malformed_rows_fail_alone(tmp_path: Path) -> None:
    (tmp_path / "m.jsonl").write_text("\n".join([
        '{"audio": "a.wav"}', '{"audio": "b.wav", "emotoin": "sad"}', '{"audio": ', '["c.wav"]',
        '{"audio": "d.wav", "intensity": "loud"}', '{"audio": "e.wav", "language": "english!"}',
        '{"audio": "f.wav", "transcript": "hi", "transcript_file": "f.txt"}', '{"audio": "x/a.wav"}',
        '{"audio": "g.wav", "name": "../g"}', '{"audio": 3}', '{"audio": "h.wav", "intensity": 7}']))
    errors = {line.number: line.error for line in read_manifest(tmp_path / "m.jsonl")}
    assert errors[1] is None
    for number, message in [(2, "unknown key(s) 'emotoin'"), (3, "not valid JSON"), (4, "expected a JSON object"),
                            (5, "intensity must be a number"), (6, "not a language code"), (7, "not both"),
                            (8, "name 'a' is already used by line 1"), (9, "plain file name"),
                            (10, "audio must be a string"), (11, "intensity must be 0-3, got 7")]:
        assert message in errors[number], (number, errors[number])


@pytest.mark.parametrize("name,text,message", [
    ("m.txt", "audio\ns0.wav\n", "unknown manifest format"),
    ("m.csv", "", "empty"),
    ("m.csv", "name,transcript\nx,hello\n", "needs an audio column"),
    ("m.csv", "audio,emotoin\ns0.wav,happy\n", "unknown column(s) 'emotoin'"),
    ("m.csv", "audio,name,audio\ns0.wav,a,s1.wav\n", "given twice"),
    ("m.csv", "audio\n", "no lines"),
    ("m.jsonl", "audio,name\ns0.wav,a\n", "JSONL manifest has one object per line"),
    ("m.csv", b"audio\n\xff\xfe.wav\n", "cannot read the manifest"),
])
def test_malformed_manifest_is_one_line_before_any_work(tmp_path: Path, capsys, name: str, text, message: str
                                                          ) -> None:
    manifest = tmp_path / name
    manifest.write_bytes(text if isinstance(text, bytes) else text.encode())
    code = main(["batch", str(manifest), "-o", str(tmp_path / "out"), "-q"])
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()
    with pytest.raises(MedtalkError, match="no such manifest"):
        read_manifest(tmp_path / "missing.csv")


def test_bad_lines_are_reported_and_the_rest_goes_on(clips: Path, tmp_path: Path, capsys) -> None:
    (tmp_path / "corrupt.wav").write_text("not audio at all")
    write_wav(tmp_path / "quiet.wav", np.zeros(16000, np.float32))
    manifest = write_csv(tmp_path / "m.csv", "audio,name,transcript,emotion,intensity", [
        f"{clips / 's0.wav'},good,Peter bought my map.,happy,",
        "missing.wav,missing,,,",
        "corrupt.wav,corrupt,,,",
        f"{clips / 's1.wav'},grumpy,,grumpy,",
        f"{clips / 's2.wav'},extra,,,,surplus",
        f"{clips / 's2.wav'},loud,,,very",
        f"{clips / 's3.wav'},good,,,",
        f"quiet.wav,quiet,{' '.join(['word'] * 25)},,",
        ",noaudio,,,",
    ])
    code = main(["batch", str(manifest), "-o", str(tmp_path / "out"), "-j", "1", "-q"])
    rows = report(tmp_path / "out", key="line")
    assert code == 1
    assert {k: row["status"] for k, row in rows.items()} == {
        "2": "done", "3": "failed", "4": "failed", "5": "failed", "6": "failed", "7": "failed", "8": "failed",
        "9": "done", "10": "failed"}
    assert "no such audio file" in rows["3"]["error"]
    assert rows["4"]["error"].startswith(f"{tmp_path / 'corrupt.wav'}: not readable as audio")
    assert "unknown emotion 'grumpy'" in rows["5"]["error"]
    assert "expected 5 fields" in rows["6"]["error"] and "must be a number" in rows["7"]["error"]
    assert "no audio" in rows["10"]["error"]
    assert "silent" in rows["9"]["warnings"] and "does it match the audio" in rows["9"]["warnings"]
    assert float(rows["2"]["duration_s"]) > 1 and float(rows["2"]["animate_s"]) > 0
    err = capsys.readouterr().err
    assert "line 8 (good): name 'good' is already used by line 2" in err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "good.batch.json", "good.txt", "quiet.batch.json", "quiet.txt", "report.csv"]


def test_same_rig_as_medtalk_animate(clips: Path, tmp_path: Path) -> None:
    """The batch is a front door: its rig is `medtalk animate`'s (to the last printed digit: a batch worker
    runs one torch thread, animate two, and the sums round apart by 1e-6)."""
    manifest = write_csv(tmp_path / "m.csv", "audio,transcript,emotion,intensity",
                         [f"{clips / 's0.wav'},Peter bought my map.,happy:0.7;surprised:0.3,0.8".replace(";", ",")
                          .replace("happy:0.7,surprised:0.3", '"happy:0.7,surprised:0.3"')])
    assert main(["batch", str(manifest), "-o", str(tmp_path / "out"), "-q", "--export", "json"]) == 0
    assert main(["animate", str(clips / "s0.wav"), "-o", str(tmp_path / "one.txt"), "-q", "--transcript",
                 "Peter bought my map.", "-e", "happy:0.7,surprised:0.3", "--intensity", "0.8"]) == 0
    batch, alone = (np.loadtxt(tmp_path / name, delimiter=",") for name in ("out/s0.txt", "one.txt"))
    assert batch.shape == alone.shape and np.abs(batch - alone).max() <= 2e-6
    assert json.loads((tmp_path / "out" / "s0" / "s0.json").read_text())["metadata"]["source"] == str(clips / "s0.wav")


def test_a_line_without_a_transcript_is_transcribed_as_medtalk_animate_does(clips: Path, tmp_path: Path) -> None:
    manifest = write_csv(tmp_path / "m.csv", "audio,emotion", [f"{clips / 's1.wav'},happy"])
    out = tmp_path / "out"
    assert main(["batch", str(manifest), "-o", str(out), "-q", "--export", "json", "--whisper", "tiny.en"]) == 0
    heard = json.loads((out / "s1" / "s1.json").read_text())["metadata"]["transcription"]
    assert heard["language"] == "en" and "lovely day" in heard["text"].lower() and "note" not in heard
    assert main(["animate", str(clips / "s1.wav"), "-o", str(tmp_path / "one.txt"), "-q", "-e", "happy",
                 "--whisper", "tiny.en"]) == 0
    batch, alone = (np.loadtxt(path, delimiter=",") for path in (out / "s1.txt", tmp_path / "one.txt"))
    assert batch.shape == alone.shape and np.abs(batch - alone).max() <= 2e-6
    # from the audio alone: another setting, so the line is redone, and no transcription
    assert main(["batch", str(manifest), "-o", str(out), "-q", "--export", "json", "--no-transcribe"]) == 0
    assert report(out)["s1"]["status"] == "done"
    assert "transcription" not in json.loads((out / "s1" / "s1.json").read_text())["metadata"]
    assert np.abs(np.loadtxt(out / "s1.txt", delimiter=",") - batch).max() > 1e-3


def test_language_other_than_english_places_no_phones(clips: Path) -> None:
    from medtalk.audio import load_audio
    from medtalk.infer import load_model, transcript_inputs

    model = load_model()
    assert model.config.content.phones, "the shipped model has the phonetic correction"
    wave = load_audio(clips / "s0.wav")
    assert transcript_inputs(model, wave, SENTENCES[0]).phones is not None
    assert transcript_inputs(model, wave, SENTENCES[0], language="en-US").phones is not None
    assert transcript_inputs(model, wave, SENTENCES[0], language="de").phones is None


def test_rerun_skips_unchanged_redoes_changed(clips: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    rows = [f"{clips / f's{k}.wav'},{SENTENCES[k]},sad" for k in range(3)]
    manifest = write_csv(tmp_path / "m.csv", "audio,transcript,emotion", rows)
    assert main(["batch", str(manifest), "-o", str(out), "-q", "--export", "maya"]) == 0
    first = tree(out)
    assert main(["batch", str(manifest), "-o", str(out), "-q", "--export", "maya"]) == 0
    assert {r["status"] for r in report(out).values()} == {"skipped"} and tree(out) == first
    rows[1] = rows[1].replace(",sad", ",happy")
    write_csv(manifest, "audio,transcript,emotion", rows)
    assert main(["batch", str(manifest), "-o", str(out), "-q", "--export", "maya"]) == 0
    assert {n: r["status"] for n, r in report(out).items()} == {"s0": "skipped", "s1": "done", "s2": "skipped"}
    assert tree(out)["s1.txt"] != first["s1.txt"] and tree(out)["s0.txt"] == first["s0.txt"]
    # another export target: redone everywhere, and the files of the old one are gone
    assert main(["batch", str(manifest), "-o", str(out), "-q", "--export", "arkit-csv"]) == 0
    assert {r["status"] for r in report(out).values()} == {"done"}
    assert sorted(p.name for p in (out / "s0").iterdir()) == ["s0_arkit.csv"]


def test_foreign_files_need_force(clips: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "s0.txt").write_text("mine\n")
    manifest = write_csv(tmp_path / "m.csv", "audio", [str(clips / "s0.wav"), str(clips / "s1.wav")])
    assert main(["batch", str(manifest), "-o", str(out), "-q"]) == 1
    assert "use --force" in report(out)["s0"]["error"] and (out / "s0.txt").read_text() == "mine\n"
    assert report(out)["s1"]["status"] == "done"
    assert main(["batch", str(manifest), "-o", str(out), "-q", "--force"]) == 0
    assert {r["status"] for r in report(out).values()} == {"done"}


def _batch(manifest: Path, out: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "medtalk", "batch", str(manifest), "-o", str(out), "-q",
                             "--export", "unreal", *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


@pytest.mark.slow
def test_killed_run_resumes_byte_identical(clips: Path, tmp_path: Path) -> None:
    """SIGKILL to the whole process group midway, run again: the same bytes as an uninterrupted run,
    nothing lost, nothing left over, the finished lines not redone."""
    rows = [f"{clips / f's{k % 4}.wav'},line{k:02d},{SENTENCES[k % 4]},{['happy', 'sad', 'angry'][k % 3]}"
            for k in range(24)]
    manifest = write_csv(tmp_path / "m.csv", "audio,name,transcript,emotion", rows)
    out, reference = tmp_path / "out", tmp_path / "reference"
    assert _batch(manifest, out, "-j", "2").wait() == 0
    out.rename(reference)  # export scripts name their folder: compare runs into the same path

    run = _batch(manifest, out, "-j", "2")
    deadline = time.monotonic() + 600
    while len(list(out.glob("*.batch.json"))) < 6 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    done_before = {p.name.removesuffix(".batch.json") for p in out.glob("*.batch.json")
                   if json.loads(p.read_text())["hash"] is not None}
    assert 0 < len(done_before) < 24, "the kill must land midway for this test to mean anything"

    again = _batch(manifest, out, "-j", "2")
    assert again.wait() == 0, again.stderr.read().decode()
    assert tree(out) == tree(reference)
    statuses = {name: row["status"] for name, row in report(out).items()}
    assert {n for n, s in statuses.items() if s == "skipped"} == done_before
    assert set(statuses.values()) == {"skipped", "done"}
