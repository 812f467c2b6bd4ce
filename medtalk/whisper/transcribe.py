"""Automatic transcription with Whisper: the words said, when, and in which language.

faster-whisper (CTranslate2) runs an installed or local model
(``medtalk.whisper.models``) on the CPU. The language is detected unless
given; each word comes with its time (Whisper's cross-attention alignment) and
its probability. What the words then drive, and when a transcription is too
unsure to use, is ``medtalk.phonetics`` and ``medtalk.infer``'s business.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from medtalk.audio import SAMPLE_RATE
from medtalk.errors import MedtalkError
from medtalk.synth.timeline import Word
from medtalk.whisper.models import load_whisper

# Greedy decoding at temperature 0 only: deterministic, and bounded in time. faster-whisper's
# default re-decodes a window at rising temperatures (sampling) when its text looks repetitive
# or unlikely; on 60 s of speech that fell back to 1.0 on four of six windows and cost 20 s of
# CPU instead of 4.4 s (docs/BENCHMARKS.md). An unsure transcription is caught by ``doubt`` instead.
BEAM_SIZE = 1
TEMPERATURE = 0.0
# Each 30 s window is decoded on its own: conditioning on the previous window's text lets
# one misheard phrase repeat itself through the rest of a long recording.
CONDITION_ON_PREVIOUS_TEXT = False
# A transcription is used when its words are this probable on average (Whisper's own
# word probabilities) and, when the language was detected, that detection this sure.
MIN_CONFIDENCE = 0.5
MIN_LANGUAGE_PROBABILITY = 0.5


@dataclass(frozen=True)
class WhisperOptions:
    """How to transcribe: ``model`` an installed name (``tiny.en``, ``base``; None is the
    default) or a CTranslate2 Whisper folder; ``language`` a Whisper language code (``en``,
    ``de``, ``zh``), None to detect it."""

    model: str | Path | None = None
    language: str | None = None


@dataclass(frozen=True)
class Transcription:
    """What Whisper heard: ``words`` with times in seconds from the audio's start, the
    ``language`` code and how sure its detection was (1.0 when it was given), and
    ``confidence``, the mean probability of the words (0.0 when there are none)."""

    words: tuple[Word, ...]
    language: str
    language_probability: float
    confidence: float

    @property
    def text(self) -> str:
        """The words joined by spaces, so its whitespace words are ``words`` (Chinese and
        Japanese come out one character a word)."""
        return " ".join(w.text for w in self.words)

    def summary(self) -> dict:
        """A JSON-ready record for a rig's metadata."""
        return {"language": self.language, "language_probability": round(self.language_probability, 3),
                "confidence": round(self.confidence, 3), "text": self.text}


def _language(model, language: str | None) -> str | None:
    if language is None:
        return None
    code = language.strip().lower()
    if not model.model.is_multilingual:  # the CTranslate2 model under faster-whisper's wrapper
        if code != "en":
            raise MedtalkError(f"this Whisper model is English-only; it cannot transcribe language {language!r}")
        return code
    if code not in model.supported_languages:
        raise MedtalkError(f"unknown Whisper language {language!r} (codes such as en, de, fr, zh, ja)")
    return code


def transcribe(wave: np.ndarray, options: WhisperOptions = WhisperOptions()) -> Transcription:
    """Transcribe 16 kHz mono ``wave (N,)``: the words with their times, the language.

    Whitespace inside a word (Whisper's leading space) is dropped; words made
    only of punctuation are left out, as they have no sound.
    """
    model = load_whisper(options.model)
    language = _language(model, options.language)
    wave = np.ascontiguousarray(wave, dtype=np.float32)
    if len(wave) < SAMPLE_RATE // 10:
        return Transcription((), language or "", 0.0, 0.0)
    segments, info = model.transcribe(
        wave, language=language, beam_size=BEAM_SIZE, temperature=TEMPERATURE, word_timestamps=True,
        condition_on_previous_text=CONDITION_ON_PREVIOUS_TEXT,
    )
    words: list[Word] = []
    probabilities: list[float] = []
    for segment in segments:
        for w in segment.words or ():
            text = w.word.strip()
            if not any(ch.isalnum() for ch in text):
                continue
            words.append(Word(text, len(words), float(w.start), max(float(w.end), float(w.start))))
            probabilities.append(float(w.probability))
    confidence = float(np.mean(probabilities)) if probabilities else 0.0
    sure = 1.0 if language is not None else float(info.language_probability)
    return Transcription(tuple(words), info.language, sure, confidence)


def doubt(heard: Transcription) -> str | None:
    """Why ``heard`` should not drive the face (one line), or None when it can."""
    if not heard.words:
        return "Whisper heard no words"
    if heard.language_probability < MIN_LANGUAGE_PROBABILITY:
        return f"Whisper is unsure of the language ({heard.language}, p={heard.language_probability:.2f})"
    if heard.confidence < MIN_CONFIDENCE:
        return f"Whisper's transcription is unsure (mean word probability {heard.confidence:.2f})"
    return None
