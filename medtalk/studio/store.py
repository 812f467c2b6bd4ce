"""The studio's work folder: uploads, photos and takes, all under one root, all named by random ids.

Layout (every name below is chosen here, never taken from a request)::

    WORK/audio/<id>/upload<ext>   the bytes as uploaded  (+ audio.json: name, type, bytes, duration)
    WORK/audio/<id>/audio.wav     16 kHz mono, what the page plays
    WORK/photos/<id><ext>         a reference photo      (+ <id>.json: its name)
    WORK/takes/<id>/take.json     direction, status, error, times
    WORK/takes/<id>/timeline.json the --timeline JSON, with photos copied beside it
    WORK/takes/<id>/rig.json      the result (the CLI's JSON rig)
    WORK/takes/<id>/<name>_export.zip

An uploaded file's name is kept only as text to show; the ids match
``ID_PATTERN`` and :meth:`WorkFolder.inside` refuses any path that resolves
outside the root, so nothing outside the work folder is read or written.
A take folder is self-contained: ``medtalk animate`` run inside it on the same
audio with ``--timeline timeline.json`` does the same work.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medtalk.errors import MedtalkError
from medtalk.files import atomic_output

ID_PATTERN = r"^[0-9a-f]{12}$"
NAME_CHARS = 80  # longest shown file name
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")

# content type -> stored extension; containers browsers record to count as audio
AUDIO_TYPES = {
    "audio/flac": ".flac", "audio/x-flac": ".flac", "audio/wav": ".wav", "audio/x-wav": ".wav",
    "audio/wave": ".wav", "audio/vnd.wave": ".wav", "audio/mpeg": ".mp3", "audio/mp3": ".mp3",
    "audio/ogg": ".ogg", "audio/opus": ".opus", "audio/webm": ".webm", "video/webm": ".webm",
    "audio/mp4": ".m4a", "audio/x-m4a": ".m4a", "audio/aac": ".aac", "video/mp4": ".mp4",
    "audio/aiff": ".aiff", "audio/x-aiff": ".aiff",
}
PHOTO_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/bmp": ".bmp"}


class NotFound(MedtalkError):
    """No such upload, photo or take (HTTP 404)."""


class WrongType(MedtalkError):
    """An upload whose content type is not what the endpoint takes (HTTP 415)."""


def new_id() -> str:
    return secrets.token_hex(6)


def shown_name(name: str | None, default: str) -> str:
    """A client's file name reduced to text fit to show (never used as a path)."""
    text = _UNSAFE.sub("_", (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip()
    return (text or default)[:NAME_CHARS]


def stored_extension(content_type: str | None, allowed: dict[str, str], what: str) -> str:
    """The extension for an upload of ``content_type`` (parameters such as ``;codecs=opus`` ignored)."""
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    if kind not in allowed:
        raise WrongType(f"content type {kind or 'none'!r} is not {what}; "
                           f"send one of {', '.join(sorted(set(allowed)))}")
    return allowed[kind]


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, doc: dict[str, Any]) -> None:
    with atomic_output(path, force=True) as tmp:
        tmp.write_text(json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8")


@dataclass(frozen=True)
class WorkFolder:
    """The root everything the studio reads or writes lives under (created if missing)."""

    root: Path

    @classmethod
    def open(cls, root: Path) -> WorkFolder:
        root = Path(root).expanduser().resolve()
        try:
            for sub in ("audio", "photos", "takes"):
                (root / sub).mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise MedtalkError(f"cannot use {root} as the work folder ({err.strerror})") from None
        return cls(root)

    def inside(self, *parts: str) -> Path:
        """``root/parts...``, refused unless it resolves inside the root."""
        path = self.root.joinpath(*parts).resolve()
        if not path.is_relative_to(self.root):
            raise NotFound("that path is outside the studio's work folder")
        return path

    def audio_dir(self, audio_id: str) -> Path:
        return self.inside("audio", _checked(audio_id))

    def take_dir(self, take_id: str) -> Path:
        return self.inside("takes", _checked(take_id))

    def photo(self, photo_id: str) -> tuple[Path, dict[str, Any]]:
        """The stored photo file and its record."""
        meta = self.inside("photos", f"{_checked(photo_id)}.json")
        if not meta.is_file():
            raise NotFound(f"no photo {photo_id} in the studio; upload it first")
        doc = read_json(meta)
        return self.inside("photos", photo_id + doc["ext"]), doc

    def audio(self, audio_id: str) -> dict[str, Any]:
        meta = self.audio_dir(audio_id) / "audio.json"
        if not meta.is_file():
            raise NotFound(f"no audio {audio_id} in the studio; upload it first")
        return read_json(meta)

    def take(self, take_id: str) -> dict[str, Any]:
        meta = self.take_dir(take_id) / "take.json"
        if not meta.is_file():
            raise NotFound(f"no take {take_id} in the studio")
        return read_json(meta)

    def save_take(self, doc: dict[str, Any]) -> None:
        write_json(self.take_dir(doc["id"]) / "take.json", {**doc, "updated": time.time()})

    def takes(self) -> list[dict[str, Any]]:
        """Every take, newest first."""
        docs = []
        for path in (self.root / "takes").glob("*/take.json"):
            try:
                docs.append(read_json(path))
            except FileNotFoundError:  # a take refused as busy is removed as we look
                continue
        return sorted(docs, key=lambda d: d["created"], reverse=True)

    def mark_interrupted(self) -> None:
        """Takes left running by a studio that stopped are failed, not forever 'running'."""
        for doc in self.takes():
            if doc["status"] in ("queued", "running"):
                self.save_take({**doc, "status": "failed", "error": "interrupted: the studio stopped during the job"})


def _checked(ident: str) -> str:
    if not re.fullmatch(ID_PATTERN, ident):
        raise NotFound(f"{ident!r} is not a studio id")
    return ident
