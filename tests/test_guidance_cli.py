"""``medtalk face``: photo in, board pose out; one-line errors and nothing written on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from medtalk.cli import main
from medtalk.preview import render_frame
from medtalk.rig import REST_POSE, index, read_rig
from medtalk.synth.poses import pose

SMILE = REST_POSE + pose({"mouth_cornerPull": 0.8, "eye_cheekRaise": 0.6})
CORNERS = [index(f"CTRL_{side}_mouth_cornerPull-translateY") for side in "LR"]


@pytest.fixture(scope="module")
def faces(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Preview drawings of a resting and a smiling face: faces MediaPipe finds, made here."""
    folder = tmp_path_factory.mktemp("faces")
    render_frame(REST_POSE, 512).save(folder / "rest.png")
    render_frame(SMILE, 512).save(folder / "smile.png")
    return folder


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_face_to_pose_file_and_preview(faces: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    rest_pose, smile_pose, picture = tmp_path / "rest.txt", tmp_path / "smile.csv", tmp_path / "smile.png"
    assert run(capsys, "face", str(faces / "rest.png"), "-o", str(rest_pose))[0] == 0
    code, out, _ = run(capsys, "face", str(faces / "smile.png"), "-o", str(smile_pose), "--preview", str(picture))
    assert code == 0 and "wrote" in out
    rest, smile = read_rig(rest_pose), read_rig(smile_pose)
    assert rest.values.shape == smile.values.shape == (1, 174)
    assert len(rest_pose.read_text().splitlines()) == 1  # one EmoFace row
    assert smile.values[0, CORNERS].min() > rest.values[0, CORNERS].max() + 0.3
    assert Image.open(picture).size == (512, 512)


def test_json_on_stdout(faces: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(capsys, "face", str(faces / "smile.png"), "--json")
    assert code == 0
    controls = json.loads(out)["controls"]
    assert controls["CTRL_L_mouth_cornerPull-translateY"] > 0.3


def test_real_photo(reference: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "pose.json"
    assert run(capsys, "face", str(reference / "real/ravdess_01-01-03-02-01-01-24.png"), "-o", str(out))[0] == 0
    values = read_rig(out).values[0]
    assert values[CORNERS].min() > 0.3


@pytest.mark.parametrize("make, message", [
    (lambda p: Image.fromarray(np.full((200, 300, 3), 128, np.uint8)).save(p), "no face found"),
    (lambda p: p.write_bytes(b"\x89PNG not really"), "cannot read"),
    (lambda p: None, "no such image"),
])
def test_bad_photos(make, message: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    photo, out = tmp_path / "photo.png", tmp_path / "pose.txt"
    make(photo)
    code, _, err = run(capsys, "face", str(photo), "-o", str(out))
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_outputs_are_checked_before_any_work(faces: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    existing = tmp_path / "pose.txt"
    existing.write_text("keep me")
    code, _, err = run(capsys, "face", str(faces / "smile.png"), "-o", str(existing))
    assert code == 2 and "--force" in err and existing.read_text() == "keep me"
    code, _, err = run(capsys, "face", str(faces / "smile.png"), "-o", str(tmp_path / "pose.mp4"))
    assert code == 2 and "unknown rig format" in err
    code, _, err = run(capsys, "face", str(faces / "smile.png"), "-o", str(tmp_path / "a.txt"),
                       "--preview", str(existing))
    assert code == 2 and not (tmp_path / "a.txt").exists()
    code, _, err = run(capsys, "face", str(faces / "smile.png"))
    assert code == 2 and "nothing to write" in err
    code, _, err = run(capsys, "face", str(faces / "smile.png"), "-o", str(tmp_path / "missing" / "p.txt"))
    assert code == 2 and "does not exist" in err
    assert run(capsys, "face", str(faces / "smile.png"), "-o", str(existing), "--force")[0] == 0
    assert read_rig(existing).values.shape == (1, 174)
