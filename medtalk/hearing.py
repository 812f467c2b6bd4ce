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
from medtalk.sidecar import Sidecar, SidecarError
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


# An English window of at least this many words is aligned in two halves at once, one here and
# one in a helper process (``medtalk.sidecar``): pocketsphinx holds the GIL, so a thread would not do
SPLIT_WORDS = 16

Placed = tuple[list[Word], list[Phone]]


def _stretch(wave: np.ndarray, words: list[Word], start: float, end: float) -> tuple[np.ndarray, list[Word]]:
    """``wave`` from ``start`` to ``end`` s, and ``words`` with times from ``start``."""
    piece = wave[round(start * SAMPLE_RATE) : round(end * SAMPLE_RATE)]
    return piece, [Word(w.text, i, w.start - start, w.end - start) for i, w in enumerate(words)]


def _shifted(placed: Placed | None, offset: float) -> Placed | None:
    if placed is None:
        return None
    words, phones = placed
    return ([Word(w.text, w.index, w.start + offset, w.end + offset) for w in words],
            [Phone(p.symbol, p.start + offset, p.end + offset) for p in phones])


def _split(words: tuple[Word, ...]) -> int:
    """Where to cut the words in two (the index of the second half's first word): at the widest
    pause among the middle half of them."""
    middle = range(len(words) // 4, 3 * len(words) // 4)
    return max(middle, key=lambda i: words[i].start - words[i - 1].end)


def _placed(wave: np.ndarray, passage: Passage, sidecar: Sidecar | None = None) -> Placed | None:
    """The words and phones of one passage, placed on its stretch of ``wave`` (times in s from
    the start of ``wave``), or None when its language cannot be phonemized. With a ``sidecar``
    the second half of a long English passage is placed there meanwhile."""
    from medtalk.phonetics import heard_phones

    words = list(passage.words)
    start = min(passage.start, words[0].start)
    end = max(passage.end, words[-1].end)

    def here(some: list[Word], a: float, b: float) -> Placed | None:
        return _shifted(heard_phones(*_stretch(wave, some, a, b), passage.language), a)

    if sidecar is None or passage.language != "en" or len(words) < SPLIT_WORDS:
        return here(words, start, end)
    cut = _split(passage.words)
    middle = (words[cut - 1].end + words[cut].start) / 2
    try:
        sidecar.submit(heard_phones, *_stretch(wave, words[cut:], middle, end), "en")
    except SidecarError:  # it has ended: all of it here
        return here(words, start, end)
    first = here(words[:cut], start, middle)
    try:
        second = _shifted(sidecar.result(), middle)
    except SidecarError:  # it died: that half here after all
        second = here(words[cut:], middle, end)
    if first is None or second is None:
        return None
    return (first[0] + [Word(w.text, cut + w.index, w.start, w.end) for w in second[0]], first[1] + second[1])


class Hearing:
    """A transcription of ``wave`` under way in a thread: ``result`` places the phones as its
    windows come and returns what was heard; ``close`` stops it (at the end of the step under
    way: a window's encoding or decoding) if it is no longer wanted."""

    def __init__(self, wave: np.ndarray, options: WhisperOptions) -> None:
        # loaded here, in the caller's thread: CTranslate2 holds the GIL while it loads a model, so
        # a thread would only wait for the caller's imports (and a missing model fails here). The
        # first (it detects the language) before the thread starts, the other while it encodes.
        first, *others = options.models()
        load_whisper(first)
        self._wave = np.ascontiguousarray(wave, dtype=np.float32)
        self._options = options
        self._queue: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._heard: Heard | None = None
        self._sidecar: Sidecar | None = None  # started for the first long English window
        self._thread = threading.Thread(target=self._transcribe, name="medtalk-whisper")
        self._thread.start()
        try:
            for model in others:
                load_whisper(model)
        except BaseException:
            self.close()
            raise

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
                if self._sidecar is None and passage.language == "en" and len(passage.words) >= SPLIT_WORDS:
                    self._sidecar = Sidecar()
                placed = _placed(self._wave, passage, self._sidecar)
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
        if self._sidecar is not None:
            self._sidecar.close()
            self._sidecar = None


def start_hearing(wave: np.ndarray, options: WhisperOptions) -> Hearing:
    """Start transcribing 16 kHz mono ``wave (N,)`` now; read it with ``Hearing.result``."""
    if wave.ndim != 1:
        raise MedtalkError(f"expected mono 16 kHz samples (N,), got an array of shape {wave.shape}")
    return Hearing(wave, options)


def hear(wave: np.ndarray, options: WhisperOptions) -> Heard:
    """What Whisper hears in 16 kHz mono ``wave (N,)``, with the phones placed (``Hearing``)."""
    return start_hearing(wave, options).result()
