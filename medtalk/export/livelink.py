"""Live Link Face over UDP: the packet layout, a sender and a real-time stream.

Unreal's Live Link Face source listens for UDP packets (default port 11111);
all multi-byte fields big-endian (INTEGRATION.md)::

    uint8   version (6)
    int32   length, then the device id (UTF-8)
    int32   length, then the subject name (UTF-8)
    int32   frame number      float32 sub-frame
    int32   rate numerator    int32   rate denominator
    uint8   value count (61)
    float32 x 61: the 52 ARKit shapes in EARFaceBlendShape order, then head
                  yaw/pitch/roll and left/right eye yaw/pitch/roll

:func:`stream` sends one packet per frame on absolute deadlines
(``start + i / fps`` on ``time.perf_counter``), so timing errors do not add
up; a frame more than :data:`MAX_LAG_FRAMES` late is dropped rather than sent
in a burst, keeping the face in sync with the sound. Packets go only to the
address the user gives.
"""

from __future__ import annotations

import math
import re
import shutil
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from medtalk.errors import MedtalkError
from medtalk.export.arkit import NUM_VALUES, to_arkit
from medtalk.export.unreal import frame_rate
from medtalk.rig import NUM_CONTROLS, RigSequence

PACKET_VERSION = 6
DEFAULT_PORT = 11111
DEFAULT_SUBJECT = "MEDTalk"
DEVICE_ID = "medtalk"
MAX_LAG_FRAMES = 2  # frames behind schedule before frames are dropped to catch up
_HEAD = struct.Struct(">ifii")  # frame, sub-frame, rate numerator, rate denominator
_VALUES = struct.Struct(f">B{NUM_VALUES}f")
_HOSTNAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")


@dataclass(frozen=True)
class Packet:
    """One Live Link Face frame; ``values`` holds the 61 floats."""

    device_id: str
    subject: str
    frame: int
    subframe: float
    rate: tuple[int, int]
    values: tuple[float, ...]


def encode(packet: Packet) -> bytes:
    """The packet's bytes, big-endian, as Unreal's Live Link Face source reads them."""
    if len(packet.values) != NUM_VALUES:
        raise ValueError(f"a Live Link Face packet carries {NUM_VALUES} values, got {len(packet.values)}")
    device, subject = packet.device_id.encode(), packet.subject.encode()
    return b"".join((
        struct.pack(">Bi", PACKET_VERSION, len(device)), device,
        struct.pack(">i", len(subject)), subject,
        _HEAD.pack(packet.frame, packet.subframe, *packet.rate),
        _VALUES.pack(NUM_VALUES, *packet.values),
    ))


def decode(data: bytes) -> Packet:
    """Parse a packet; ``ValueError`` if it is not exactly one version-6 packet."""
    try:
        version, size = struct.unpack_from(">Bi", data, 0)
        if version != PACKET_VERSION:
            raise ValueError(f"packet version {version}, expected {PACKET_VERSION}")
        offset = 5
        device = data[offset:offset + size].decode()
        offset += size
        (size,) = struct.unpack_from(">i", data, offset)
        subject = data[offset + 4:offset + 4 + size].decode()
        offset += 4 + size
        frame, subframe, numerator, denominator = _HEAD.unpack_from(data, offset)
        offset += _HEAD.size
        count, *values = _VALUES.unpack_from(data, offset)
    except (struct.error, UnicodeDecodeError) as err:
        raise ValueError(f"malformed Live Link Face packet ({err})") from None
    if count != NUM_VALUES or offset + _VALUES.size != len(data):
        raise ValueError(f"malformed Live Link Face packet ({len(data)} bytes, count {count})")
    return Packet(device, subject, frame, subframe, (numerator, denominator), tuple(values))


def parse_target(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (or ``[IPv6]:PORT``) -> (host, port), with one-line errors."""
    match = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\]:(\d+)|([^:\s\[\]]+):(\d+)", text.strip())
    if not match:
        raise MedtalkError(f"target {text!r} is not HOST:PORT (e.g. 127.0.0.1:{DEFAULT_PORT})")
    host = match.group(1) or match.group(3)
    port = int(match.group(2) or match.group(4))
    if not 1 <= port <= 65535:
        raise MedtalkError(f"target {text!r}: port {port} is not in 1-65535")
    if match.group(3) and not _HOSTNAME.match(host):
        raise MedtalkError(f"target {text!r}: {host!r} is not a host name or address")
    return host, port


def resolve_target(host: str, port: int) -> tuple[int, tuple]:
    """The socket family and address of ``host:port``; a one-line error if the name does not resolve."""
    try:
        family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)[0]
    except (socket.gaierror, UnicodeError, ValueError) as err:
        raise MedtalkError(f"cannot resolve Live Link target {host}:{port} ({err})") from None
    return family, address


class LiveLinkSender:
    """A UDP socket sending Live Link Face packets to one address.

    ``send_board`` converts one face-board frame ``(174,)`` to ARKit values and
    sends it, for callers that produce frames as they go (``animate --livelink``).
    """

    def __init__(self, host: str, port: int, subject: str = DEFAULT_SUBJECT, fps: float = 60.0,
                 device_id: str = DEVICE_ID) -> None:
        family, address = resolve_target(host, port)
        self.address = address
        self.subject = subject
        self.device_id = device_id
        self.rate = frame_rate(fps)
        self._socket = socket.socket(family, socket.SOCK_DGRAM)

    def send(self, values: np.ndarray, frame: int) -> bytes:
        """Send 61 ARKit values as frame ``frame``; returns the bytes sent."""
        data = encode(Packet(self.device_id, self.subject, frame, 0.0, self.rate, tuple(map(float, values))))
        try:
            self._socket.sendto(data, self.address)
        except OSError as err:
            host, port = self.address[:2]
            raise MedtalkError(f"cannot send to {host}:{port} ({err.strerror or err})") from None
        return data

    def send_board(self, board: np.ndarray, frame: int) -> bytes:
        """Send one face-board frame ``(174,)``."""
        assert board.shape == (NUM_CONTROLS,), board.shape
        return self.send(to_arkit(board[None])[0], frame)

    def close(self) -> None:
        self._socket.close()

    def __enter__(self) -> LiveLinkSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class StreamStats:
    """What a stream did: frames sent and dropped, and how late sends were (s)."""

    sent: int = 0
    dropped: int = 0
    max_late: float = 0.0


class _Sound:
    """The audio track played with ``ffplay`` (restarted at each loop), if there is one."""

    def __init__(self, audio: Path | None) -> None:
        self.audio = audio
        self.player = shutil.which("ffplay") if audio is not None else None
        self.process: subprocess.Popen | None = None
        if audio is not None and not Path(audio).is_file():
            raise MedtalkError(f"{audio}: no such file")
        if audio is not None and self.player is None:
            print("medtalk: warning: ffplay not found, streaming without sound", file=sys.stderr)

    def restart(self) -> None:
        self.stop()
        if self.player:
            self.process = subprocess.Popen(
                [self.player, "-nodisp", "-autoexit", "-loglevel", "error", str(self.audio)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait()
        self.process = None


def stream(
    rig: RigSequence,
    host: str,
    port: int,
    subject: str = DEFAULT_SUBJECT,
    audio: Path | None = None,
    loop: bool = False,
    fps: float | None = None,
    progress: bool = False,
    clock: Callable[[], float] = time.perf_counter,
    sleep: Callable[[float], None] = time.sleep,
) -> StreamStats:
    """Send ``rig`` to ``host:port`` in real time; with ``loop``, until interrupted.

    ``fps`` resamples the rig first; ``audio`` is played alongside with ffplay.
    """
    if fps is not None and abs(fps - rig.fps) > 1e-9:
        rig = rig.resample(fps)
    frames = to_arkit(rig.values)
    sound = _Sound(Path(audio) if audio is not None else None)
    stats = StreamStats()
    with LiveLinkSender(host, port, subject, rig.fps) as sender:
        bar = tqdm(total=None if loop else len(frames), unit="frame", disable=not progress)
        try:
            start = clock()
            i, lap = 0, -1
            while loop or i < len(frames):
                if i // len(frames) != lap:  # each pass over the rig starts the sound again
                    lap = i // len(frames)
                    sound.restart()
                due = start + i / rig.fps
                wait = due - clock()
                if wait > 0:
                    sleep(wait)
                late = clock() - due
                if late > MAX_LAG_FRAMES / rig.fps:  # fell behind (machine stalled): skip ahead
                    skip = math.floor(late * rig.fps + 1e-6)  # to the frame due now
                    stats.dropped += skip
                    bar.update(skip)
                    i += skip
                    continue
                sender.send(frames[i % len(frames)], i)
                stats.sent += 1
                stats.max_late = max(stats.max_late, late)
                bar.update(1)
                i += 1
        finally:
            sound.stop()
            bar.close()
    return stats
