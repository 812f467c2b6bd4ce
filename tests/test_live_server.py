"""The live WebSocket server with a real client on 127.0.0.1: PCM and control in, frames out; errors
answered while the stream runs; clients that disconnect and reconnect; viewers of another source."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from websockets.sync.client import connect

from medtalk.audio import SAMPLE_RATE, load_audio
from medtalk.infer import load_model
from medtalk.live import Stream
from medtalk.live.server import LiveServer
from medtalk.live.session import CallbackSink, Recorder, Session
from medtalk.rig import NUM_CONTROLS, read_rig

CHUNK = 640  # 40 ms of 16 kHz audio


@pytest.fixture(scope="module")
def model(model_path: Path):
    return load_model(model_path)


@pytest.fixture(scope="module")
def pcm(speech: Path) -> bytes:
    return (np.clip(load_audio(speech), -1, 1) * 32767).astype("<i2").tobytes()


@pytest.fixture
def server(model, tmp_path: Path):
    numbers = iter(range(1, 100))

    def new_session(send) -> Session:
        stream = Stream("neutral", model=model)
        path = tmp_path / f"client-{next(numbers)}.txt"
        return Session(stream, [CallbackSink(send, stream.fps), Recorder(path, stream.fps)])

    with LiveServer("127.0.0.1", 0, new_session=new_session) as live:
        yield live


def frames_expected(pcm: bytes) -> int:
    return round(len(pcm) // 2 / SAMPLE_RATE * 60)


def talk(url: str, messages: list[str | bytes]) -> list[dict]:
    """Send every message, then end; everything the server answered, in order."""
    replies: list[dict] = []
    with connect(url, max_size=None) as ws:
        for message in messages:
            ws.send(message)
        ws.send(json.dumps({"type": "end"}))
        for text in ws:
            replies.append(json.loads(text))
            if replies[-1]["type"] == "end":
                break
    return replies


def frames_in(replies: list[dict]) -> np.ndarray:
    blocks = [r for r in replies if r["type"] == "frames"]
    assert [b["start"] for b in blocks] == list(np.cumsum([0] + [len(b["values"]) for b in blocks[:-1]]))
    return np.array([v for b in blocks for v in b["values"]]).reshape(-1, NUM_CONTROLS)


def chunks(pcm: bytes) -> list[bytes]:
    return [pcm[i : i + CHUNK] for i in range(0, len(pcm), CHUNK)]


def wait_for(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_client_streams_pcm_and_words_and_gets_every_frame(server, pcm: bytes, tmp_path: Path) -> None:
    words = json.dumps({"type": "words", "text": "what a day", "times": [[0.1, 0.3], [0.3, 0.5], [0.5, 1.0]]})
    replies = talk(f"ws://127.0.0.1:{server.port}", [words, *chunks(pcm)])
    assert replies[0] == {"type": "ok", "applied": "words 'what a day'"}
    frames = frames_in(replies)
    assert len(frames) == frames_expected(pcm) == replies[-1]["frames"]
    recorded = read_rig(tmp_path / "client-1.txt").values
    np.testing.assert_allclose(recorded, frames, atol=1e-5)  # JSON carries 5 decimals


def test_malformed_chunks_and_controls_get_an_error_while_the_stream_runs(server, pcm: bytes) -> None:
    parts = chunks(pcm)
    half = len(parts) // 2
    bad = [b"\x01\x02\x03", "{not json", json.dumps({"type": "dance"}), json.dumps({"type": "intensity"}),
           json.dumps({"type": "emotion", "emotion": "furious-ish"}), json.dumps({"type": "words", "text": 5})]
    replies = talk(f"ws://127.0.0.1:{server.port}", [*parts[:half], *bad, json.dumps({"type": "emotion",
                   "emotion": "happy", "intensity": 0.5}), *parts[half:]])
    errors = [r["message"] for r in replies if r["type"] == "error"]
    assert len(errors) == len(bad)
    assert "3 bytes is not a whole number of s16le samples" in errors[0]
    assert "not JSON" in errors[1] and "type" in errors[2] and "value must be a number" in errors[3]
    assert "furious-ish" in errors[4] and "text" in errors[5]
    assert {"type": "ok", "applied": "emotion happy"} in replies
    assert len(frames_in(replies)) == frames_expected(pcm)  # the stream kept running through them


def test_a_client_that_disconnects_and_reconnects_leaks_nothing(server, pcm: bytes, tmp_path: Path) -> None:
    threads = threading.active_count()
    url = f"ws://127.0.0.1:{server.port}"
    with connect(url) as ws:  # goes away mid-stream, without "end"
        for part in chunks(pcm)[:10]:
            ws.send(part)
        ws.recv(timeout=10)
    wait_for(lambda: not server.sessions and not server.clients)
    replies = talk(url, chunks(pcm))
    assert len(frames_in(replies)) == frames_expected(pcm)
    wait_for(lambda: not server.sessions and not server.clients and threading.active_count() <= threads)
    # each client's recording was written when its stream ended: the first one's short take too
    assert read_rig(tmp_path / "client-1.txt").num_frames == frames_expected(b"".join(chunks(pcm)[:10]))
    assert read_rig(tmp_path / "client-2.txt").num_frames == frames_expected(pcm)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no spool files left


def test_viewers_get_another_sources_frames_and_direct_it(model, pcm: bytes) -> None:
    stream = Stream("neutral", model=model)
    live = LiveServer("127.0.0.1", 0)
    session = Session(stream, [live])
    live.main = session
    with live, connect(f"ws://127.0.0.1:{live.port}", max_size=None) as viewer:
        wait_for(lambda: len(live.clients) == 1)
        viewer.send(json.dumps({"type": "emotion", "emotion": "angry"}))
        assert json.loads(viewer.recv(timeout=10)) == {"type": "ok", "applied": "emotion angry"}
        viewer.send(b"\x00\x00")
        assert "control messages, not audio" in json.loads(viewer.recv(timeout=10))["message"]
        samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768
        for first in range(0, len(samples), CHUNK):
            session.feed(samples[first : first + CHUNK])
        session.end()
        got = 0
        while got < frames_expected(pcm):
            message = json.loads(viewer.recv(timeout=10))
            if message["type"] == "frames":
                got += len(message["values"])
        assert got == frames_expected(pcm)
