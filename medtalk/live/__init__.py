"""Live: speech in, face out, in real time (docs/LIVE.md).

``Stream`` is the engine (a front door of the library, on ``medtalk.infer``);
the ``medtalk live`` command wires it to sources (microphone, a file played in
real time, PCM on stdin, a WebSocket) and sinks (Live Link Face, a WebSocket of
frames, a recording).
"""

from medtalk.live.stream import DEFAULT_LOOKAHEAD_MS, Stream
from medtalk.live.transcript import LiveTranscript

__all__ = ["DEFAULT_LOOKAHEAD_MS", "LiveTranscript", "Stream"]
