"""One animation request as a typed object, checked before any work: what every front door runs.

``medtalk animate`` and the studio both build a :class:`Direction` (the
emotion source, a timeline, the intensity, the transcript) and call
:func:`check` then :func:`perform`, so a bad input gives the same one-line
:class:`~medtalk.errors.MedtalkError` from either of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from medtalk.errors import MedtalkError
from medtalk.guidance.guide import Guide, description_guide, parse_blend
from medtalk.guidance.timeline import Segment, read_timeline
from medtalk.rig import RigSequence
from medtalk.whisper.transcribe import WhisperOptions

if TYPE_CHECKING:
    from medtalk.hearing import Hearing


@dataclass(frozen=True)
class Direction:
    """How to animate one line: at most one of ``emotion`` (a label or blend), ``describe`` and
    ``reference`` (a photo), an optional ``timeline`` JSON file, the ``intensity`` scale, and what
    is said: ``transcript`` text; without it ``whisper`` transcribes the audio (None: the audio
    alone, as ``--no-transcribe``); ``language`` the Whisper code of the language spoken (a given
    transcript in a language other than English places no phones)."""

    emotion: str | None = None
    describe: str | None = None
    reference: Path | None = None
    timeline: Path | None = None
    intensity: float = 1.0
    transcript: str | None = None
    whisper: WhisperOptions | None = None
    language: str | None = None

    def __str__(self) -> str:
        return f"reference {self.reference}" if self.reference is not None else str(self.guide())

    def guide(self) -> Guide:
        """The emotion outside the timeline's segments (a photo's is read only when animating)."""
        if self.describe is not None:
            return description_guide(self.describe)
        return parse_blend(self.emotion or "neutral")


def check(direction: Direction) -> list[Segment]:
    """Fail on a typo, an empty description, a missing photo or a bad timeline before any work;
    returns the timeline's segments (empty without one)."""
    given = [k for k, v in (("describe", direction.describe), ("reference", direction.reference)) if v is not None]
    if len(given) > 1 or (given and direction.emotion not in (None, "neutral")):
        raise MedtalkError("give one of emotion, describe or reference")
    direction.guide()
    if direction.reference is not None and not direction.reference.is_file():
        raise MedtalkError(f"{direction.reference}: no such image file")
    if direction.whisper is not None:
        from medtalk.whisper.models import model_dir

        model_dir(direction.whisper.model)  # a missing or broken Whisper model fails before any work
    return read_timeline(direction.timeline) if direction.timeline is not None else []


def perform(
    audio: Path, direction: Direction, model_path: Path | None = None, fps: float = 60.0,
    on_stage: Callable[[str], None] | None = None, hearing: Hearing | None = None,
) -> RigSequence:
    """Animate ``audio`` (any format ffmpeg reads) as ``direction`` says: ``round(duration * fps)``
    frames of the 174 board controls. ``on_stage`` hears what it is doing now, for progress;
    ``hearing`` is the transcription of ``audio`` already under way, if one was started
    (``medtalk.hearing.start_hearing``; ``medtalk animate`` starts it before loading torch)."""
    from medtalk.infer import animate, load_model

    tell = on_stage or (lambda stage: None)
    check(direction)
    tell("loading the model")
    model = load_model(model_path)
    said = direction.transcript is not None and direction.transcript.strip()
    tell("animating" if said or direction.whisper is None else "transcribing (Whisper) and animating")
    return animate(audio, direction.emotion, direction.transcript, direction.intensity, model, fps,
                   describe=direction.describe, reference=direction.reference, timeline=direction.timeline,
                   whisper=direction.whisper, language=direction.language, hearing=hearing)
