import json

import numpy as np
import pytest

from medtalk import rig
from medtalk.errors import MedtalkError
from medtalk.rig import CONTROL_NAMES, RigSequence, read_rig, write_rig


def test_column_order_matches_published_list(reference):
    published = (reference / "metahuman_controls.txt").read_text().split()
    assert len(published) == 174
    for i, (ours, theirs) in enumerate(zip(CONTROL_NAMES, published)):
        if i in (25, 26):
            assert ours == theirs.replace("tongue_tip", "tongue_roll")
        else:
            assert ours == theirs


def test_names_unique_and_sides():
    assert len(set(CONTROL_NAMES)) == 174
    assert rig.CONTROLS[rig.index("CTRL_L_brow_down-translateY")].side == "L"
    assert rig.CONTROLS[rig.index("CTRL_R_eye_blink-translateY")].side == "R"
    assert rig.CONTROLS[rig.index("CTRL_C_jaw-translateY")].side == "C"
    assert rig.index("CTRL_C_jaw.ty") == 4


def test_ranges_two_sided_per_integration_notes():
    two = {c.name for c in rig.CONTROLS if c.two_sided}
    for name in ("CTRL_L_eye_blink-translateY", "CTRL_C_jaw-translateX", "CTRL_C_mouth-translateY",
                 "CTRL_L_mouth_suckBlow-translateY", "CTRL_R_nose-translateY", "CTRL_C_tongue_inOut-translateY",
                 "CTRL_L_mouth_lipsRollU-translateY", "CTRL_L_eye_eyelidU-translateY"):
        assert name in two
    for name in ("CTRL_C_jaw-translateY", "CTRL_L_mouth_cornerPull-translateY", "CTRL_L_brow_down-translateY",
                 "CTRL_L_mouth_purseU-translateY"):
        assert name not in two


def test_regions_and_sets():
    names = lambda idx: {CONTROL_NAMES[i] for i in idx}
    assert "CTRL_C_jaw-translateY" in names(rig.S_LIP)
    assert "CTRL_L_mouth_purseU-translateY" in names(rig.S_LIP)
    assert "CTRL_L_brow_down-translateY" not in names(rig.S_LIP)
    assert "CTRL_L_brow_down-translateY" in names(rig.S_UP)
    assert "CTRL_L_eye-translateX" not in names(rig.S_UP)
    assert "CTRL_L_mouth_cornerPull-translateY" in names(rig.S_EMO)
    assert "CTRL_L_mouth_purseU-translateY" not in names(rig.S_EMO)
    assert "CTRL_L_mouth_lowerLipDepress-translateY" not in names(rig.S_EMO)
    assert "CTRL_L_mouth_pressU-translateY" in names(rig.S_EMO)
    assert set(names(rig.S_UP)) <= set(names(rig.S_EMO))
    assert rig.S_INT.tolist() == [29, 30, 31, 32, 36, 43, 53, 98, 99, 100, 101, 105, 112, 122]


def _random_rig(frames=12, seed=0):
    rng = np.random.default_rng(seed)
    values = rng.uniform(rig.RANGE_LO, rig.RANGE_HI, size=(frames, 174)).astype(np.float32)
    return RigSequence(values, 60.0, {"emotion": "happy"})


@pytest.mark.parametrize("ext", [".txt", ".csv", ".json", ".npz"])
def test_round_trip(tmp_path, ext):
    seq = _random_rig()
    path = write_rig(seq, tmp_path / f"clip{ext}")
    back = read_rig(path)
    np.testing.assert_allclose(back.values, seq.values, atol=1e-6)
    assert back.fps == 60.0
    if ext in (".json", ".npz"):
        assert back.metadata == {"emotion": "happy"}


def test_csv_has_header_and_time(tmp_path):
    seq = _random_rig(frames=3).resample(30.0, 3)
    write_rig(seq, tmp_path / "a.csv")
    lines = (tmp_path / "a.csv").read_text().splitlines()
    assert lines[0].split(",")[0] == "time" and lines[0].split(",")[1:] == list(CONTROL_NAMES)
    assert float(lines[2].split(",")[0]) == pytest.approx(1 / 30, abs=1e-6)
    assert read_rig(tmp_path / "a.csv").fps == 30.0


def test_reads_real_capture(reference):
    seq = read_rig(reference / "real" / "emoface_angry_gd04_001_021.txt")
    assert seq.values.shape == (202, 174) and seq.fps == 60.0


def test_write_refuses_to_overwrite_without_force(tmp_path):
    seq = _random_rig()
    write_rig(seq, tmp_path / "a.txt")
    with pytest.raises(MedtalkError, match="--force"):
        write_rig(seq, tmp_path / "a.txt")
    write_rig(seq, tmp_path / "a.txt", force=True)


def test_unwritable_leaves_nothing(tmp_path):
    with pytest.raises(MedtalkError, match="does not exist"):
        write_rig(_random_rig(), tmp_path / "missing" / "a.txt")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "content, message",
    [
        ("1,2,3\n", "has 3 values, expected 174"),
        (",".join(["0"] * 173 + ["abc"]) + "\n", "non-numeric value 'abc'"),
        (",".join(["0"] * 173 + ["nan"]) + "\n", "is nan"),
        (",".join(["0"] * 173 + ["inf"]) + "\n", "is inf"),
        (",".join(["0"] * 4 + ["3.5"] + ["0"] * 169) + "\n", "outside its range"),
        ("", "no frames"),
    ],
)
def test_bad_txt_input_is_one_clear_line(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_text(content)
    with pytest.raises(MedtalkError, match=message) as info:
        read_rig(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_bad_json_and_extension(tmp_path):
    (tmp_path / "x.json").write_text(json.dumps({"nope": 1}))
    with pytest.raises(MedtalkError, match="not a medtalk rig JSON"):
        read_rig(tmp_path / "x.json")
    with pytest.raises(MedtalkError, match="unknown rig format"):
        read_rig(tmp_path / "x.bvh")


def test_resample_frame_count_and_values():
    values = np.zeros((61, 174), np.float32)
    values[:, 4] = np.linspace(0, 1, 61)  # jaw open ramps over one second
    seq = RigSequence(values, 60.0)
    half = seq.resample(30.0)
    assert half.num_frames == round(seq.duration * 30)
    np.testing.assert_allclose(half.values[:, 4], np.arange(half.num_frames) / 30, atol=1e-6)


def test_rest_pose_has_neck_corrective_settings():
    rest = RigSequence.rest(5)
    assert rest["CTRL_neckCorrectivesMultiplyerU-translateY"][0] == pytest.approx(0.8)
    assert rest["CTRL_C_jaw-translateY"].max() == 0
