"""Live Link Face: packet bytes, a real UDP stream to 127.0.0.1, the scheduler, address errors."""

from __future__ import annotations

import socket
import struct

import numpy as np
import pytest
from export_samples import random_rig

from medtalk.errors import MedtalkError
from medtalk.export import livelink
from medtalk.export.arkit import to_arkit
from medtalk.export.livelink import DEVICE_ID, LiveLinkSender, Packet, decode, encode, parse_target, stream


@pytest.fixture
def receiver():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(2.0)
    yield sock
    sock.close()


def drain(sock: socket.socket, count: int) -> list[bytes]:
    return [sock.recv(65536) for _ in range(count)]


class VirtualClock:
    """perf_counter/sleep stand-ins: sleeping advances time exactly, ``stall`` adds delays."""

    def __init__(self, stalls: dict[int, float] | None = None, stop_after: int | None = None) -> None:
        self.now, self.sleeps = 100.0, 0
        self.stalls, self.stop_after = stalls or {}, stop_after

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        if self.stop_after is not None and self.sleeps > self.stop_after:
            raise KeyboardInterrupt
        self.now += seconds + self.stalls.get(self.sleeps, 0.0)


def test_packet_layout_is_big_endian_version_6():
    values = tuple(float(v) for v in np.linspace(-1, 1, 61))
    data = encode(Packet("dev-1", "Ada", 1234, 0.5, (60, 1), values))
    assert data[0] == 6
    assert struct.unpack(">i", data[1:5]) == (5,) and data[5:10] == b"dev-1"
    assert struct.unpack(">i", data[10:14]) == (3,) and data[14:17] == b"Ada"
    assert struct.unpack(">ifii", data[17:33]) == (1234, 0.5, 60, 1)
    assert data[33] == 61
    np.testing.assert_array_equal(struct.unpack(">61f", data[34:]), np.float32(values))
    assert len(data) == 34 + 61 * 4


def test_decode_inverts_encode_and_rejects_malformed_packets():
    packet = Packet("dévice", "Subject", 7, 0.0, (2997, 50), tuple(float(i) / 64 for i in range(61)))
    data = encode(packet)
    assert decode(data) == packet
    for bad in (data[:-1], data + b"\0", b"\x05" + data[1:], b""):
        with pytest.raises(ValueError):
            decode(bad)
    with pytest.raises(ValueError):
        encode(Packet("d", "s", 0, 0.0, (60, 1), (0.0,) * 52))


def test_stream_sends_every_frame_byte_exactly(receiver, patient_stream):
    rig = random_rig(12, seed=1)
    port = receiver.getsockname()[1]
    stats = stream(rig, "127.0.0.1", port, subject="Ada")
    assert (stats.sent, stats.dropped) == (12, 0)
    frames = to_arkit(rig.values)
    for i, data in enumerate(drain(receiver, 12)):
        expected = encode(Packet(DEVICE_ID, "Ada", i, 0.0, (60, 1), tuple(map(float, frames[i]))))
        assert data == expected
        np.testing.assert_allclose(decode(data).values, frames[i], atol=1e-7)


def test_stream_keeps_absolute_deadlines(receiver, monkeypatch):
    sent_at = []
    send = LiveLinkSender.send
    clock = VirtualClock(stalls={3: 0.004})  # a 4 ms hiccup must not shift later frames

    def recording_send(self, values, frame):
        sent_at.append(clock.now)
        return send(self, values, frame)

    monkeypatch.setattr(LiveLinkSender, "send", recording_send)
    stream(random_rig(10), "127.0.0.1", receiver.getsockname()[1], clock=clock.clock, sleep=clock.sleep)
    lateness = np.array(sent_at) - (100.0 + np.arange(10) / 60)
    assert lateness[3] == pytest.approx(0.004)
    np.testing.assert_allclose(np.delete(lateness, 3), 0.0, atol=1e-9)


def test_stream_drops_frames_after_a_stall_instead_of_bursting(receiver):
    clock = VirtualClock(stalls={5: 0.1})  # 100 ms stall: six frames are behind
    stats = stream(random_rig(30), "127.0.0.1", receiver.getsockname()[1], clock=clock.clock, sleep=clock.sleep)
    assert stats.dropped == 6 and stats.sent == 24
    frames = [decode(p).frame for p in drain(receiver, 24)]
    assert frames == [0, 1, 2, 3, 4, *range(11, 30)]


def test_loop_repeats_the_rig_until_interrupted(receiver):
    rig = random_rig(10, seed=2)
    clock = VirtualClock(stop_after=24)
    with pytest.raises(KeyboardInterrupt):
        stream(rig, "127.0.0.1", receiver.getsockname()[1], loop=True, clock=clock.clock, sleep=clock.sleep)
    packets = [decode(p) for p in drain(receiver, 24)]
    assert [p.frame for p in packets] == list(range(24))  # frame numbers keep counting
    np.testing.assert_allclose(packets[13].values, to_arkit(rig.values)[3], atol=1e-7)


def test_stream_resamples_and_sends_the_rate(receiver):
    clock = VirtualClock()
    stream(random_rig(60), "127.0.0.1", receiver.getsockname()[1], fps=30, clock=clock.clock, sleep=clock.sleep)
    packets = [decode(p) for p in drain(receiver, 30)]
    assert packets[-1].frame == 29 and packets[0].rate == (30, 1)
    assert clock.now == pytest.approx(100.0 + 29 / 30)


def test_send_board_converts_one_frame(receiver):
    rig = random_rig(2, seed=3)
    with LiveLinkSender("127.0.0.1", receiver.getsockname()[1], "Ada", fps=60) as sender:
        sent = sender.send_board(rig.values[1], frame=41)
    assert receiver.recv(65536) == sent
    assert decode(sent).frame == 41
    np.testing.assert_allclose(decode(sent).values, to_arkit(rig.values)[1], atol=1e-7)


@pytest.mark.parametrize("text, address", [
    ("127.0.0.1:11111", ("127.0.0.1", 11111)),
    ("localhost:9", ("localhost", 9)),
    ("[::1]:11111", ("::1", 11111)),
    (" studio-pc.local:4000 ", ("studio-pc.local", 4000)),
])
def test_parse_target(text, address):
    assert parse_target(text) == address


@pytest.mark.parametrize("text, message", [
    ("host", "is not HOST:PORT"),
    ("host:99999", "port 99999 is not in 1-65535"),
    (":80", "is not HOST:PORT"),
    ("host:0", "port 0 is not in"),
    ("host:http", "is not HOST:PORT"),
    ("-bad-:80", "is not a host name"),
    ("[::1]", "is not HOST:PORT"),
])
def test_malformed_targets_are_one_line_errors(text, message):
    with pytest.raises(MedtalkError, match=message):
        parse_target(text)


def test_unresolvable_or_unusable_targets_are_errors():
    with pytest.raises(MedtalkError, match="cannot resolve Live Link target nonexistent.invalid:11111"):
        LiveLinkSender("nonexistent.invalid", 11111)
    with pytest.raises(MedtalkError, match="cannot send to 255.255.255.255:11111"):
        stream(random_rig(3), "255.255.255.255", 11111)  # broadcast needs a permission we never ask for


def test_audio_must_exist_and_missing_ffplay_only_warns(receiver, tmp_path, monkeypatch, capsys):
    with pytest.raises(MedtalkError, match="no such file"):
        stream(random_rig(3), "127.0.0.1", receiver.getsockname()[1], audio=tmp_path / "nope.wav")
    (tmp_path / "line.wav").write_bytes(b"RIFF")
    monkeypatch.setattr(livelink.shutil, "which", lambda name: None)
    clock = VirtualClock()
    stats = stream(random_rig(3), "127.0.0.1", receiver.getsockname()[1], audio=tmp_path / "line.wav",
                   clock=clock.clock, sleep=clock.sleep)
    assert stats.sent == 3
    assert "ffplay not found" in capsys.readouterr().err
