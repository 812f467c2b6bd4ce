"""The 2D preview: the face responds to the board controls, videos and sheets are well formed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from medtalk.audio import write_wav
from medtalk.cli import main
from medtalk.errors import MedtalkError
from medtalk.preview import pick_frame, render_frame, render_sheet, render_video, rig_label
from medtalk.preview.draw import (
    BROW, EYE_WHITE, IRIS, LIP_LOWER, LIP_UPPER, MOUTH_INSIDE, PUPIL, SKIN, TEETH, TEETH_SHADED,
)
from medtalk.preview.poses import EMOTIONS, VISEMES, pose
from medtalk.rig import REST_POSE, RigSequence, index, read_rig, write_rig

SIZE = 256


def pixels(img: Image.Image, *colours: tuple[int, int, int], tol: float = 12.0) -> np.ndarray:
    """``(N, 2)`` x, y of the pixels within ``tol`` of any of ``colours``."""
    rgb = np.asarray(img, dtype=np.float32)
    near = np.zeros(rgb.shape[:2], dtype=bool)
    for c in colours:
        near |= np.linalg.norm(rgb - np.array(c, dtype=np.float32), axis=2) < tol
    ys, xs = np.nonzero(near)
    return np.stack([xs, ys], axis=1)


def upper(xy: np.ndarray, below: float = 0.55, above: float = 0.3) -> np.ndarray:
    """Pixels between the hairline and ``below`` (fractions of the height)."""
    return xy[(xy[:, 1] < below * SIZE) & (xy[:, 1] > above * SIZE)]


def face(values: np.ndarray) -> Image.Image:
    img = render_frame(values, SIZE)
    assert img.size == (SIZE, SIZE) and img.mode == "RGB"
    return img


def test_jaw_open_shows_the_mouth_interior_and_lips_together_closes_it():
    rest = len(pixels(face(pose()), MOUTH_INSIDE))
    opened = len(pixels(face(pose(C_jaw=0.6)), MOUTH_INSIDE))
    sealed = len(pixels(face(pose(C_jaw=0.6, mouth_lipsTogetherU=0.9, mouth_lipsTogetherD=0.9)), MOUTH_INSIDE))
    assert rest == 0
    assert opened > 150
    assert sealed < 0.2 * opened


def test_lip_depress_and_raise_part_the_lips_over_closed_teeth():
    def teeth(values: np.ndarray) -> int:
        xy = pixels(face(values), TEETH, TEETH_SHADED)
        return int((xy[:, 1] > 0.62 * SIZE).sum())

    assert teeth(pose()) == 0
    assert teeth(pose(mouth_lowerLipDepress=0.8, mouth_upperLipRaise=0.6)) > 40


def test_blink_closes_the_eyes_and_a_negative_blink_widens_them():
    eye_colours = (EYE_WHITE, IRIS, PUPIL)
    rest = len(upper(pixels(face(pose()), *eye_colours)))
    closed = len(upper(pixels(face(pose(eye_blink=1.0)), *eye_colours)))
    wide = len(upper(pixels(face(pose(eye_blink=-1.0)), *eye_colours)))
    assert closed < 0.05 * rest
    assert wide > 1.2 * rest


def test_brow_raise_moves_the_brows_up_and_brow_down_moves_them_down():
    def brow_y(values: np.ndarray) -> float:
        return float(upper(pixels(face(values), BROW), 0.5)[:, 1].mean())

    rest = brow_y(pose())
    assert brow_y(pose(brow_raiseIn=1.0, brow_raiseOut=1.0)) < rest - 6
    assert brow_y(pose(brow_down=1.0)) > rest + 4


def test_inner_brow_raise_lifts_the_inner_end_more_than_the_outer():
    def brow_ends(values: np.ndarray) -> tuple[float, float]:
        xy = upper(pixels(face(values), BROW), 0.5)
        right = xy[xy[:, 0] > SIZE / 2]  # the character's left brow
        inner = right[right[:, 0] < right[:, 0].min() + 5]
        outer = right[right[:, 0] > right[:, 0].max() - 5]
        return float(inner[:, 1].mean()), float(outer[:, 1].mean())

    inner0, outer0 = brow_ends(pose())
    inner1, outer1 = brow_ends(pose(brow_raiseIn=1.0))
    assert inner0 - inner1 > 2 * (outer0 - outer1)


def lip_corners(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Screen-left and screen-right extreme lip pixels ``(x, y)``."""
    xy = pixels(face(values), LIP_UPPER, LIP_LOWER, tol=20)
    xy = xy[xy[:, 1] > 0.6 * SIZE]
    left = xy[xy[:, 0] <= xy[:, 0].min() + 1].mean(axis=0)
    right = xy[xy[:, 0] >= xy[:, 0].max() - 1].mean(axis=0)
    return left, right


def test_corner_pull_moves_the_mouth_corners_up_and_out():
    (lx0, ly0), (rx0, ry0) = lip_corners(pose())
    (lx1, ly1), (rx1, ry1) = lip_corners(pose(mouth_cornerPull=1.0))
    assert lx1 < lx0 - 2 and rx1 > rx0 + 2  # wider
    assert ly1 < ly0 - 3 and ry1 < ry0 - 3  # higher


def test_corner_depress_moves_the_corners_down_and_purse_narrows_the_mouth():
    (lx0, ly0), (rx0, ry0) = lip_corners(pose())
    (_, ly1), (_, ry1) = lip_corners(pose(mouth_cornerDepress=1.0))
    (lx2, _), (rx2, _) = lip_corners(pose(mouth_purseU=1.0, mouth_purseD=1.0, mouth_towardsU=0.8, mouth_towardsD=0.8))
    assert ly1 > ly0 + 3 and ry1 > ry0 + 3
    assert (rx2 - lx2) < 0.75 * (rx0 - lx0)


def test_left_side_controls_move_the_screen_right_half_only():
    rest = np.asarray(face(pose()), dtype=np.int16)
    moved = np.asarray(face(pose(L_brow_raiseIn=1.0, L_eye_blink=1.0)), dtype=np.int16)
    changed = np.abs(moved - rest).sum(axis=2) > 30
    xs = np.nonzero(changed)[1]
    assert xs.size > 50 and xs.min() >= SIZE // 2 - 2


def test_gaze_moves_the_irises():
    def iris_x(values: np.ndarray) -> float:
        return float(upper(pixels(face(values), PUPIL))[:, 0].mean())

    assert iris_x(pose(C_eye_tx=1.0)) > iris_x(pose()) + 3 > iris_x(pose(C_eye_tx=-1.0)) + 6


@pytest.mark.parametrize("poses", [VISEMES, EMOTIONS], ids=["visemes", "emotions"])
def test_hand_built_poses_are_all_distinguishable(poses: dict[str, np.ndarray]):
    images = {name: np.asarray(face(values), dtype=np.int16) for name, values in poses.items()}
    names = list(images)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            changed = (np.abs(images[a] - images[b]).sum(axis=2) > 40).sum()
            assert changed > 100, f"{a} and {b} look the same"


def test_any_board_values_in_range_render():
    from medtalk.rig import RANGE_HI, RANGE_LO

    rng = np.random.default_rng(0)
    frames = [RANGE_LO, RANGE_HI, *rng.uniform(RANGE_LO, RANGE_HI, size=(8, len(RANGE_LO)))]
    for values in frames:
        assert render_frame(values.astype(np.float32), 96).size == (96, 96)


def test_blowing_widens_the_face():
    def face_width(values: np.ndarray) -> int:
        row = np.asarray(face(values), dtype=np.int16)[int(0.64 * SIZE)]
        skin = np.linalg.norm(row - np.array(SKIN), axis=1) < 20
        return int(np.flatnonzero(skin).ptp())

    assert face_width(pose(mouth_suckBlow=1.0)) > face_width(pose()) + 6


def test_render_frame_rejects_a_wrong_shape():
    with pytest.raises(ValueError):
        render_frame(np.zeros(10, dtype=np.float32))


def ffprobe(path: Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name,nb_frames,duration,width,height",
         "-of", "json", str(path)], capture_output=True, check=True, text=True).stdout
    return {s["codec_type"]: s for s in json.loads(out)["streams"]}


def talking_rig(frames: int = 30) -> RigSequence:
    t = np.arange(frames) / 60.0
    values = np.tile(REST_POSE, (frames, 1))
    values[:, index("CTRL_C_jaw-translateY")] = 0.3 + 0.3 * np.sin(2 * np.pi * 3 * t)
    return RigSequence(values, 60.0, {"emotion": "happy"})


@pytest.mark.parametrize("audio_seconds", [1.2, 0.2])
def test_video_has_h264_and_aac_of_the_rig_duration(tmp_path: Path, audio_seconds: float):
    audio = write_wav(tmp_path / "a.wav", 0.1 * np.sin(np.arange(int(16000 * audio_seconds)) * 0.05))
    out = render_video(talking_rig(30), tmp_path / "v.mp4", audio=audio, curves=True, size=128, progress=False)
    streams = ffprobe(out)
    video, sound = streams["video"], streams["audio"]
    assert video["codec_name"] == "h264" and sound["codec_name"] == "aac"
    assert int(video["nb_frames"]) == 30
    assert (video["width"], video["height"]) == (128, 128 + 40)  # face + curve strip
    assert float(video["duration"]) == pytest.approx(0.5, abs=0.02)
    assert float(sound["duration"]) == pytest.approx(0.5, abs=0.05)  # padded or trimmed to the rig
    assert list(tmp_path.glob(".*")) == []  # no temporary left behind


def test_side_by_side_video_holds_the_shorter_rig(tmp_path: Path):
    out = render_video([talking_rig(12), talking_rig(6)], tmp_path / "v.mp4", size=64, progress=False,
                       labels=["pred", "truth"])
    video = ffprobe(out)["video"]
    assert int(video["nb_frames"]) == 12 and video["width"] == 128


def test_sheet_has_one_labelled_panel_per_rig(tmp_path: Path):
    panels = [(f"p{i}", pose(C_jaw=0.1 * i)) for i in range(8)]
    out = render_sheet(panels, tmp_path / "s.png", size=64)
    with Image.open(out) as img:
        assert img.size[0] == 4 * 64  # 8 panels wrap into two rows of 4
        assert img.size[1] > 2 * 64 and img.size[1] < 2 * 2 * 64


def test_pick_frame_finds_the_most_expressive_frame_or_the_given_time():
    rig = talking_rig(30)
    rig.values[:, index("CTRL_C_jaw-translateY")] = 0.2
    for name in ("L_brow_raiseIn", "R_brow_raiseIn", "L_mouth_cornerPull", "R_mouth_cornerPull"):
        rig.values[17, index(f"CTRL_{name}-translateY")] = 1.0
    assert pick_frame(rig) == 17
    assert pick_frame(rig, 0.25) == 15
    with pytest.raises(MedtalkError):
        pick_frame(rig, 5.0)


def test_rig_label_is_the_file_then_what_it_shows(tmp_path: Path):
    rig = talking_rig(3)
    json_rig = write_rig(rig, tmp_path / "a.json")
    assert rig_label(json_rig, read_rig(json_rig)) == "a\nhappy"
    txt = write_rig(RigSequence(rig.values), tmp_path / "b.txt")
    assert rig_label(txt, read_rig(txt)) == "b"
    (tmp_path / "b.json").write_text(json.dumps({"emotion": "sad", "text": "so long"}))
    assert rig_label(txt, read_rig(txt)) == "b\nsad: so long"
    photo = write_rig(RigSequence(rig.values, metadata={"emotion": "image '/photos/me.jpg'"}), tmp_path / "c.npz")
    assert rig_label(photo, read_rig(photo)) == "c\nphoto me.jpg"


def test_cli_writes_a_video_and_a_sheet(tmp_path: Path):
    rig = write_rig(talking_rig(20), tmp_path / "r.npz")
    code = main(["preview", str(rig), "-o", str(tmp_path / "v.mp4"), "--sheet", str(tmp_path / "s.png"),
                 "--size", "96", "--quiet"])
    assert code == 0
    assert int(ffprobe(tmp_path / "v.mp4")["video"]["nb_frames"]) == 20
    assert Image.open(tmp_path / "s.png").size[0] == 96


@pytest.mark.parametrize("problem", ["missing rig", "missing audio", "not audio", "exists", "no output", "odd size",
                                     "bad video format", "bad time"])
def test_cli_errors_exit_2_and_write_nothing(tmp_path: Path, capsys, problem: str):
    rig = str(write_rig(talking_rig(5), tmp_path / "r.npz"))
    out = tmp_path / "v.mp4"
    sheet = tmp_path / "s.png"
    args = ["preview", rig, "-o", str(out), "--sheet", str(sheet), "--size", "64", "-q"]
    if problem == "missing rig":
        args[1] = str(tmp_path / "nope.txt")
    elif problem == "missing audio":
        args += ["--audio", str(tmp_path / "nope.wav")]
    elif problem == "not audio":
        (tmp_path / "fake.wav").write_text("not a wave file")
        args += ["--audio", str(tmp_path / "fake.wav")]
    elif problem == "exists":
        out.write_bytes(b"keep me")
    elif problem == "no output":
        args = ["preview", rig]
    elif problem == "odd size":
        args[args.index("64")] = "65"
    elif problem == "bad video format":
        out = tmp_path / "v.gif"
        args[3] = str(out)
    elif problem == "bad time":
        args += ["--time", "10"]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("medtalk: error:") and "\n" not in err
    assert not sheet.exists()
    assert out.read_bytes() == b"keep me" if problem == "exists" else not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_real_capture_renders_with_an_open_mouth_at_its_peak(reference: Path):
    rig = read_rig(reference / "real" / "emoface_angry_gd04_001_021.txt")
    jaw = rig["CTRL_C_jaw-translateY"]
    widest = render_frame(rig.values[int(np.argmax(jaw))], SIZE)
    closed = render_frame(rig.values[int(np.argmin(jaw))], SIZE)
    assert len(pixels(widest, MOUTH_INSIDE)) > len(pixels(closed, MOUTH_INSIDE)) + 50


def test_catmull_rom_passes_through_its_control_points():
    from medtalk.preview.splines import catmull_rom

    points = np.array([[0.0, 0.0], [1.0, 2.0], [3.0, 1.0], [4.0, 4.0]])
    open_curve = catmull_rom(points, samples=5)
    assert len(open_curve) == 3 * 5 + 1
    np.testing.assert_allclose(open_curve[::5], points)
    closed = catmull_rom(points, closed=True, samples=5)
    np.testing.assert_allclose(closed[::5], points)


def test_real_capture_video_with_its_48k_speech(reference: Path, tmp_path: Path):
    clip = reference / "real" / "emoface_angry_gd04_001_021"
    rig = read_rig(clip.with_suffix(".txt"))
    out = render_video(rig, tmp_path / "real.mp4", audio=clip.with_suffix(".wav"), size=96, progress=False)
    streams = ffprobe(out)
    assert int(streams["video"]["nb_frames"]) == rig.num_frames == 202
    assert float(streams["audio"]["duration"]) == pytest.approx(rig.duration, abs=0.05)
