"""A take: one audio upload animated under one direction, in its own folder of the work folder.

:func:`create_take` turns the page's request into the files ``medtalk animate``
reads (``timeline.json`` with its photos beside it), checks them with the same
:func:`medtalk.direction.check` and starts the job, which calls the same
:func:`medtalk.direction.perform` and writes ``rig.json``. Errors name the
files as the user knows them (their upload's name, ``timeline.json``), so a
bad input reads exactly as the CLI's one line.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from medtalk.direction import Direction, check, perform
from medtalk.emotions import MAX_INTENSITY
from medtalk.errors import MedtalkError
from medtalk.files import atomic_output
from medtalk.rig import read_rig, write_rig
from medtalk.studio.jobs import Job, JobRunner
from medtalk.studio.store import WorkFolder, new_id
from medtalk.studio.uploads import as_shown
from medtalk.whisper.transcribe import WhisperOptions

RIG_FILE = "rig.json"
_EXPORTING = threading.Lock()
TIMELINE_FILE = "timeline.json"


class TakeRequest(BaseModel):
    """What the page sends to animate: the ``--timeline`` JSON's segments name uploaded photos
    by id in ``image``; ``reference`` is a photo id too."""

    model_config = ConfigDict(extra="forbid")

    audio: str = Field(description="id of an uploaded audio (POST /api/audio)")
    emotion: str | None = Field(None, description="a label or a blend, e.g. happy:0.7,surprised:0.3")
    describe: str | None = Field(None, description="a description of the expression")
    reference: str | None = Field(None, description="id of an uploaded photo (POST /api/photos)")
    timeline: Any = Field(None, description="segments as in --timeline JSON (docs/GUIDANCE.md); image = photo id")
    intensity: float = Field(1.0, ge=0.0, le=MAX_INTENSITY,
                             description=f"scale of the predicted intensity, 0 to {MAX_INTENSITY:g}")
    transcript: str | None = Field(None, description="what is said")
    transcribe: bool = Field(True, description="without a transcript, Whisper transcribes the audio, as "
                             "`animate` does; false: the audio alone (`--no-transcribe`)")
    language: str | None = Field(None, description="the language spoken, a Whisper code (default: detected)")


def _copy_photo(work: WorkFolder, photo_id: Any, folder: Path, names: dict[Path, str], where: str) -> str:
    """Copy an uploaded photo into the take's folder; returns its file name there."""
    if not isinstance(photo_id, str):
        raise MedtalkError(f"{where}: image must be the id of a photo uploaded to the studio, got {photo_id!r}")
    source, doc = work.photo(photo_id)
    target = folder / f"photo-{photo_id}{doc['ext']}"
    shutil.copyfile(source, target)
    names[target] = doc["name"]
    return target.name


def _timeline_with_photos(work: WorkFolder, timeline: Any, folder: Path, names: dict[Path, str]) -> Any:
    """The timeline with each segment's photo id replaced by the copied file's name; anything
    malformed is left for ``read_timeline`` to report as the CLI does."""
    segments = timeline.get("segments") if isinstance(timeline, dict) else timeline
    if not isinstance(segments, list):
        return timeline
    out = []
    for n, item in enumerate(segments, start=1):
        if isinstance(item, dict) and "image" in item:
            item = {**item, "image": _copy_photo(work, item["image"], folder, names, f"timeline: segment {n}")}
        out.append(item)
    return {"segments": out} if isinstance(timeline, dict) else out


def create_take(work: WorkFolder, runner: JobRunner, request: TakeRequest, model: Path | None) -> dict[str, Any]:
    """Check the request, write the take's folder and start animating it; returns the take record."""
    audio = work.audio(request.audio)
    take_id = new_id()
    folder = work.take_dir(take_id)
    folder.mkdir()
    upload = work.audio_dir(request.audio) / ("upload" + audio["ext"])
    names: dict[Path, str] = {upload: audio["name"], folder / TIMELINE_FILE: TIMELINE_FILE}
    try:
        reference = None
        if request.reference is not None:
            reference = folder / _copy_photo(work, request.reference, folder, names, "reference")
        timeline = None
        if request.timeline is not None:
            timeline = folder / TIMELINE_FILE
            doc = _timeline_with_photos(work, request.timeline, folder, names)
            timeline.write_text(json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8")
        if not request.transcribe and request.language is not None:
            raise MedtalkError("language chooses how to transcribe; it does not go with transcribe false")
        whisper = WhisperOptions(None, request.language) if request.transcribe else None
        direction = Direction(request.emotion, request.describe, reference, timeline, request.intensity,
                              request.transcript, whisper)
        check(direction)
    except MedtalkError as err:
        shutil.rmtree(folder, ignore_errors=True)
        raise as_shown(err, names) from None
    doc = {"id": take_id, "audio": request.audio, "name": audio["name"], "duration": audio["duration"],
           "request": request.model_dump(), "direction": str(direction) if reference is None else
           f"reference {names[reference]}", "status": "queued", "stage": "queued", "error": None,
           "created": time.time(), "elapsed": None}
    work.save_take(doc)

    def animate(job: Job) -> None:
        doc.update(status="running", stage="animating")
        work.save_take(doc)
        rig = perform(upload, direction, model, on_stage=lambda stage: _stage(work, doc, job, stage))
        _stage(work, doc, job, "writing the rig")
        write_rig(rig, folder / RIG_FILE)
        doc.update(status="done", stage="done", frames=rig.num_frames, fps=rig.fps,
                   elapsed=round(time.time() - job.started, 2))
        work.save_take(doc)

    def failed(job: Job) -> None:
        error = as_shown(MedtalkError(job.error or "failed"), names)
        doc.update(status="failed", stage="failed", error=str(error))
        work.save_take(doc)

    queued = dict(doc)  # the answer; the job's thread goes on updating ``doc``
    try:
        runner.start(Job(take_id, "animate"), animate, failed)
    except MedtalkError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return queued


def _stage(work: WorkFolder, doc: dict[str, Any], job: Job, stage: str) -> None:
    job.stage = stage
    doc["stage"] = stage
    work.save_take(doc)


def export_zip(work: WorkFolder, take_id: str) -> Path:
    """The take's export bundle as one zip, built once: ``medtalk export --to all`` (Unreal, Maya,
    Blender, ARKit CSV and the rig as JSON) plus the timeline and its photos."""
    with _EXPORTING:  # two clicks on the link must not build the same files at once
        return _export_zip(work, take_id)


def _export_zip(work: WorkFolder, take_id: str) -> Path:
    from medtalk.export import export_rig

    doc = work.take(take_id)
    folder = work.take_dir(take_id)
    if doc["status"] != "done":
        raise MedtalkError(f"take {take_id} has no rig yet ({doc['status']})")
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(doc["name"]).stem).strip("_") or "take"
    bundle = folder / f"{stem}_export.zip"
    if bundle.is_file():
        return bundle
    exported = export_rig(read_rig(folder / RIG_FILE), "all", folder / "export", stem, force=True)
    with atomic_output(bundle) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in exported:
            archive.write(path, f"{stem}/{path.name}")
        if (folder / TIMELINE_FILE).is_file():  # with its photos, so the plan re-runs from the zip
            archive.write(folder / TIMELINE_FILE, f"{stem}/{TIMELINE_FILE}")
            for photo in sorted(folder.glob("photo-*")):
                archive.write(photo, f"{stem}/{photo.name}")
    return bundle
