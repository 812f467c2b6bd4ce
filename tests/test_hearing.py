"""Hearing: Whisper transcribing in a thread while the phones of each window heard are placed."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from medtalk.audio import load_audio
from medtalk.errors import MedtalkError
from medtalk.hearing import hear, start_hearing
from medtalk.phonetics import heard_phones
from medtalk.whisper.transcribe import WhisperOptions, passages

JFK = Path(__file__).resolve().parents[1] / "examples" / "jfk.flac"
TINY = WhisperOptions("tiny.en")  # the smaller installed model: the same code, a quarter of the time


@pytest.fixture(scope="module")
def long_speech() -> np.ndarray:
    """40 s of real speech: two Whisper windows."""
    return np.resize(load_audio(JFK), 40 * 16000)


def test_each_window_is_placed_as_the_whole_clip_would_be(long_speech):
    windows = list(passages(long_speech, TINY))
    assert len(windows) >= 2 and windows[0].end <= windows[1].start + 1e-9
    heard = hear(long_speech, TINY)
    assert heard.note is None and heard.transcription.language == "en"
    hearing = start_hearing(long_speech[:16000 * 3], TINY)
    assert hearing.result() is hearing.result()  # asked twice, heard once
    words, phones = heard.placed
    assert [w.text for w in words] == [w.text for p in windows for w in p.words]
    assert [w.index for w in words] == list(range(len(words)))
    # the same words aligned over the whole clip at once: the same times, but where a cut between
    # pieces shifts the aligner's choice at an unclear boundary ("what|you": 70 ms)
    whole_words, whole_phones = heard_phones(long_speech, list(heard.transcription.words), "en")
    apart = np.abs(np.array([w.start for w in words]) - [w.start for w in whole_words])
    assert apart.max() <= 0.1 and np.mean(apart > 0.03) <= 0.05, apart
    lips = [p.start for p in phones if p.symbol in ("m", "b", "p")]
    whole_lips = [p.start for p in whole_phones if p.symbol in ("m", "b", "p")]
    assert len(lips) == len(whole_lips) >= 6  # the m of "my", the m of "Americans"... in every repetition
    assert np.allclose(lips, whole_lips, atol=0.03)
    # and in the second window too, "my" is closed where it is said
    said_late = [w for w in words if w.text.lower() == "my" and w.start > windows[1].start]
    assert said_late and any(w.start <= t < w.end for w in said_late for t in lips)


def test_a_hearing_no_longer_wanted_stops(long_speech):
    before = threading.active_count()
    hearing = start_hearing(long_speech, TINY)
    hearing.close()  # after the step under way, not after the whole clip
    assert threading.active_count() == before


def test_an_error_in_the_transcription_reaches_the_caller(long_speech):
    before = threading.active_count()
    hearing = start_hearing(long_speech[:16000], WhisperOptions("tiny.en", "de"))
    with pytest.raises(MedtalkError, match="English-only"):
        hearing.result()
    assert threading.active_count() == before


def test_long_english_windows_are_placed_in_two_halves_at_once(long_speech, monkeypatch):
    """The second half of each long English window is aligned in the helper process; if the
    helper dies, the caller places that half itself (the same phones) and the next windows whole."""
    import medtalk.hearing as hearing_module
    from medtalk.sidecar import Sidecar

    started = []

    class Counted(Sidecar):
        def __init__(self) -> None:
            super().__init__()
            started.append(self)

    monkeypatch.setattr(hearing_module, "Sidecar", Counted)
    heard = hear(long_speech, TINY)
    assert len(started) == 1 and started[0]._process.poll() is not None  # one helper, ended with the hearing

    class Dying(Sidecar):
        def result(self):
            self._process.kill()
            return super().result()

    monkeypatch.setattr(hearing_module, "Sidecar", Dying)
    again = hear(long_speech, TINY)
    assert [w.text for w in again.placed[0]] == [w.text for w in heard.placed[0]]
    first_window = [(p.symbol, p.start) for p in heard.placed[1] if p.start < 25.0]
    assert [(p.symbol, p.start) for p in again.placed[1] if p.start < 25.0] == first_window
