"""Automatic transcription with Whisper: the words said, when, and in which language.

CTranslate2 runs an installed or local model (``medtalk.whisper.models``) on
the CPU, window by window of 30 s as Whisper does: the log-mel of the whole
clip (``mel``), each window encoded once, its language (detected unless given,
from the first window), its greedy decoding and segments (``decode``) and its
word times (``align``) all read from that one encoder output. Each word comes
with its time and its probability. What the words then drive, and when a
transcription is too unsure to use, is ``medtalk.phonetics`` and
``medtalk.infer``'s business.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from medtalk.audio import SAMPLE_RATE
from medtalk.errors import MedtalkError
from medtalk.synth.timeline import Word
from medtalk.whisper.align import TimedWord, add_word_times, speech_end
from medtalk.whisper.decode import decode, segments
from medtalk.whisper.mel import HOP_LENGTH, MEL_RATE, WINDOW_FRAMES, log_mel
from medtalk.whisper.models import BASE, TINY_EN, Whisper, load_whisper

# Greedy decoding at temperature 0 only (``medtalk.whisper.decode``): deterministic, and bounded
# in time. openai/whisper re-decodes a window at rising temperatures (sampling) when its text looks
# repetitive or unlikely; on 60 s of speech faster-whisper's default fell back to 1.0 on four of six
# windows and cost 20 s of CPU instead of 4.4 s (docs/BENCHMARKS.md). An unsure transcription is
# caught by ``doubt`` instead. Each 30 s window is decoded on its own, not conditioned on the
# previous window's text: that lets one misheard phrase repeat itself through a long recording.
#
# A window Whisper thinks silent (no-speech probability above this) and whose text is
# unlikely (mean log probability below that) is skipped, as Whisper skips it.
NO_SPEECH_THRESHOLD = 0.6
LOG_PROB_THRESHOLD = -1.0
# A transcription is used when its words are this probable on average (Whisper's own
# word probabilities) and, when the language was detected, that detection this sure.
MIN_CONFIDENCE = 0.5
MIN_LANGUAGE_PROBABILITY = 0.5
# audio shorter than this (a whole clip, or what is left after the last window) is not transcribed:
# a window costs as much however little of it is audio
MIN_SECONDS = 0.1


@dataclass(frozen=True)
class WhisperOptions:
    """How to transcribe: ``model`` an installed name (``tiny.en``, ``base``) or a CTranslate2
    Whisper folder; ``language`` a Whisper language code (``en``, ``de``, ``zh``), None to
    detect it. The default, ``model=None``, pairs the installed two: base detects the language
    (``models``), English is transcribed by tiny.en (in about half base's time) and any other
    language by base."""

    model: str | Path | None = None
    language: str | None = None

    def models(self) -> tuple[str | Path, ...]:
        """The Whisper models these options may use (the first detects the language)."""
        if self.model is not None:
            return (self.model,)
        if self.language is None:
            return (BASE, TINY_EN)
        return (TINY_EN,) if self.language.strip().lower() == "en" else (BASE,)


@dataclass(frozen=True)
class Transcription:
    """What Whisper heard: ``words`` with times in seconds from the audio's start, the
    ``language`` code and how sure its detection was (1.0 when it was given), and
    ``confidence``, the mean probability of the words (0.0 when there are none)."""

    words: tuple[Word, ...]
    language: str
    language_probability: float
    confidence: float
    model: str = ""

    @property
    def text(self) -> str:
        """The words joined by spaces, so its whitespace words are ``words`` (Chinese and
        Japanese come out one character a word)."""
        return " ".join(w.text for w in self.words)

    def summary(self) -> dict:
        """A JSON-ready record for a rig's metadata."""
        return {"language": self.language, "language_probability": round(self.language_probability, 3),
                "confidence": round(self.confidence, 3), "whisper": self.model, "text": self.text}


def _language(whisper: Whisper, language: str | None) -> str | None:
    if language is None:
        return None
    code = language.strip().lower()
    if code not in whisper.languages:
        if whisper.languages == ("en",):
            raise MedtalkError(f"this Whisper model is English-only; it cannot transcribe language {language!r}")
        raise MedtalkError(f"unknown Whisper language {language!r} (codes such as en, de, fr, zh, ja)")
    return code


def _encode(whisper: Whisper, mel: np.ndarray, seek: int, frames: int):
    """The encoder output ``(1, 1500, dim)`` of ``frames`` log-mel frames from ``seek``, padded to the 30 s window."""
    import ctranslate2

    window = np.zeros((1, mel.shape[0], WINDOW_FRAMES), np.float32)
    window[0, :, :frames] = mel[:, seek : seek + frames]
    return whisper.runtime.encode(ctranslate2.StorageView.from_array(window))


@dataclass(frozen=True)
class Passage:
    """One window's transcription: the ``words`` heard in ``[start, end)`` s of the audio (every
    word lies there: the next window begins after the last one heard whole), their
    ``probabilities``, the ``language`` with how sure its detection was (1.0 unless detected), and
    the Whisper ``model`` that transcribed it (its name or folder)."""

    start: float
    end: float
    words: tuple[Word, ...]
    probabilities: tuple[float, ...]
    language: str
    language_probability: float
    model: str = ""


def _words(heard: list[TimedWord]) -> tuple[list[Word], list[float]]:
    """Whisper's words as ``Word`` (its leading space dropped), and their probabilities; words
    made only of punctuation are left out, as they have no sound."""
    words: list[Word] = []
    probabilities: list[float] = []
    for w in heard:
        text = w.text.strip()
        if any(ch.isalnum() for ch in text):
            words.append(Word(text, len(words), float(w.start), max(float(w.end), float(w.start))))
            probabilities.append(w.probability)
    return words, probabilities


def passages(
    wave: np.ndarray, options: WhisperOptions = WhisperOptions(), cancelled: Callable[[], bool] = lambda: False
) -> Iterator[Passage]:
    """Transcribe 16 kHz mono ``wave (N,)`` window by window, as each window is done (one
    ``Passage`` each; a window Whisper finds silent gives no words). ``cancelled`` is asked
    before each window's encoding and decoding: once it says so, the passages end."""
    models = options.models()
    name = models[0]
    whisper = load_whisper(name)
    language = _language(whisper, options.language)
    wave = np.ascontiguousarray(wave, dtype=np.float32)
    if len(wave) < MIN_SECONDS * SAMPLE_RATE or cancelled():
        return
    # one hop of silence after the end, as openai/whisper pads: the extra frame is not read,
    # but the last frame read then ends in silence, not in the reflection of the clip
    mel = log_mel(np.pad(wave, (0, HOP_LENGTH)))
    audio_frames = mel.shape[1] - 1
    probability = 1.0
    seek, last_speech = 0, 0.0
    while audio_frames - seek >= MIN_SECONDS * MEL_RATE:  # a last scrap holds no word: not worth a window
        frames = min(WINDOW_FRAMES, audio_frames - seek)
        if cancelled():
            return
        encoded = _encode(whisper, mel, seek, frames)
        if language is None:
            language, probability = _detect(whisper, encoded)
            if language == "en" and probability >= MIN_LANGUAGE_PROBABILITY and len(models) > 1:
                # sure it is English: the English-only model takes over
                name = models[1]
                whisper = load_whisper(name)
                if cancelled():
                    return
                encoded = _encode(whisper, mel, seek, frames)
        if cancelled():
            return
        decoded = decode(whisper, encoded, language)
        heard: list[TimedWord] = []
        if decoded.no_speech_prob > NO_SPEECH_THRESHOLD and decoded.avg_logprob < LOG_PROB_THRESHOLD:
            next_seek = seek + frames
        else:
            found, next_seek, complete = segments(decoded.tokens, whisper.vocabulary, seek, frames)
            add_word_times(whisper, encoded, language, found, seek, frames, last_speech)
            last_speech = speech_end(found)
            if not complete and last_speech > seek / MEL_RATE:
                next_seek = round(last_speech * MEL_RATE)  # after the last word heard whole
            # never stay in place (a window of times only): go on after it
            next_seek = next_seek if next_seek > seek else seek + frames
            for segment in found:
                if segment.start != segment.end and whisper.vocabulary.text(segment.tokens).strip():
                    heard += segment.words
        words, probabilities = _words(heard)
        yield Passage(seek / MEL_RATE, min(next_seek, audio_frames) / MEL_RATE, tuple(words), tuple(probabilities),
                      language, float(probability), str(name))
        seek = next_seek


def _detect(whisper: Whisper, encoded) -> tuple[str, float]:
    """The language of an encoded window and how sure the detection is (English, sure, for an
    English-only model)."""
    if whisper.languages == ("en",):
        return "en", 1.0
    token, probability = whisper.runtime.detect_language(encoded)[0][0]
    return token[2:-2], probability  # <|de|>


def gather(heard: list[Passage], language: str | None = None) -> Transcription:
    """The transcription of consecutive passages (``language``, if given, when there are none)."""
    words = [Word(w.text, i, w.start, w.end) for i, w in enumerate(w for p in heard for w in p.words)]
    probabilities = [x for p in heard for x in p.probabilities]
    confidence = float(np.mean(probabilities)) if probabilities else 0.0
    first = heard[0] if heard else None
    return Transcription(tuple(words), first.language if first else (language or "").strip().lower(),
                         first.language_probability if first else 0.0, confidence, first.model if first else "")


def transcribe(wave: np.ndarray, options: WhisperOptions = WhisperOptions()) -> Transcription:
    """Transcribe 16 kHz mono ``wave (N,)``: the words with their times, the language (all of
    ``passages``)."""
    return gather(list(passages(wave, options)), options.language)


def doubt(heard: Transcription) -> str | None:
    """Why ``heard`` should not drive the face (one line), or None when it can."""
    if not heard.words:
        return "Whisper heard no words"
    if heard.language_probability < MIN_LANGUAGE_PROBABILITY:
        return f"Whisper is unsure of the language ({heard.language}, p={heard.language_probability:.2f})"
    if heard.confidence < MIN_CONFIDENCE:
        return f"Whisper's transcription is unsure (mean word probability {heard.confidence:.2f})"
    return None
