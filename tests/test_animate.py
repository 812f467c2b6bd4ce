"""Animation end to end: the Python API and ``medtalk animate`` with the tiny trained model."""

from __future__ import annotations

import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

import medtalk
from medtalk.audio import SAMPLE_RATE, write_wav
from medtalk.cli import main
from medtalk.errors import MedtalkError
from medtalk.infer import predict
from medtalk.rig import NUM_CONTROLS, read_rig


def _frames_of(path: Path, fps: float) -> int:
    with wave.open(str(path)) as w:
        return round(w.getnframes() / w.getframerate() * fps)


@pytest.mark.parametrize("ext", [".txt", ".csv", ".json", ".npz"])
def test_cli_writes_every_rig_format(tmp_path: Path, model_path: Path, speech: Path, ext: str) -> None:
    out = tmp_path / f"rig{ext}"
    code = main(["animate", str(speech), "-o", str(out), "--model", str(model_path), "-e", "happy", "-q",
                 "--transcript", "what a lovely day"])
    assert code == 0
    rig = read_rig(out)
    assert rig.values.shape == (_frames_of(speech, 60), NUM_CONTROLS)
    assert np.isfinite(rig.values).all()


def test_cli_entry_point_and_fps(tmp_path: Path, model_path: Path, speech: Path) -> None:
    out = tmp_path / "rig.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "medtalk", "animate", str(speech), "-o", str(out), "--model", str(model_path),
         "--fps", "30"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert read_rig(out).values.shape[0] == _frames_of(speech, 30)
    again = subprocess.run(
        [sys.executable, "-m", "medtalk", "animate", str(speech), "-o", str(out), "--model", str(model_path)],
        capture_output=True, text=True)
    assert again.returncode == 2 and "--force" in again.stderr


def test_cli_preview_video(tmp_path: Path, model_path: Path) -> None:
    audio = tmp_path / "short.wav"
    write_wav(audio, 0.1 * np.sin(np.arange(SAMPLE_RATE // 2) * 0.05).astype(np.float32))
    out, video = tmp_path / "rig.txt", tmp_path / "face.mp4"
    code = main(["animate", str(audio), "-o", str(out), "--model", str(model_path), "--preview", str(video), "-q"])
    assert code == 0 and out.is_file() and video.stat().st_size > 1000


def _bad_inputs(tmp: Path) -> dict[str, list[str]]:
    (tmp / "notes.wav").write_text("this is not audio")
    write_wav(tmp / "empty.wav", np.zeros(0, np.float32))
    write_wav(tmp / "one.wav", np.zeros(1, np.float32))
    good = tmp / "good.wav"
    write_wav(good, np.zeros(SAMPLE_RATE, np.float32))
    return {
        "no such file": [str(tmp / "missing.wav"), "-o", str(tmp / "a.txt")],
        "not readable as audio": [str(tmp / "notes.wav"), "-o", str(tmp / "b.txt")],
        "empty": [str(tmp / "empty.wav"), "-o", str(tmp / "c.txt")],
        "too short": [str(tmp / "one.wav"), "-o", str(tmp / "d.txt")],
        "unknown emotion": [str(good), "-o", str(tmp / "e.txt"), "-e", "grumpy"],
        "does not exist": [str(good), "-o", str(tmp / "nowhere" / "f.txt")],
        "unknown rig format": [str(good), "-o", str(tmp / "g.mp4")],
    }


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, model_path: Path, capsys) -> None:
    for message, args in _bad_inputs(tmp_path).items():
        code = main(["animate", *args, "--model", str(model_path)])
        err = capsys.readouterr().err
        assert code == 2, message
        assert err.count("\n") == 1 and err.startswith("medtalk: error:") and message in err, err
    assert not list(tmp_path.glob("?.txt"))  # nothing half-written


def test_unwritable_folder(tmp_path: Path, model_path: Path, speech: Path, capsys) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.access(locked, os.W_OK):
        pytest.skip("running as a user who can write anywhere")
    assert main(["animate", str(speech), "-o", str(locked / "x.txt"), "--model", str(model_path)]) == 2
    assert "not writable" in capsys.readouterr().err


def test_silence_gives_a_valid_still_face(model_path: Path) -> None:
    model = medtalk.load_model(model_path)
    rig = medtalk.animate(np.zeros(2 * SAMPLE_RATE, np.float32), "angry", model=model)
    assert rig.values.shape == (120, NUM_CONTROLS) and np.isfinite(rig.values).all()
    assert rig.values.std(axis=0).max() < 0.05  # nothing moves without sound


def test_windowed_output_matches_one_shot_on_long_audio(model_path: Path, speech: Path) -> None:
    model = medtalk.load_model(model_path)
    clip = medtalk.audio.load_audio(speech)
    rng = np.random.default_rng(0)
    long = np.concatenate([clip * rng.uniform(0.5, 1.0) for _ in range(int(np.ceil(45 * SAMPLE_RATE / len(clip))))])
    long = long[: 45 * SAMPLE_RATE]
    windowed, _ = predict(model, long, 3)  # 20 s windows, 2 s crossfades
    one_shot, _ = predict(model, long, 3, window_seconds=60.0)
    assert windowed.shape == one_shot.shape == (2700, NUM_CONTROLS)
    error = np.abs(windowed - one_shot)
    # The CMF places frames by their relative position in what it sees (a 20 s window
    # or the whole clip), so the intensity, and with it the expression, can differ in
    # a few frames; the animation as a whole must not.
    assert error.mean() < 0.01 and np.percentile(error.max(axis=1), 99) < 0.1
    # no seam: the frame-to-frame change around window borders is like anywhere else
    step = np.abs(np.diff(windowed, axis=0)).max(axis=1)
    assert step[[1078, 1079, 1080, 1081, 2158, 2159, 2160]].max() <= 2 * np.percentile(step, 99)


def test_python_api_checks_its_arguments(model_path: Path) -> None:
    model = medtalk.load_model(model_path)
    wave_ = np.zeros(SAMPLE_RATE // 2, np.float32)
    with pytest.raises(MedtalkError, match="unknown emotion"):
        medtalk.animate(wave_, "grumpy", model=model)
    with pytest.raises(MedtalkError, match="intensity"):
        medtalk.animate(wave_, intensity=-1.0, model=model)
    with pytest.raises(MedtalkError, match="mono"):
        medtalk.animate(np.zeros((2, 100), np.float32), model=model)
    assert medtalk.animate(wave_, "surprise", model=model, fps=24).num_frames == 12


def test_shipped_model_rests_in_silence_and_articulates_speech() -> None:
    from medtalk.infer import default_model_path
    from medtalk.rig import index
    from medtalk.synth.speech import synthesize

    if not default_model_path().is_file():
        pytest.skip("no shipped model (run `make model`)")
    model = medtalk.load_model()
    jaw = index("CTRL_C_jaw-translateY")
    speech = synthesize("Hello there, how are you doing today?".split()).audio
    clip = np.concatenate([np.zeros(SAMPLE_RATE, np.float32), speech, np.zeros(SAMPLE_RATE, np.float32)])
    rig = medtalk.animate(clip, "neutral", model=model)
    silent = np.r_[0 : 40, rig.num_frames - 40 : rig.num_frames]  # the middle of each second of silence
    assert rig.values[silent, jaw].max() < 0.08
    talking = rig.values[70 : rig.num_frames - 70, jaw]
    assert talking.max() > 0.2 and talking.std() > 0.04  # opens and closes with the syllables


def test_the_console_command_leaves_at_once_with_its_output_whole(tmp_path: Path) -> None:
    """`medtalk animate` ends by os._exit (``medtalk.cli.command``): its stdout, a pipe here, still
    arrives whole, the rig is written, the status is kept, and a failure is one line."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    run = [sys.executable, "-m", "medtalk", "animate", str(root / "examples" / "jfk.flac"), "--no-transcribe"]
    done = subprocess.run([*run, "-o", str(tmp_path / "a.json")], capture_output=True, text=True, env=env)
    assert done.returncode == 0 and done.stdout.startswith(f"wrote {tmp_path / 'a.json'} (")
    assert read_rig(tmp_path / "a.json").num_frames == 660
    failed = subprocess.run([*run, "-o", str(tmp_path / "b.json"), "-e", "hapy"], capture_output=True, text=True,
                            env=env)
    assert failed.returncode == 2 and failed.stderr.startswith("medtalk: error: unknown emotion 'hapy'")
    assert failed.stdout == "" and not (tmp_path / "b.json").exists()
