"""A second Python process for work that holds the GIL, so that it can run beside the caller's.

pocketsphinx holds the GIL while it aligns: two alignments in two threads take as
long as one after the other. ``Sidecar`` starts ``python -m medtalk.sidecar``
once; ``submit(function, *args)`` hands it a module-level function and its
arguments (pickled, over the child's stdin) and returns at once; ``result()``
waits for the answer. One call at a time. The child exits when its stdin
closes (``close``, or the caller's end), so nothing outlives the caller.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any, BinaryIO, Callable

_HEADER = struct.Struct("<Q")  # the byte length of the pickle that follows


class SidecarError(RuntimeError):
    """The helper process failed: it died, or the function raised there (the message says which)."""


def send(stream: BinaryIO, value: Any) -> None:
    """Write ``value`` to ``stream`` as one message: its pickle's byte length, then the pickle."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def receive(stream: BinaryIO) -> Any:
    """The next message ``send`` wrote to ``stream`` (``EOFError`` when it ends first)."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


class Sidecar:
    """The helper process (see the module docstring)."""

    def __init__(self) -> None:
        package_root = str(Path(__file__).resolve().parents[1])
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": package_root + (os.pathsep + path if path else "")}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "medtalk.sidecar"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, env=env,
        )
        self._busy = False

    def submit(self, function: Callable, *args: Any) -> None:
        """Start ``function(*args)`` there (the previous call's result must have been read)."""
        assert not self._busy, "one call at a time"
        try:
            send(self._process.stdin, (function, args))
        except (BrokenPipeError, OSError) as err:
            raise SidecarError(f"the helper process has ended ({err})") from None
        self._busy = True

    def result(self) -> Any:
        """Wait for the call's value (``SidecarError`` if it raised there, or the process died)."""
        self._busy = False
        try:
            ok, value = receive(self._process.stdout)
        except (EOFError, OSError, pickle.UnpicklingError):
            self._process.kill()
            self._process.wait()
            raise SidecarError("the helper process ended before it answered") from None
        if not ok:
            raise SidecarError(value)
        return value

    def close(self) -> None:
        """End the process (at once if it is still working)."""
        if self._process.poll() is None:
            self._process.stdin.close()
            try:
                self._process.wait(timeout=0.5 if not self._busy else 0)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process.stdout.close()


def _serve(requests: BinaryIO, answers: BinaryIO) -> None:
    while True:
        try:
            function, args = receive(requests)
        except EOFError:
            return
        try:
            answer = (True, function(*args))
        except Exception as err:  # sent back to the caller, who decides
            answer = (False, f"{type(err).__name__}: {err}")
        send(answers, answer)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the process group: the caller decides
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what the work prints (a library's log on fd 1) must not land among the answers
    sys.stdout = sys.stderr
    _serve(sys.stdin.buffer, answers)
