"""The batch driver: plan (what is done, what failed already, what to run, longest first), run the
lines on an executor, write each line's outputs as it finishes, then the report."""

from __future__ import annotations

import io
import math
import os
import time
import wave
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medtalk.batch.manifest import Line, read_manifest
from medtalk.batch.outputs import LineFiles, write_report
from medtalk.batch.work import LineResult, file_digest, read_task, task_digest
from medtalk.errors import MedtalkError
from medtalk.files import make_folder

PCM_BYTES_PER_SECOND = 32000  # 16 kHz 16-bit mono: the duration guess for audio that is not WAV


@dataclass(frozen=True)
class BatchOptions:
    """One ``medtalk batch`` run. ``jobs``: workers (None: one per core here, one per CPU of a Ray
    cluster); ``ray``: a cluster address, ``"auto"`` for a local one, None to run without Ray;
    ``export``: a ``medtalk export`` target written under ``OUT/<name>/``; ``transcribe``: Whisper
    transcribes the lines that come without a transcript (``whisper``: its model, None the default),
    as ``medtalk animate`` does; False animates them from the audio alone."""

    manifest: Path
    out: Path
    jobs: int | None = None
    ray: str | None = None
    model: Path | None = None
    fps: float = 60.0
    export: str | None = None
    force: bool = False
    progress: bool = True
    transcribe: bool = True
    whisper: str | None = None


@dataclass
class BatchSummary:
    rows: list[dict[str, Any]]
    report: Path

    def count(self, status: str) -> int:
        return sum(row["status"] == status for row in self.rows)


def run_batch(options: BatchOptions) -> BatchSummary:
    """Animate every line of the manifest into ``options.out`` (see ``medtalk.batch``)."""
    from medtalk.infer import default_model_path, load_model

    lines = read_manifest(options.manifest)  # a malformed manifest fails here, before any work
    if not (math.isfinite(options.fps) and options.fps > 0):
        raise MedtalkError(f"--fps must be positive, got {options.fps}")
    if options.jobs is not None and options.jobs < 1:
        raise MedtalkError(f"--jobs must be at least 1, got {options.jobs}")
    if options.export is not None:
        from medtalk.export.registry import artifacts

        artifacts(options.export)  # an unknown target fails before any work
    model = Path(options.model) if options.model is not None else default_model_path()
    load_model(options.model)  # a missing or wrong model file fails here, in one line
    if options.transcribe:
        from medtalk.whisper.models import model_dir

        model_dir(options.whisper)  # so does a missing or broken Whisper model
    elif options.whisper is not None:
        raise MedtalkError("--whisper chooses how to transcribe; it does not go with --no-transcribe")
    from medtalk.export.registry import check_output_dir

    make_folder(check_output_dir(options.out))
    settings = {"model": file_digest(model), "export": options.export,
                "whisper": (options.whisper or "default") if options.transcribe else None}
    rows: dict[int, dict[str, Any]] = {}
    todo = _plan(lines, options, settings, rows)
    try:
        if todo:
            _run(todo, options, model, settings, rows)
    finally:  # interrupted too: the report says what was done
        for line in lines:
            rows.setdefault(line.number, _row(line, "not run"))
        report = write_report(options.out, list(rows.values()))
    return BatchSummary([rows[line.number] for line in lines], report)


def _row(line: Line, status: str, **values: Any) -> dict[str, Any]:
    return {"line": line.number, "name": line.name, "audio": line.source, "status": status, **values}


def _plan(lines: list[Line], options: BatchOptions, settings: dict, rows: dict[int, dict]) -> list[Line]:
    """The lines to run, longest first; the others get their report row now (skipped or failed)."""
    todo: list[tuple[float, int, Line]] = []
    for line in lines:
        if line.error is not None:
            rows[line.number] = _row(line, "failed", error=line.error)
            continue
        files = LineFiles(options.out, line.name, options.export)
        try:
            files.check_owned(options.force)
            task = read_task(line, options.fps, options.transcribe, options.whisper)
        except MedtalkError as err:
            rows[line.number] = _row(line, "failed", error=str(err))
            continue
        if not options.force and files.is_current(task_digest(task, settings)):
            record = files.read_record() or {}
            rows[line.number] = _row(line, "skipped", duration_s=record.get("duration_s"),
                                     warnings=record.get("warnings", []))
            continue
        todo.append((-_seconds(task.audio.data), line.number, line))
    return [line for *_, line in sorted(todo)]


def _seconds(audio: bytes) -> float:
    """The audio's duration from its WAV header, or a guess from its size for other formats (for the
    order only)."""
    try:
        with wave.open(io.BytesIO(audio)) as w:
            return w.getnframes() / w.getframerate()
    except (wave.Error, EOFError):
        return len(audio) / PCM_BYTES_PER_SECOND


def _executor(options: BatchOptions, model: Path):
    if options.ray is not None:
        from medtalk.batch.cluster import RayActors

        return RayActors(model, options.ray, options.jobs)
    from medtalk.batch.local import InProcess, Processes

    jobs = options.jobs or os.cpu_count() or 1
    return InProcess(model) if jobs == 1 else Processes(model, jobs)


def _run(todo: list[Line], options: BatchOptions, model: Path, settings: dict, rows: dict[int, dict]) -> None:
    """Feed the executor line by line (each line's files read only when it is sent), write each result."""
    from tqdm import tqdm

    executor = _executor(options, model)
    waiting = deque(todo)
    sent: dict[str, tuple[Line, str]] = {}  # line name -> (line, digest of what was sent)
    bar = tqdm(total=len(todo), unit="line", disable=not options.progress, dynamic_ncols=True)
    failed = 0
    try:
        while waiting or sent:
            while waiting and len(sent) < executor.slots:
                line = waiting.popleft()
                try:
                    # read again: only a few lines' bytes in memory at once
                    task = read_task(line, options.fps, options.transcribe, options.whisper)
                except MedtalkError as err:
                    rows[line.number] = _row(line, "failed", error=str(err))
                    bar.update()
                    continue
                sent[line.name] = (line, task_digest(task, settings))
                executor.submit(task)
            if not sent:
                continue
            result = executor.next_result()
            line, digest = sent.pop(result.name)
            rows[line.number] = _finish(line, result, digest, options)
            failed += rows[line.number]["status"] == "failed"
            bar.update()
            bar.set_postfix(failed=failed, refresh=False)
    finally:
        bar.close()
        executor.close()


def _finish(line: Line, result: LineResult, digest: str, options: BatchOptions) -> dict[str, Any]:
    """Write a finished line's outputs; its report row."""
    timings = {f"{k}_s": v for k, v in result.seconds.items()}
    if result.error is not None or result.rig is None:
        return _row(line, "failed", error=result.error, **timings)
    start = time.perf_counter()
    try:
        LineFiles(options.out, line.name, options.export).write(result.rig, digest, result.duration, result.warnings)
    except MedtalkError as err:
        return _row(line, "failed", error=str(err), duration_s=result.duration, **timings)
    return _row(line, "done", duration_s=result.duration, write_s=time.perf_counter() - start,
                warnings=list(result.warnings), **timings)
