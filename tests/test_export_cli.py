"""``medtalk export`` and ``medtalk livelink`` from the command line: outputs and one-line errors."""

from __future__ import annotations

import os
import socket

import numpy as np
import pytest
from export_samples import random_rig

from medtalk.cli import main
from medtalk.export.arkit import CSV_COLUMNS
from medtalk.export.livelink import decode
from medtalk.rig import write_rig


@pytest.fixture
def rig_file(tmp_path):
    path = tmp_path / "take.txt"
    write_rig(random_rig(12, seed=1), path)
    return path


def one_line_error(capsys, *fragments: str) -> None:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("medtalk: error: "), err
    for fragment in fragments:
        assert fragment in err, err


def test_export_all_writes_every_file_once(rig_file, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["export", str(rig_file), "--to", "all", "-o", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    names = sorted(p.name for p in out.iterdir())
    assert sorted(os.path.basename(p) for p in printed) == names
    assert names == sorted(["take_expressions.csv", "take_curve_table.json", "take_unreal_anim.py",
                            "take_board.csv", "take_unreal_ctrlrig.py", "take_maya.py", "take_arkit.csv",
                            "take_blender.py", "take.json"])


def test_export_options_reach_the_scripts(rig_file, tmp_path):
    out = tmp_path / "out"
    args = ["export", str(rig_file), "--to", "maya", "-o", str(out), "--name", "shot", "--namespace", "ada",
            "--fps", "30", "--start-frame", "101", "-q"]
    assert main(args) == 0
    script = (out / "shot_maya.py").read_text()
    assert "'namespace': 'ada'" in script and "'time_unit': 'ntsc'" in script and "'start_frame': 101" in script


def test_existing_outputs_need_force(rig_file, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["export", str(rig_file), "--to", "unreal", "-o", str(out), "-q"]) == 0
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    assert main(["export", str(rig_file), "--to", "all", "-o", str(out)]) == 2
    one_line_error(capsys, "exists (use --force to overwrite)")
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before  # nothing written
    assert main(["export", str(rig_file), "--to", "all", "-o", str(out), "--force", "-q"]) == 0


def test_unknown_target(rig_file, tmp_path, capsys):
    assert main(["export", str(rig_file), "--to", "fbx", "-o", str(tmp_path)]) == 2
    one_line_error(capsys, "unknown export target 'fbx'", "unreal, maya, blender")


def test_wrong_column_count(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_text("\n".join(",".join(["0.1"] * 173) for _ in range(3)) + "\n")
    assert main(["export", str(bad), "--to", "json", "-o", str(tmp_path / "out")]) == 2
    one_line_error(capsys, "173 values, expected 174")
    assert not (tmp_path / "out").exists()


def test_unwritable_output_folders(rig_file, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["export", str(rig_file), "--to", "json", "-o", str(blocker)]) == 2
    one_line_error(capsys, "is a file, not a folder")
    assert main(["export", str(rig_file), "--to", "json", "-o", str(blocker / "sub")]) == 2
    one_line_error(capsys, "cannot create output folder")
    if os.geteuid() != 0:  # root may write anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        assert main(["export", str(rig_file), "--to", "json", "-o", str(locked)]) == 2
        one_line_error(capsys, "not writable")


def test_bad_curve_table(rig_file, tmp_path, capsys):
    table = tmp_path / "t.json"
    table.write_text('{"segments": [{"control": "CTRL_C_jaw.ty"}]}')
    assert main(["export", str(rig_file), "--to", "unreal", "-o", str(tmp_path / "o"), "--curve-table",
                 str(table)]) == 2
    one_line_error(capsys, "segment 0: missing 'curve'")
    assert not (tmp_path / "o").exists()  # the folder the export would have made is not left behind


@pytest.mark.parametrize("target, message", [
    ("host", "is not HOST:PORT"), ("host:99999", "port 99999"), (":80", "is not HOST:PORT"),
    ("nonexistent.invalid:11111", "cannot resolve"),
])
def test_livelink_bad_targets(rig_file, capsys, target, message):
    assert main(["livelink", str(rig_file), "--target", target, "-q"]) == 2
    one_line_error(capsys, message)


def test_livelink_streams_to_a_local_receiver(rig_file, capsys, patient_stream):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver:
        receiver.bind(("127.0.0.1", 0))
        receiver.settimeout(2.0)
        port = receiver.getsockname()[1]
        assert main(["livelink", str(rig_file), "--target", f"127.0.0.1:{port}", "--subject", "Ada"]) == 0
        packets = [decode(receiver.recv(65536)) for _ in range(12)]
    assert [p.frame for p in packets] == list(range(12)) and {p.subject for p in packets} == {"Ada"}
    out = capsys.readouterr().out
    assert "streaming 12 frames" in out and "sent 12 frames, dropped 0" in out
    assert np.isfinite([v for p in packets for v in p.values]).all()


def test_the_real_take_exports_to_every_target(reference, tmp_path):
    take = reference / "real" / "emoface_angry_gd04_001_021.txt"
    out = tmp_path / "out"
    assert main(["export", str(take), "--to", "all", "-o", str(out), "--name", "take", "-q"]) == 0
    arkit = np.loadtxt(out / "take_arkit.csv", delimiter=",", skiprows=1, usecols=range(2, 63))
    assert arkit.shape == (202, 61) and arkit[:, :52].min() >= 0 and arkit[:, :52].max() <= 1
    jaw_open = arkit[:, CSV_COLUMNS.index("JawOpen")]
    assert 0.3 < jaw_open.max() < 0.5  # the take opens the jaw to about 0.44
    for script in out.glob("*.py"):
        compile(script.read_text(), str(script), "exec")
