"""Taking in uploads: bounded in bytes while they stream, checked as audio or a photo, stored by id.

A request body is written to the work folder chunk by chunk and abandoned as
soon as it passes the byte limit (:class:`BodyLimit`, which bounds every
request; nothing is buffered in memory or in the system's temporary folder). Audio is then decoded by the same
``medtalk.audio.load_audio`` that ``animate`` uses and bounded in duration.
Any failure removes what was written.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medtalk.errors import MedtalkError
from medtalk.studio.store import AUDIO_TYPES, PHOTO_TYPES, WorkFolder, new_id, shown_name, stored_extension, write_json

MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """What one studio accepts: bytes per upload, seconds of audio, jobs at once."""

    max_bytes: int = 50 * MB
    max_seconds: float = 300.0
    max_jobs: int = 1


class UploadTooLarge(MedtalkError):
    """An upload over ``Limits.max_bytes`` (HTTP 413)."""


def as_shown(err: MedtalkError, names: dict[Path, str]) -> MedtalkError:
    """``err`` with each stored path replaced by the name the user knows the file by, so the
    message is the one ``medtalk animate`` prints for a file of that name."""
    text = str(err)
    for path, name in sorted(names.items(), key=lambda kv: -len(str(kv[0]))):
        text = text.replace(str(path), name)
    return type(err)(text)


def too_large(limit: int) -> UploadTooLarge:
    return UploadTooLarge(f"the upload is over the studio's limit of {limit / MB:g} MB")


class BodyLimit:
    """ASGI middleware bounding every request body to ``limit`` bytes: a larger declared
    Content-Length is answered 413 before any of the body is read, and a body streamed without
    one fails with :class:`UploadTooLarge` (413) as soon as it passes the limit."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            from starlette.responses import JSONResponse

            return await JSONResponse({"detail": str(too_large(self.limit))}, 413)(scope, receive, send)
        seen = 0

        async def bounded() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise too_large(self.limit)
            return message

        await self.app(scope, bounded, send)


async def _save_body(chunks: AsyncIterator[bytes], path: Path) -> int:
    """Stream ``chunks`` (bounded by :class:`BodyLimit`) into ``path``; returns the size."""
    size = 0
    with path.open("xb") as out:
        async for chunk in chunks:
            size += len(chunk)
            out.write(chunk)
    if size == 0:
        raise MedtalkError("the upload is empty")
    return size


async def save_audio(work: WorkFolder, chunks: AsyncIterator[bytes], content_type: str | None,
                     filename: str | None, limits: Limits) -> dict[str, Any]:
    """Store an audio upload; returns its record ``{id, name, bytes, duration, ...}``."""
    from starlette.concurrency import run_in_threadpool

    ext = stored_extension(content_type, AUDIO_TYPES, "audio")
    name = shown_name(filename, "recording" + ext)
    audio_id = new_id()
    folder = work.audio_dir(audio_id)
    folder.mkdir()
    upload = folder / ("upload" + ext)
    try:
        size = await _save_body(chunks, upload)
        duration = await run_in_threadpool(_decode, upload, folder / "audio.wav", limits.max_seconds)
    except MedtalkError as err:
        shutil.rmtree(folder, ignore_errors=True)
        raise as_shown(err, {upload: name}) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    doc = {"id": audio_id, "name": name, "content_type": content_type, "bytes": size, "ext": ext,
           "duration": round(duration, 3), "created": time.time()}
    write_json(folder / "audio.json", doc)
    return doc


def _decode(upload: Path, wav: Path, max_seconds: float) -> float:
    from medtalk.audio import SAMPLE_RATE, load_audio, write_wav

    samples = load_audio(upload)
    duration = len(samples) / SAMPLE_RATE
    if duration > max_seconds:
        raise MedtalkError(f"{upload}: {duration:.1f} s of audio is over the studio's limit of {max_seconds:g} s")
    write_wav(wav, samples)
    return duration


async def save_photo(work: WorkFolder, chunks: AsyncIterator[bytes], content_type: str | None,
                     filename: str | None, limits: Limits) -> dict[str, Any]:
    """Store a reference photo, checked to be an image (whether it shows a face is found when
    animating, as in the CLI)."""
    from starlette.concurrency import run_in_threadpool

    from medtalk.guidance.landmarks import read_image

    ext = stored_extension(content_type, PHOTO_TYPES, "a photo")
    name = shown_name(filename, "photo" + ext)
    photo_id = new_id()
    path = work.inside("photos", photo_id + ext)
    try:
        size = await _save_body(chunks, path)
        await run_in_threadpool(read_image, path)
    except MedtalkError as err:
        path.unlink(missing_ok=True)
        raise as_shown(err, {path: name}) from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    doc = {"id": photo_id, "name": name, "ext": ext, "bytes": size, "created": time.time()}
    write_json(work.inside("photos", photo_id + ".json"), doc)
    return doc
