"""``medtalk animate --export/--livelink``: the animation goes straight into the tools."""

from __future__ import annotations

import socket
import threading

import numpy as np

from medtalk.cli import main
from medtalk.export.livelink import decode
from medtalk.rig import read_rig


def test_export_writes_the_target_files_next_to_the_rig(tmp_path, model_path, speech):
    out = tmp_path / "line.txt"
    code = main(["animate", str(speech), "-o", str(out), "--model", str(model_path), "-q", "--export", "maya"])
    assert code == 0
    assert (tmp_path / "line_maya.py").is_file()
    board = read_rig(tmp_path / "line_board.csv")
    np.testing.assert_allclose(board.values, read_rig(out).values, atol=1e-6)


def test_export_dir_and_unknown_target(tmp_path, model_path, speech, capsys):
    out = tmp_path / "line.json"
    code = main(["animate", str(speech), "-o", str(out), "--model", str(model_path), "-q",
                 "--export", "blender", "--export-dir", str(tmp_path / "blend")])
    assert code == 0 and (tmp_path / "blend" / "line_blender.py").is_file()
    code = main(["animate", str(speech), "-o", str(tmp_path / "other.txt"), "--model", str(model_path),
                 "--export", "houdini"])
    err = capsys.readouterr().err
    assert code == 2 and "unknown export target 'houdini'" in err and err.count("\n") == 1
    assert not (tmp_path / "other.txt").exists()


def _collect(receiver: socket.socket, packets: list, done: threading.Event) -> None:
    """Receive Live Link packets until ``done`` is set and the socket has gone quiet."""
    receiver.settimeout(0.2)
    while True:
        try:
            packets.append(decode(receiver.recv(65536)))
        except TimeoutError:
            if done.is_set():
                return


def test_livelink_streams_every_frame(tmp_path, model_path, speech, patient_stream):
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    port = receiver.getsockname()[1]
    out = tmp_path / "line.txt"
    # drain the socket while the animation streams: a clip's worth of packets can
    # overflow a default receive buffer if read only afterwards
    packets: list = []
    done = threading.Event()
    listener = threading.Thread(target=_collect, args=(receiver, packets, done), daemon=True)
    listener.start()
    try:
        code = main(["animate", str(speech), "-o", str(out), "--model", str(model_path), "-q",
                     "--livelink", f"127.0.0.1:{port}", "--fps", "30"])
        done.set()
        listener.join(timeout=10.0)
    finally:
        done.set()
        receiver.close()
    assert code == 0
    frames = read_rig(out, fps=30).num_frames
    assert [p.frame for p in packets] == list(range(frames))
    assert all(p.rate == (30, 1) and len(p.values) == 61 for p in packets)


def test_livelink_bad_address_fails_before_any_work(tmp_path, model_path, speech, capsys):
    out = tmp_path / "line.txt"
    code = main(["animate", str(speech), "-o", str(out), "--model", str(model_path), "--livelink", "host:99999"])
    assert code == 2 and "port 99999" in capsys.readouterr().err
    assert not out.exists()
