"""Where live audio comes from: the microphone (PortAudio through ``sounddevice``), a file played
in real time, raw PCM on a pipe. Each is an iterator of 16 kHz mono float32 chunks ``(n,)``.
(The WebSocket source is ``medtalk.live.server``.)"""

from __future__ import annotations

import queue
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from medtalk.audio import SAMPLE_RATE, load_audio
from medtalk.errors import MedtalkError

BLOCK_MS = 10.0  # audio per chunk a source hands on: the granularity latency is measured in
PILE_BLOCKS = 100  # the most blocks standard input hands on at once, when they piled up
PCM_FORMATS = {"s16le": "<i2", "f32le": "<f4"}
MIC_TIMEOUT_SECONDS = 2.0  # a microphone that delivers nothing this long has stopped


def block_samples(block_ms: float) -> int:
    return max(1, round(block_ms / 1000 * SAMPLE_RATE))


def decode_pcm(data: bytes, fmt: str) -> np.ndarray:
    """Raw little-endian PCM bytes -> float32 samples; a partial sample is an error."""
    dtype = np.dtype(PCM_FORMATS[fmt])
    if len(data) % dtype.itemsize:
        raise MedtalkError(f"{len(data)} bytes is not a whole number of {fmt} samples ({dtype.itemsize} bytes each)")
    samples = np.frombuffer(data, dtype=dtype)
    return samples.astype(np.float32) / 32768.0 if fmt == "s16le" else samples.astype(np.float32)


def _sounddevice() -> Any:
    try:
        import sounddevice
    except OSError as err:  # the PortAudio library itself is missing
        raise MedtalkError(f"no microphone support: PortAudio is not installed ({err})") from None
    return sounddevice


def list_devices(backend: Any = None) -> str:
    """The audio devices PortAudio sees, one a line (input devices are the ones with inputs)."""
    backend = backend or _sounddevice()
    return str(backend.query_devices())


class Microphone:
    """16 kHz mono chunks from an input device (``device``: its number or a part of its name; None
    for the default). ``backend`` is the ``sounddevice`` module (a test passes a fake one)."""

    def __init__(self, device: int | str | None = None, block_ms: float = BLOCK_MS, backend: Any = None) -> None:
        self.backend = backend or _sounddevice()
        self.device = device
        self.blocksize = block_samples(block_ms)
        self._queue: queue.Queue[np.ndarray] = queue.Queue()
        self._stream: Any = None
        self.overflows = 0

    def _callback(self, indata: np.ndarray, frames: int, when: Any, status: Any) -> None:
        if status:
            self.overflows += 1
        self._queue.put(np.array(indata[:, 0], dtype=np.float32))

    def __enter__(self) -> Microphone:
        name = "the default input device" if self.device is None else f"input device {self.device!r}"
        try:
            self._stream = self.backend.InputStream(
                samplerate=SAMPLE_RATE, channels=1, dtype="float32", blocksize=self.blocksize,
                device=self.device, callback=self._callback,
            )
            self._stream.start()
        except (ValueError, self.backend.PortAudioError) as err:
            if self._stream is not None:
                self._stream.close()
            reason = " ".join(str(err).split()) or type(err).__name__
            raise MedtalkError(f"cannot open {name}: {reason} (see medtalk live --list-devices)") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()
            self._stream = None

    def __iter__(self) -> Iterator[np.ndarray]:
        """Every block queued since the last one, joined: a stream that fell behind gets what piled up."""
        while True:
            try:
                blocks = [self._queue.get(timeout=MIC_TIMEOUT_SECONDS)]
            except queue.Empty:
                raise MedtalkError(f"the microphone delivered no audio for {MIC_TIMEOUT_SECONDS:g} s") from None
            while not self._queue.empty():
                blocks.append(self._queue.get_nowait())
            yield np.concatenate(blocks)


def file_chunks(path: Path, block_ms: float = BLOCK_MS, realtime: bool = True,
                clock: Callable[[], float] = time.perf_counter,
                sleep: Callable[[float], None] = time.sleep) -> Iterator[np.ndarray]:
    """An audio file (any format ffmpeg reads) in chunks, each when it would have been heard: block
    ``k`` is due at ``start + (k + 1) * block`` (absolute deadlines, so no drift builds up). A
    consumer that comes back late gets every block due by then in one chunk, as from a sound card."""
    wave = load_audio(path)
    step = block_samples(block_ms)
    start = clock()
    first = 0
    while first < len(wave):
        end = min(first + step, len(wave))
        if realtime:
            wait = start + end / SAMPLE_RATE - clock()
            if wait > 0:
                sleep(wait)
            end = min(max(end, int((clock() - start) * SAMPLE_RATE) // step * step), len(wave))
        yield wave[first:end]
        first = end


def pcm_chunks(stream: BinaryIO | None = None, fmt: str = "s16le", block_ms: float = BLOCK_MS) -> Iterator[np.ndarray]:
    """Raw 16 kHz mono PCM from a binary stream (stdin by default) until it ends, a chunk at a time:
    what is waiting, from a block up to ``PILE_BLOCKS`` of them (a late consumer catches up)."""
    stream = stream if stream is not None else sys.stdin.buffer
    if fmt not in PCM_FORMATS:
        raise MedtalkError(f"unknown PCM format {fmt!r}; use one of {', '.join(PCM_FORMATS)}")
    size = np.dtype(PCM_FORMATS[fmt]).itemsize
    want = block_samples(block_ms) * size
    rest = b""
    while True:
        data = stream.read1(want * PILE_BLOCKS) if hasattr(stream, "read1") else stream.read(want)
        if not data:
            break
        data = rest + data
        whole = len(data) - len(data) % size
        rest = data[whole:]
        if whole:
            yield decode_pcm(data[:whole], fmt)
    if rest:
        raise MedtalkError(f"the PCM input ended inside a sample ({len(rest)} stray bytes)")
