"""The studio's HTTP API (FastAPI) and the page it serves; the page uses only this API.

Endpoints are thin: they call the library (``medtalk.direction``,
``medtalk.export``, ``medtalk.whisper``) through :mod:`medtalk.studio.takes`, and
turn a :class:`~medtalk.errors.MedtalkError` into ``{"detail": "<the CLI's
one line>"}`` with a status that says what went wrong (400 bad input, 404
unknown id, 413 too large, 415 wrong content type, 429 busy). OpenAPI is at
``/openapi.json``.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.middleware.trustedhost import TrustedHostMiddleware

from medtalk import __version__
from medtalk.emotions import EMOTIONS
from medtalk.errors import MedtalkError
from medtalk.studio.jobs import Busy, Job, JobRunner
from medtalk.studio.store import ID_PATTERN, NotFound, WorkFolder, WrongType
from medtalk.studio.takes import RIG_FILE, TIMELINE_FILE, TakeRequest, create_take, export_zip
from medtalk.studio.uploads import BodyLimit, Limits, UploadTooLarge, save_audio, save_photo

STATIC = Path(str(files("medtalk.studio").joinpath("static")))
LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]", "::1"]
Id = Annotated[str, PathParam(pattern=ID_PATTERN)]
STATUS = {NotFound: 404, WrongType: 415, UploadTooLarge: 413, Busy: 429}


class LiveLinkRequest(BaseModel):
    target: str = Field(description="HOST:PORT where Unreal's Live Link Face source listens")
    subject: str = Field("MEDTalk", description="Live Link subject name")


def create_app(workdir: Path, limits: Limits | None = None, model: Path | None = None,
               hosts: list[str] | None = None) -> FastAPI:
    """The studio for ``workdir`` (``limits`` default: :class:`Limits`). ``hosts``: the Host headers
    it answers (default the loopback names: a web page elsewhere cannot reach it by DNS rebinding)."""
    limits = limits or Limits()
    work = WorkFolder.open(workdir)
    work.mark_interrupted()
    runner = JobRunner(limits.max_jobs)
    # no /docs or /redoc: FastAPI's pages load their scripts from a CDN, and the studio loads nothing remote
    app = FastAPI(title="medtalk studio", version=__version__, docs_url=None, redoc_url=None,
                  description="Animate speech as MetaHuman face-board curves, direct the emotion, "
                              "watch and export. The studio page uses only this API.")
    app.add_middleware(BodyLimit, limit=limits.max_bytes)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts or LOOPBACK_NAMES)

    @app.exception_handler(MedtalkError)
    async def one_line(request: Request, err: MedtalkError) -> JSONResponse:
        return JSONResponse({"detail": str(err)}, status_code=STATUS.get(type(err), 400))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, err: RequestValidationError) -> JSONResponse:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"] if p != "body")
        return JSONResponse({"detail": f"{where}: {first['msg']}"}, status_code=422)

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/api/status", summary="Limits, the emotion labels and the jobs running now")
    def status() -> dict[str, Any]:
        running = [j.status() for j in runner.running()]
        return {"version": __version__, "emotions": list(EMOTIONS), "busy": len(running) >= runner.max_jobs,
                "running": running, "max_jobs": runner.max_jobs, "max_bytes": limits.max_bytes,
                "max_seconds": limits.max_seconds}

    @app.post("/api/audio", status_code=201, summary="Upload audio (the raw bytes as the body)",
              description="Any format `medtalk animate` reads; Content-Type must be an audio type "
                          "(audio/flac, audio/wav, audio/webm, ...). `name` is only shown, never used as a path.")
    async def upload_audio(request: Request, name: str | None = None) -> dict[str, Any]:
        return await save_audio(work, request.stream(), request.headers.get("content-type"), name, limits)

    @app.get("/api/audio/{audio_id}", summary="An upload's record")
    def audio_record(audio_id: Id) -> dict[str, Any]:
        return work.audio(audio_id)

    @app.get("/api/audio/{audio_id}/audio.wav", summary="The upload as 16 kHz mono WAV, as animated")
    def audio_wav(audio_id: Id) -> FileResponse:
        work.audio(audio_id)
        return FileResponse(work.audio_dir(audio_id) / "audio.wav", media_type="audio/wav")

    @app.post("/api/audio/{audio_id}/transcript", summary="Transcribe an upload (Whisper, offline)")
    async def transcript(audio_id: Id) -> dict[str, str]:
        record = work.audio(audio_id)
        wav = work.audio_dir(audio_id) / "audio.wav"

        def transcribe(job: Job) -> str:
            from medtalk.audio import load_audio
            from medtalk.whisper.transcribe import transcribe

            return transcribe(load_audio(wav)).text

        text = await run_in_threadpool(runner.run_now, Job(f"asr-{audio_id}", "transcribe"), transcribe)
        return {"audio": record["id"], "transcript": text}

    @app.post("/api/photos", status_code=201, summary="Upload a reference photo (the raw bytes as the body)",
              description="Content-Type image/jpeg, image/png, image/webp or image/bmp.")
    async def upload_photo(request: Request, name: str | None = None) -> dict[str, Any]:
        return await save_photo(work, request.stream(), request.headers.get("content-type"), name, limits)

    @app.get("/api/photos/{photo_id}", summary="A reference photo")
    def photo(photo_id: Id) -> FileResponse:
        return FileResponse(work.photo(photo_id)[0])

    @app.post("/api/takes", status_code=202, summary="Animate an upload: starts a job, returns the take")
    def new_take(request: TakeRequest) -> dict[str, Any]:
        return create_take(work, runner, request, model)

    @app.get("/api/takes", summary="Recent takes, newest first (kept in the work folder)")
    def takes() -> list[dict[str, Any]]:
        return work.takes()

    @app.get("/api/takes/{take_id}", summary="A take: its direction, status, progress stage and error")
    def take(take_id: Id) -> dict[str, Any]:
        return work.take(take_id)

    def take_file(take_id: str, name: str) -> Path:
        work.take(take_id)
        path = work.take_dir(take_id) / name
        if not path.is_file():
            raise NotFound(f"take {take_id} has no {name}")
        return path

    @app.get("/api/takes/{take_id}/rig.json", summary="The rig: fps, the 174 control names, frames")
    def rig(take_id: Id) -> FileResponse:
        return FileResponse(take_file(take_id, RIG_FILE), media_type="application/json", filename=RIG_FILE)

    @app.get("/api/takes/{take_id}/timeline.json", summary="The take's --timeline JSON")
    def timeline(take_id: Id) -> FileResponse:
        return FileResponse(take_file(take_id, TIMELINE_FILE), media_type="application/json",
                            filename=TIMELINE_FILE)

    @app.get("/api/takes/{take_id}/export.zip", summary="Unreal, Maya, Blender and ARKit CSV files, as a zip")
    async def export(take_id: Id) -> FileResponse:
        bundle = await run_in_threadpool(export_zip, work, take_id)
        return FileResponse(bundle, media_type="application/zip", filename=bundle.name)

    @app.post("/api/takes/{take_id}/livelink", status_code=202,
              summary="Stream a take to Live Link Face (UDP) in real time, as a job")
    def livelink(take_id: Id, request: LiveLinkRequest) -> dict[str, Any]:
        from medtalk.export.livelink import parse_target, resolve_target, stream
        from medtalk.rig import read_rig

        path = take_file(take_id, RIG_FILE)
        host, port = parse_target(request.target)
        resolve_target(host, port)  # a name that does not resolve fails here, not in the job

        def send(job: Job) -> None:
            job.stage = f"streaming to {host}:{port}"
            stream(read_rig(path), host, port, request.subject, progress=False)

        return runner.start(Job(f"ll-{take_id}", "livelink"), send, lambda job: None).status()

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
