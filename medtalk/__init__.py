"""medtalk: speech to expressive MetaHuman facial animation (MEDTalk, arXiv 2507.06071).

``load_model()`` and ``animate()`` import torch on first use, so importing
``medtalk`` (and ``medtalk --help``) stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    import numpy as np

    from medtalk.model.medtalk import MEDTalk
    from medtalk.rig import RigSequence
    from medtalk.whisper.transcribe import WhisperOptions


def load_model(path: Path | str | None = None) -> MEDTalk:
    """A trained MEDTalk model (the shipped default when ``path`` is None)."""
    from medtalk.infer import load_model as _load

    return _load(path)


def animate(
    audio: Path | str | np.ndarray,
    emotion: str = "neutral",
    transcript: str | None = None,
    intensity: float = 1.0,
    model: MEDTalk | None = None,
    fps: float = 60.0,
    describe: str | None = None,
    reference: Path | str | None = None,
    timeline: Path | str | list | dict | None = None,
    whisper: WhisperOptions | None = None,
) -> RigSequence:
    """Speech (a file, or 16 kHz mono samples) + emotion -> rig of ``round(duration * fps)`` frames.

    The emotion: a label or a blend (``"happy:0.7,surprised:0.3"``), a
    description (``describe``) or a face photo (``reference``), optionally
    along a ``timeline``. Without a ``transcript``, ``whisper`` options
    (``WhisperOptions()`` for the defaults) transcribe the speech automatically.
    See ``medtalk.infer.animate``.
    """
    from medtalk.infer import animate as _animate

    return _animate(audio, emotion, transcript, intensity, model, fps, describe, reference, timeline, whisper)
