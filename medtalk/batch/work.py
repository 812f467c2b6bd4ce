"""One line's work, the same wherever it runs: inputs as bytes in, a rig out.

The driver reads each line's files into a :class:`LineTask` (``read_task``);
a :class:`LineWorker`, which loads the model once, animates it with
``medtalk.infer.animate`` into a :class:`LineResult`. The task carries the
bytes rather than paths, so a worker on another machine needs no shared
folder (on Ray they travel through the object store), and the driver writes
every output itself. ``task_digest`` is the content hash that decides whether
a line must be redone.
"""

from __future__ import annotations

import copy
import hashlib
import json
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medtalk import __version__
from medtalk.batch.manifest import Line
from medtalk.errors import MedtalkError
from medtalk.files import read_text
from medtalk.rig import RigSequence

THREADS = 1  # per worker: results then do not depend on --jobs or the cluster, and N workers use N cores
SILENT_PEAK = 1e-3  # -60 dBFS: a line this quiet is almost certainly the wrong file
WORDS_PER_SECOND = (0.3, 6.0)  # outside this a transcript hardly matches its audio (speech: about 2-4)


@dataclass(frozen=True)
class Blob:
    """A user's file as bytes: ``shown`` is how messages name it (the manifest's path)."""

    name: str
    data: bytes
    shown: str

    @classmethod
    def read(cls, path: Path, what: str) -> Blob:
        try:
            return cls(path.name, path.read_bytes(), str(path))
        except FileNotFoundError:
            raise MedtalkError(f"{path}: no such {what} file") from None
        except OSError as err:
            raise MedtalkError(f"{path}: cannot read the {what} ({err.strerror})") from None


@dataclass(frozen=True)
class LineTask:
    """Everything one line's animation depends on, as values (picklable, hashable by content).

    ``timeline`` is the parsed plan with each ``"image"`` replaced by an index into ``images``.
    """

    name: str
    source: str
    audio: Blob
    transcript: str | None = None
    emotion: str | None = None
    describe: str | None = None
    reference: Blob | None = None
    timeline: Any = None
    images: tuple[Blob, ...] = ()
    intensity: float = 1.0
    language: str | None = None
    fps: float = 60.0
    transcribe: bool = False  # Whisper transcribes the line when it has no transcript
    whisper: str | None = None  # with that model (None: the default)


@dataclass
class LineResult:
    """What a worker sends back: the rig (``(T, 174)`` at the task's fps) or the one-line error."""

    name: str
    rig: RigSequence | None = None
    duration: float = 0.0  # seconds of audio
    seconds: dict[str, float] = field(default_factory=dict)  # decode, animate
    warnings: tuple[str, ...] = ()
    error: str | None = None


def read_task(line: Line, fps: float, transcribe: bool = False, whisper: str | None = None) -> LineTask:
    """The line's files read into a task (raises :class:`MedtalkError` for a missing or unreadable one);
    ``transcribe`` and ``whisper`` as ``BatchOptions``."""
    assert line.error is None and line.audio is not None, "malformed lines have no task"
    transcript = line.transcript
    if line.transcript_file is not None:
        transcript = read_text(line.transcript_file, "transcript")
    timeline, images = (None, ()) if line.timeline is None else _read_timeline(line.timeline)
    return LineTask(
        line.name, line.source, Blob.read(line.audio, "audio"), transcript, line.emotion, line.describe,
        None if line.reference is None else Blob.read(line.reference, "image"), timeline, images,
        line.intensity, line.language, fps, transcribe and not (transcript or "").strip(), whisper,
    )


def _read_timeline(path: Path) -> tuple[Any, tuple[Blob, ...]]:
    """The plan with its images taken out as blobs (relative paths resolve against the plan's folder);
    the plan's structure is checked by the worker's ``animate``, as for ``medtalk animate``."""
    try:
        plan = json.loads(read_text(path, "timeline"))
    except json.JSONDecodeError as err:
        raise MedtalkError(f"{path}: not valid JSON ({err})") from None
    segments = plan.get("segments") if isinstance(plan, dict) else plan
    images = []
    for segment in segments if isinstance(segments, list) else []:
        if isinstance(segment, dict) and isinstance(segment.get("image"), str):
            image = Path(segment["image"]).expanduser()
            images.append(Blob.read(image if image.is_absolute() else path.parent / image, "image"))
            segment["image"] = len(images) - 1
    return plan, tuple(images)


def task_digest(task: LineTask, options: dict[str, Any]) -> str:
    """SHA-256 over the task's content, ``options`` (model digest, export target...) and the medtalk
    version: equal digests mean equal outputs."""

    def plain(value: Any) -> Any:
        if isinstance(value, Blob):
            return hashlib.sha256(value.data).hexdigest()
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value

    content = {key: plain(value) for key, value in vars(task).items()}
    blob = json.dumps({"task": content, "options": options, "version": __version__}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def file_digest(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


class LineWorker:
    """Animates tasks with one model, loaded once: from ``model`` (a path on this machine), or from
    its bytes (a worker on a cluster node, where the driver's path may not exist)."""

    def __init__(self, model: Path | bytes | None) -> None:
        import torch
        from threadpoolctl import threadpool_limits

        from medtalk.infer import load_model

        torch.set_num_threads(THREADS)
        # numpy's BLAS as many threads as torch's: a Ray worker has one (Ray sets OMP_NUM_THREADS), and
        # the sums of a matrix product split over two threads can differ in the last bit
        threadpool_limits(THREADS, user_api="blas")
        if isinstance(model, bytes):
            with tempfile.TemporaryDirectory() as tmp:
                (Path(tmp) / "model.pt").write_bytes(model)
                self.model = load_model(Path(tmp) / "model.pt")
        else:
            self.model = load_model(model)

    def run(self, task: LineTask) -> LineResult:
        """Animate one task; any failure becomes the result's one-line error, never an exception."""
        with tempfile.TemporaryDirectory(prefix="medtalk-line-") as tmp:
            shown: dict[str, str] = {}
            try:
                return self._animate(task, Path(tmp), shown)
            except MedtalkError as err:
                message = str(err)
            except Exception as err:  # a bug: this line fails, the batch goes on
                message = f"internal error: {type(err).__name__}: {err}"
            for path, name in shown.items():  # name the user's files, not our temporary copies
                message = message.replace(path, name)
            return LineResult(task.name, error=message.splitlines()[0] if message else "failed")

    def _animate(self, task: LineTask, tmp: Path, shown: dict[str, str]) -> LineResult:
        from medtalk.audio import SAMPLE_RATE, load_audio
        from medtalk.infer import animate
        from medtalk.whisper.transcribe import WhisperOptions

        def place(blob: Blob, index: int) -> Path:
            path = tmp / f"{index}{Path(blob.name).suffix}"
            path.write_bytes(blob.data)
            shown[str(path)] = blob.shown
            return path

        start = time.perf_counter()
        wave = load_audio(place(task.audio, 0))
        decoded = time.perf_counter()
        reference = None if task.reference is None else place(task.reference, 1)
        timeline = _placed_timeline(task.timeline, [place(b, 2 + i) for i, b in enumerate(task.images)])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            # Whisper's codes are the primary language subtags: a line's pt-BR is pt to it
            language = task.language.split("-")[0].lower() if task.language else None
            whisper = WhisperOptions(task.whisper, language) if task.transcribe else None
            rig = animate(wave, task.emotion, task.transcript, task.intensity, self.model, task.fps,
                          describe=task.describe, reference=reference, timeline=timeline, language=task.language,
                          whisper=whisper)
        rig.metadata["source"] = task.source
        duration = len(wave) / SAMPLE_RATE
        notes = [str(w.message).splitlines()[0] for w in caught] + _checks(task, wave, duration)
        heard = rig.metadata.get("transcription", {})
        if heard.get("note"):
            notes.append(heard["note"])
        return LineResult(task.name, rig, duration,
                          {"decode": decoded - start, "animate": time.perf_counter() - decoded}, tuple(notes))


def _placed_timeline(plan: Any, images: list[Path]) -> Any:
    """The plan with each image index put back as the path of its temporary copy."""
    if plan is None or not images:
        return plan
    plan = copy.deepcopy(plan)  # the task may be used again (one worker in the driver's process)
    segments = plan.get("segments") if isinstance(plan, dict) else plan
    for segment in segments:
        if isinstance(segment, dict) and isinstance(segment.get("image"), int):
            segment["image"] = str(images[segment["image"]])
    return plan


def _checks(task: LineTask, wave, duration: float) -> list[str]:
    """Warnings about a line that animated but looks wrong: silence, a transcript that cannot fit."""
    notes = []
    peak = float(abs(wave).max())
    if peak < SILENT_PEAK:
        notes.append(f"the audio is silent (peak {peak:.1e})")
    if task.transcript is not None:
        words = len(task.transcript.split())
        rate = words / duration
        if words and not WORDS_PER_SECOND[0] <= rate <= WORDS_PER_SECOND[1]:
            notes.append(f"the transcript has {words} words for {duration:.1f} s of audio ({rate:.1f} words/s): "
                         "does it match the audio?")
    return notes
