"""Hearing speech: Whisper's words and their phones on the audio, the two overlapped.

Whisper transcribes window by window (``medtalk.whisper.transcribe.passages``)
in a thread, while the thread that asked places the phones of each window
already heard (``medtalk.phonetics.heard_phones``: in English, pocketsphinx's
alignment over that window's stretch of audio). CTranslate2 lets go of the GIL
while it computes, so the two run on both cores; and a hearing started before
the model is loaded (``medtalk animate`` starts one before it imports torch)
runs meanwhile too. What the words then drive is ``medtalk.infer``'s business.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass

import numpy as np

from medtalk.audio import SAMPLE_RATE
from medtalk.errors import MedtalkError
from medtalk.synth.timeline import Phone, Word
from medtalk.whisper.models import load_whisper
from medtalk.whisper.transcribe import (
    MIN_LANGUAGE_PROBABILITY,
    Passage,
    Transcription,
    WhisperOptions,
    doubt,
    gather,
    passages,
)

_DONE = object()  # the end of the passages


@dataclass(frozen=True)
class Heard:
    """What was heard: the ``transcription``, its words and phones ``placed`` on the audio (None
    when they should not drive the face), and ``note``, why not (one line)."""

    transcription: Transcription
    placed: tuple[list[Word], list[Phone]] | None
    note: str | None = None

    def record(self) -> dict:
        """A JSON-ready record for a rig's metadata (with the note, when there is one)."""
        record = self.transcription.summary()
        return record if self.note is None else {**record, "note": f"{self.note}: animating from the audio alone"}


def _placed(wave: np.ndarray, passage: Passage) -> tuple[list[Word], list[Phone]] | None:
    """The words and phones of one passage, placed on its stretch of ``wave`` (times in s from
    the start of ``wave``), or None when its language cannot be phonemized."""
    from medtalk.phonetics import heard_phones

    offset = min(passage.start, passage.words[0].start)
    end = max(passage.end, passage.words[-1].end)
    piece = wave[round(offset * SAMPLE_RATE) : round(end * SAMPLE_RATE)]
    local = [Word(w.text, i, w.start - offset, w.end - offset) for i, w in enumerate(passage.words)]
    placed = heard_phones(piece, local, passage.language)
    if placed is None:
        return None
    words, phones = placed
    return ([Word(w.text, w.index, w.start + offset, w.end + offset) for w in words],
            [Phone(p.symbol, p.start + offset, p.end + offset) for p in phones])


class Hearing:
    """A transcription of ``wave`` under way in a thread: ``result`` places the phones as its
    windows come and returns what was heard; ``close`` stops it (at the end of the step under
    way: a window's encoding or decoding) if it is no longer wanted."""

    def __init__(self, wave: np.ndarray, options: WhisperOptions) -> None:
        # loaded here, in the caller's thread: CTranslate2 holds the GIL while it loads a model, so
        # a thread would only wait for the caller's imports (and a missing model fails here)
        load_whisper(options.model)
        self._wave = np.ascontiguousarray(wave, dtype=np.float32)
        self._options = options
        self._queue: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._heard: Heard | None = None
        self._thread = threading.Thread(target=self._transcribe, name="medtalk-whisper")
        self._thread.start()

    def _transcribe(self) -> None:
        try:
            for passage in passages(self._wave, self._options, self._stop.is_set):
                self._queue.put(passage)
        except Exception as err:  # raised in the thread that waits for the result
            self._queue.put(err)
        finally:
            self._queue.put(_DONE)

    def _passages(self):
        while (item := self._queue.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item

    def result(self) -> Heard:
        """Wait for the transcription, placing each window's phones as it comes (once: a second
        call returns the same)."""
        if self._heard is None:
            self._heard = self._hear()
        return self._heard

    def _hear(self) -> Heard:
        heard: list[Passage] = []
        words: list[Word] = []
        phones: list[Phone] = []
        unplaced = False
        try:
            for passage in self._passages():
                heard.append(passage)
                if not passage.words or unplaced or passage.language_probability < MIN_LANGUAGE_PROBABILITY:
                    continue  # nothing to place, or it will not be used
                placed = _placed(self._wave, passage)
                if placed is None:
                    unplaced = True
                    continue
                words += [Word(w.text, len(words) + i, w.start, w.end) for i, w in enumerate(placed[0])]
                phones += placed[1]
        finally:
            self.close()
        transcription = gather(heard, self._options.language)
        note = doubt(transcription)
        if note is None and unplaced:
            note = f"espeak-ng cannot phonemize the language Whisper heard ({transcription.language})"
        return Heard(transcription, None if note is not None else (words, phones), note)

    def close(self) -> None:
        """Stop transcribing (after the step under way) and wait for the thread."""
        self._stop.set()
        self._thread.join()


def start_hearing(wave: np.ndarray, options: WhisperOptions) -> Hearing:
    """Start transcribing 16 kHz mono ``wave (N,)`` now; read it with ``Hearing.result``."""
    if wave.ndim != 1:
        raise MedtalkError(f"expected mono 16 kHz samples (N,), got an array of shape {wave.shape}")
    return Hearing(wave, options)


def hear(wave: np.ndarray, options: WhisperOptions) -> Heard:
    """What Whisper hears in 16 kHz mono ``wave (N,)``, with the phones placed (``Hearing``)."""
    return start_hearing(wave, options).result()
