"""``medtalk synth say``: three outputs, all or nothing, one-line errors."""

from __future__ import annotations

import json
import wave

import numpy as np
import pytest

from medtalk.cli import main


def say(tmp_path, *extra: str, text: str = "Hello there, what a lovely day.") -> int:
    return main(["synth", "say", text, "-o", str(tmp_path / "clip.wav"), "--quiet", *extra])


def test_say_writes_speech_rig_and_metadata(tmp_path):
    assert say(tmp_path, "--emotion", "happy", "--seed", "3") == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.json", "clip.txt", "clip.wav"]
    with wave.open(str(tmp_path / "clip.wav")) as wav:
        assert (wav.getframerate(), wav.getnchannels()) == (16000, 1)
        duration = wav.getnframes() / 16000
    rig = np.loadtxt(tmp_path / "clip.txt", delimiter=",")
    assert rig.shape == (round(duration * 60), 174)
    meta = json.loads((tmp_path / "clip.json").read_text())
    assert meta["emotion"] == "happy" and meta["fps"] == 60.0
    assert len(meta["intensity"]) == len(rig)
    assert meta["words"][0]["text"] == "Hello"


def test_existing_outputs_need_force(tmp_path, capsys):
    (tmp_path / "clip.json").write_text("mine")
    assert say(tmp_path) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("medtalk: error:") and "--force" in err and "\n" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.json"]  # wav and txt not written either
    assert (tmp_path / "clip.json").read_text() == "mine"
    assert say(tmp_path, "--force") == 0
    assert json.loads((tmp_path / "clip.json").read_text())["emotion"] == "neutral"


@pytest.mark.parametrize("args, message", [
    (["--emotion", "bored"], "unknown emotion"),
    (["--voice", "xx-nowhere"], "unknown voice"),
])
def test_bad_input_writes_nothing(tmp_path, capsys, args, message):
    assert say(tmp_path, *args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not any(tmp_path.iterdir())


def test_empty_text_writes_nothing(tmp_path, capsys):
    assert say(tmp_path, text="  ") == 2
    assert "empty" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_unwritable_output(tmp_path, capsys):
    assert main(["synth", "say", "hi", "-o", str(tmp_path / "missing" / "clip.wav")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["synth", "say", "hi", "-o", str(tmp_path / "clip.mp3")]) == 2
    assert ".wav" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())
