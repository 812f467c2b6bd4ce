"""A local WebSocket server for live streams (the ``websockets`` package, its threaded server).

Two roles, one protocol:

- **source** (``new_session``): a client (a TTS engine, a voice agent) sends
  16 kHz mono PCM chunks as binary messages and control messages as JSON text
  (``medtalk.live.control``); its first message opens a stream of its own, and
  its frames come back on the same socket as JSON (``session.frames_message``).
  ``{"type": "end"}`` or closing the socket flushes the stream and ends it;
- **viewer** (``main``): with another source (microphone, file, stdin) every
  client receives that stream's frames, and its control messages direct it.

A malformed chunk or control message is answered with
``{"type": "error", "message": ...}`` and the stream keeps running; a control
message that took effect is answered with ``{"type": "ok", "applied": ...}``.
A client may disconnect at any time: its stream is ended and forgotten.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

import numpy as np

from medtalk.errors import MedtalkError
from medtalk.live.control import parse_message
from medtalk.live.session import Session, frames_message
from medtalk.live.sources import PCM_FORMATS, decode_pcm

NewSession = Callable[[Callable[[str], None]], Session]  # given a send function, a session of its own


class LiveServer:
    """``start()`` serves on ``host:port`` (port 0: any free one, see ``port``) until ``stop()``."""

    def __init__(self, host: str, port: int, new_session: NewSession | None = None, main: Session | None = None,
                 fmt: str = "s16le") -> None:
        if fmt not in PCM_FORMATS:
            raise MedtalkError(f"unknown PCM format {fmt!r}; use one of {', '.join(PCM_FORMATS)}")
        self.host, self.port = host, port
        self.new_session = new_session
        self.main = main
        self.fmt = fmt
        self.sessions: set[Session] = set()  # the clients' own streams, while they run
        self.clients: set = set()
        self._lock = threading.Lock()
        self._server = None
        self._thread: threading.Thread | None = None

    def start(self) -> LiveServer:
        from websockets.sync.server import serve

        if (self.new_session is None) == (self.main is None):
            raise ValueError("a live server needs exactly one of new_session or main")
        try:
            self._server = serve(self._handle, self.host, self.port)
        except OSError as err:
            raise MedtalkError(f"cannot listen on {self.host}:{self.port} ({err.strerror or err})") from None
        self.port = self._server.socket.getsockname()[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="medtalk-live-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening, close every client (their streams end) and wait for the server thread."""
        if self._server is None:
            return
        self._server.shutdown()
        self._thread.join()
        self._server = None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # as a sink of the main session: its frames go to every client
    def frames(self, values: np.ndarray, start: int) -> None:
        """Send a block of the main stream's frames to every client."""
        text = frames_message(values, start, self.main.stream.fps)
        with self._lock:
            clients = list(self.clients)
        for connection in clients:
            _send(connection, text)

    def audio(self, samples: np.ndarray) -> None:
        pass

    def close(self) -> None:
        pass

    def _handle(self, connection) -> None:
        from websockets.exceptions import ConnectionClosed

        with self._lock:
            self.clients.add(connection)
        own: Session | None = None
        try:
            for message in connection:
                try:
                    own = self._message(connection, message, own)
                except MedtalkError as err:
                    _send(connection, json.dumps({"type": "error", "message": str(err)}))
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                self.clients.discard(connection)
            if own is not None:
                self._end(own)

    def _message(self, connection, message: str | bytes, own: Session | None) -> Session | None:
        """Handle one message; returns the client's own session after it."""
        if isinstance(message, bytes):
            samples = decode_pcm(message, self.fmt)
            if self.main is not None:
                raise MedtalkError("this server streams another source; it takes control messages, not audio")
            own = own or self._open(connection)
            own.feed(samples)
            return own
        request = parse_message(message)
        if self.main is not None:
            if request["type"] == "end":
                raise MedtalkError("the stream's source ends it, not a viewer")
            target = self.main
        else:
            own = own or self._open(connection)
            target = own
        applied = target.control(request)
        if request["type"] == "end":
            self._end(own)
            _send(connection, json.dumps({"type": "end", "frames": own.frames}))
            return None
        _send(connection, json.dumps({"type": "ok", "applied": applied}))
        return own

    def _open(self, connection) -> Session:
        session = self.new_session(lambda text: _send(connection, text))
        with self._lock:
            self.sessions.add(session)
        return session

    def _end(self, session: Session) -> None:
        try:
            session.end()
        finally:
            with self._lock:
                self.sessions.discard(session)


def _send(connection, text: str) -> None:
    """Send, ignoring a client that has gone (its handler cleans up)."""
    from websockets.exceptions import ConnectionClosed

    try:
        connection.send(text)
    except ConnectionClosed:
        pass
