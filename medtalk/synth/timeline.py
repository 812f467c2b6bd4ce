"""What speech synthesis hands to the face: audio with phoneme and word timing."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Phone:
    """One phoneme: espeak-ng's ASCII mnemonic (``p``, ``aI``, ``u:``), times in seconds."""

    symbol: str
    start: float
    end: float


@dataclass(frozen=True)
class Word:
    """One word of the input text, its position in the sentence, times in seconds."""

    text: str
    index: int
    start: float
    end: float


def words_without_phones(words: list[Word], phones: list[Phone]) -> list[Word]:
    """The words of ``words`` that no phone of ``phones`` starts within (times in seconds)."""
    starts = np.sort(np.array([p.start for p in phones], dtype=np.float64))
    return [w for w in words if np.searchsorted(starts, w.start) == np.searchsorted(starts, w.end)]


@dataclass
class Utterance:
    """Synthesised speech: ``audio`` is ``(N,)`` float32 mono at ``sample_rate``; ``breaths`` are the
    ``(start, end)`` seconds of audible in-breaths (``medtalk.synth.pauses``)."""

    audio: np.ndarray
    sample_rate: int
    phones: list[Phone]
    words: list[Word]
    voice: str
    settings: dict = field(default_factory=dict)
    breaths: list[tuple[float, float]] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return len(self.audio) / self.sample_rate
