"""One live stream and where its frames go: Live Link Face, WebSocket clients, a recording.

A ``Session`` owns a ``Stream``; any thread may feed it audio, direct it
(``control``) or end it. Frames go to every sink in order, under one lock, so a
sink sees frame ``n`` before frame ``n + 1`` whichever thread fed the audio.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from medtalk.audio import SAMPLE_RATE, write_wav
from medtalk.export.livelink import LiveLinkSender
from medtalk.files import check_writable, output_transaction
from medtalk.live import control
from medtalk.live.stream import Stream
from medtalk.rig import NUM_CONTROLS, RigSequence, write_rig

FRAME_DIGITS = 5  # decimals of the control values in JSON frames (the rig's own precision)


class Sink(Protocol):
    def frames(self, values: np.ndarray, start: int) -> None: ...
    def audio(self, samples: np.ndarray) -> None: ...
    def close(self) -> None: ...


class Session:
    """A stream with its sinks: ``feed(samples)``, ``control(message)``, ``end()``."""

    def __init__(self, stream: Stream, sinks: list[Sink]) -> None:
        self.stream = stream
        self.sinks = sinks
        self.frames = 0  # frames sent so far
        self._lock = threading.Lock()
        self.ended = False

    def feed(self, samples: np.ndarray) -> int:
        """Push audio; the frames it makes final go to the sinks. Returns how many."""
        with self._lock:
            if self.ended:
                return 0
            values = self.stream.push(samples)
            for sink in self.sinks:
                sink.audio(samples)
            return self._send(values)

    def control(self, message: dict[str, Any]) -> str:
        """Apply a control message (``control.apply``); ``end`` ends the session."""
        if message["type"] == "end":
            control.apply(self.stream, message)  # checks the fields
            self.end()
            return "end"
        with self._lock:
            return control.apply(self.stream, message)

    def end(self) -> None:
        """Flush the stream into the sinks and close them (once; later calls do nothing)."""
        with self._lock:
            if self.ended:
                return
            self.ended = True
            try:
                self._send(self.stream.flush())
            finally:
                for sink in self.sinks:
                    sink.close()

    def _send(self, values: np.ndarray) -> int:
        if len(values):
            for sink in self.sinks:
                sink.frames(values, self.frames)
            self.frames += len(values)
        return len(values)


def frames_message(values: np.ndarray, start: int, fps: float) -> str:
    """The JSON of a block of frames: ``{"type": "frames", "start", "fps", "time", "values": [[174]]}``."""
    return json.dumps({"type": "frames", "start": start, "fps": fps, "time": round(start / fps, 6),
                       "values": np.round(values.astype(np.float64), FRAME_DIGITS).tolist()})


class LiveLinkSink:
    """Each frame as a Live Link Face packet (``export.livelink``), numbered from the stream's start."""

    def __init__(self, sender: LiveLinkSender, own: bool = True) -> None:
        self.sender = sender
        self.own = own  # close the sender at the end (a server's sessions share one)

    def frames(self, values: np.ndarray, start: int) -> None:
        for k, board in enumerate(values):
            self.sender.send_board(board, start + k)

    def audio(self, samples: np.ndarray) -> None:
        pass

    def close(self) -> None:
        if self.own:
            self.sender.close()


class CallbackSink:
    """Frames handed to a function as JSON text (a WebSocket client's ``send``)."""

    def __init__(self, send: Callable[[str], None], fps: float) -> None:
        self.send = send
        self.fps = fps

    def frames(self, values: np.ndarray, start: int) -> None:
        self.send(frames_message(values, start, self.fps))

    def audio(self, samples: np.ndarray) -> None:
        pass

    def close(self) -> None:
        pass


class Recorder:
    """The frames and the audio, spooled to temporary files beside ``path`` as they come (memory
    stays flat on long streams), written at the end as the rig file ``path`` (its extension sets
    the format) and the WAV beside it; nothing is left half-written."""

    def __init__(self, path: Path, fps: float, force: bool = False, metadata: dict | None = None) -> None:
        self.path = Path(path)
        self.wav = self.path.with_suffix(".wav")
        check_writable(self.path, force)
        check_writable(self.wav, force)
        self.fps = fps
        self.force = force
        self.metadata = metadata or {}
        folder = self.path.parent if str(self.path.parent) else Path(".")
        self._frames = tempfile.NamedTemporaryFile(prefix=f".{self.path.name}.", suffix=".frames.tmp", dir=folder,
                                                   delete=False)
        self._audio = tempfile.NamedTemporaryFile(prefix=f".{self.path.name}.", suffix=".pcm.tmp", dir=folder,
                                                  delete=False)
        self.written: list[Path] = []

    def frames(self, values: np.ndarray, start: int) -> None:
        self._frames.write(np.ascontiguousarray(values, dtype="<f4").tobytes())

    def audio(self, samples: np.ndarray) -> None:
        self._audio.write(np.ascontiguousarray(samples, dtype="<f4").tobytes())

    def close(self) -> None:
        for spool in (self._frames, self._audio):
            spool.close()
        try:
            values = np.fromfile(self._frames.name, dtype="<f4").reshape(-1, NUM_CONTROLS)
            if len(values):
                rig = RigSequence(values, self.fps)
                rig.metadata = self.metadata
                with output_transaction():  # the rig and its audio appear together or not at all
                    self.written = [write_rig(rig, self.path, force=self.force),
                                    write_wav(self.wav, np.fromfile(self._audio.name, dtype="<f4"), SAMPLE_RATE,
                                              force=self.force)]
        finally:
            for spool in (self._frames, self._audio):
                os.unlink(spool.name)
