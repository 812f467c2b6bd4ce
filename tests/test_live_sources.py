"""Live sources feeding a stream: a fake PortAudio stream for the microphone (the hardware), a real
file, real PCM on stdin; the recording; Live Link packets; a missing or busy microphone."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from medtalk.audio import SAMPLE_RATE, load_audio
from medtalk.cli import main
from medtalk.errors import MedtalkError
from medtalk.export.arkit import to_arkit
from medtalk.export.livelink import DEVICE_ID, LiveLinkSender, Packet, decode, encode
from medtalk.live import Stream, sources
from medtalk.live.session import LiveLinkSink, Recorder, Session
from medtalk.rig import NUM_CONTROLS, read_rig


def frames_of(samples: int) -> int:
    return round(samples / SAMPLE_RATE * 60)


class FakeSoundDevice:
    """The part of ``sounddevice`` a ``Microphone`` uses; its InputStream plays ``wave`` through the
    callback in blocks from a thread, as PortAudio does, then goes quiet."""

    class PortAudioError(Exception):
        pass

    def __init__(self, wave: np.ndarray | None = None, fail: str | None = None) -> None:
        self.wave, self.fail = wave, fail
        self.opened: list[dict] = []
        self.closed = 0

    def query_devices(self) -> str:
        return "  0 Fake Mic, ALSA (1 in, 0 out)"

    def InputStream(self, **options):  # noqa: N802 (sounddevice's name)
        if self.fail == "missing":
            raise ValueError("No input device matching 'usb'")
        if self.fail == "busy":
            raise self.PortAudioError("Error opening InputStream: Device unavailable [PaErrorCode -9985]")
        self.opened.append(options)
        return _FakeInput(self, options)


class _FakeInput:
    def __init__(self, device: FakeSoundDevice, options: dict) -> None:
        self.device, self.options = device, options
        self.thread = threading.Thread(target=self._play)

    def _play(self) -> None:
        block = self.options["blocksize"]
        for first in range(0, len(self.device.wave), block):
            chunk = self.device.wave[first : first + block]
            self.options["callback"](chunk[:, None].astype(np.float32), len(chunk), None, None)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.thread.join()

    def close(self) -> None:
        self.device.closed += 1


def test_microphone_feeds_a_stream(model, wave, monkeypatch) -> None:
    monkeypatch.setattr(sources, "MIC_TIMEOUT_SECONDS", 0.5)
    fake = FakeSoundDevice(wave)
    session = Session(Stream("happy", model=model), [])
    with sources.Microphone(device=3, backend=fake) as mic:
        with pytest.raises(MedtalkError, match="no audio"):  # the fake goes quiet after the clip
            for chunk in mic:
                session.feed(chunk)
    session.end()
    assert fake.opened[0]["samplerate"] == SAMPLE_RATE and fake.opened[0]["device"] == 3
    assert fake.closed == 1
    assert session.frames == frames_of(len(wave))


@pytest.mark.parametrize("fail, words", [("missing", "No input device"), ("busy", "Device unavailable")])
def test_missing_or_busy_microphone_is_a_one_line_error(fail: str, words: str, model_path: Path, monkeypatch,
                                                        capsys) -> None:
    monkeypatch.setattr(sources, "_sounddevice", lambda: FakeSoundDevice(fail=fail))
    code = main(["live", "--mic", "--device", "usb", "--model", str(model_path), "-q"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("medtalk: error: cannot open input device 'usb'")
    assert words in err and "--list-devices" in err


def test_list_devices(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sources, "_sounddevice", lambda: FakeSoundDevice())
    assert main(["live", "--list-devices"]) == 0
    assert "Fake Mic" in capsys.readouterr().out


def test_file_source_paces_chunks_on_the_clock(speech: Path) -> None:
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    chunks = list(sources.file_chunks(speech, block_ms=20, clock=lambda: now[0], sleep=sleep))
    total = sum(len(c) for c in chunks)
    assert total == len(load_audio(speech))
    assert now[0] == pytest.approx(total / SAMPLE_RATE)  # played in real time, no drift


def test_a_late_consumer_gets_what_piled_up_from_the_file(speech: Path) -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    chunks = []
    for chunk in sources.file_chunks(speech, block_ms=10, clock=lambda: now[0], sleep=sleep):
        chunks.append(chunk)
        now[0] += 0.035  # each chunk takes 35 ms to handle: 3-4 blocks pile up meanwhile
    assert sum(len(c) for c in chunks) == len(load_audio(speech))
    assert max(len(c) for c in chunks[:-1]) == 4 * 160 and len(chunks) < len(load_audio(speech)) / 160 / 3


def test_file_source_in_real_time_with_a_recording(tmp_path: Path, model_path: Path, speech: Path) -> None:
    out = tmp_path / "take.csv"
    assert main(["live", "--file", str(speech), "--model", str(model_path), "-e", "sad", "-o", str(out), "-q"]) == 0
    rig = read_rig(out)
    audio = load_audio(out.with_suffix(".wav"))
    assert rig.values.shape == (frames_of(len(load_audio(speech))), NUM_CONTROLS)
    assert len(audio) == len(load_audio(speech))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["take.csv", "take.wav"]  # no spool files left
    assert main(["live", "--file", str(speech), "--model", str(model_path), "-o", str(out), "-q"]) == 2


def test_stdin_pcm_feeds_a_stream(tmp_path: Path, model_path: Path, wave) -> None:
    out = tmp_path / "piped.txt"
    pcm = (np.clip(wave, -1, 1) * 32767).astype("<i2").tobytes()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run([sys.executable, "-m", "medtalk", "live", "--stdin", "--model", str(model_path), "-q",
                           "-o", str(out)], input=pcm, capture_output=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    assert read_rig(out).num_frames == frames_of(len(wave))
    bad = subprocess.run([sys.executable, "-m", "medtalk", "live", "--stdin", "--model", str(model_path), "-q"],
                         input=pcm + b"\x01", capture_output=True, env=env, timeout=300)
    assert bad.returncode == 2 and b"stray bytes" in bad.stderr and bad.stderr.count(b"\n") == 1


def test_pcm_chunks_decode_both_formats() -> None:
    import io

    samples = np.linspace(-0.5, 0.5, 1000, dtype=np.float32)
    as_f32 = np.concatenate(list(sources.pcm_chunks(io.BytesIO(samples.astype("<f4").tobytes()), "f32le")))
    np.testing.assert_array_equal(as_f32, samples)
    as_s16 = np.concatenate(list(sources.pcm_chunks(io.BytesIO((samples * 32768).astype("<i2").tobytes()))))
    np.testing.assert_allclose(as_s16, samples, atol=1 / 32768)


def test_live_link_packets_decode_byte_exactly(model, wave) -> None:
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(0.5)
    packets: list[bytes] = []
    done = threading.Event()

    def receive() -> None:  # as Unreal does, while the stream runs (a burst would overflow the socket buffer)
        while True:
            try:
                packets.append(receiver.recv(65536))
            except TimeoutError:
                if done.is_set():  # everything sent has arrived by now
                    return

    listener = threading.Thread(target=receive)
    listener.start()
    sender = LiveLinkSender("127.0.0.1", receiver.getsockname()[1], "Face", 60.0)
    kept: list[np.ndarray] = []

    class Keep:
        def frames(self, values, start):
            kept.append(values)

        def audio(self, samples):
            pass

        def close(self):
            pass

    session = Session(Stream("surprised", model=model), [LiveLinkSink(sender), Keep()])
    for first in range(0, len(wave), 480):
        session.feed(wave[first : first + 480])
    session.end()
    done.set()
    listener.join()
    receiver.close()
    frames = np.concatenate(kept)
    arkit = to_arkit(frames)
    assert len(frames) == frames_of(len(wave)) == len(packets)
    for n, data in enumerate(packets):
        expected = encode(Packet(DEVICE_ID, "Face", n, 0.0, (60, 1), tuple(map(float, arkit[n]))))
        assert data == expected
        assert decode(data).frame == n


def test_recorder_writes_nothing_for_an_empty_stream(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "none.txt", 60.0)
    recorder.close()
    assert list(tmp_path.iterdir()) == []
