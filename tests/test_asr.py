"""pocketsphinx ASR and forced alignment on real and espeak-ng speech."""

from __future__ import annotations

import difflib
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from medtalk.asr import MAX_SEGMENT_S, _segments, align, align_words, transcribe
from medtalk.audio import SAMPLE_RATE, load_audio
from medtalk.errors import MedtalkError

JFK = "and so my fellow americans ask not what your country can do for you ask what you can do for your country"


def word_accuracy(reference: str, hypothesis: str) -> float:
    """Fraction of reference words matched in order (1 - deletions - substitutions)."""
    ref = reference.split()
    blocks = difflib.SequenceMatcher(a=ref, b=hypothesis.split()).get_matching_blocks()
    return sum(b.size for b in blocks) / len(ref)


def espeak(text: str, path: Path, voice: str = "en-us+f2", rate: int = 140) -> Path:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), text], check=True)
    return path


@pytest.mark.slow
def test_transcribes_real_speech(reference) -> None:
    text = transcribe(load_audio(reference / "real" / "jfk.flac"))
    assert word_accuracy(JFK, text) >= 0.5, text  # measured 0.77 with pocketsphinx 5.0.4


def test_transcribes_espeak_speech_at_its_own_rate(tmp_path: Path) -> None:
    text = "hello my name is peter and I live in the city"
    path = espeak(text, tmp_path / "hello.wav")
    native = load_audio(path, sample_rate=22050)  # espeak-ng's rate: exercises the resampling
    heard = transcribe(native, sample_rate=22050)
    assert word_accuracy(text.lower(), heard) >= 0.4, heard


def test_silence_and_tiny_input_give_no_words() -> None:
    assert transcribe(np.zeros(SAMPLE_RATE, dtype=np.float32)) == ""
    assert transcribe(np.zeros(1, dtype=np.float32)) == ""
    assert transcribe(np.full(SAMPLE_RATE, np.nan, dtype=np.float32)) == ""


def test_bad_input() -> None:
    with pytest.raises(MedtalkError):
        transcribe(np.zeros((2, 100), dtype=np.float32))
    with pytest.raises(MedtalkError):
        transcribe(np.zeros(100, dtype=np.float32), sample_rate=0)


def test_long_audio_is_cut_in_quiet_places() -> None:
    rng = np.random.default_rng(0)
    seconds = 75
    wave = (0.1 * rng.standard_normal(seconds * SAMPLE_RATE)).astype(np.float32)
    quiet = [int(s * SAMPLE_RATE) for s in (27.0, 55.5)]
    for q in quiet:
        wave[q : q + SAMPLE_RATE // 10] = 0.0
    pieces = _segments(wave)
    assert np.array_equal(np.concatenate(pieces), wave)
    assert all(len(p) <= MAX_SEGMENT_S * SAMPLE_RATE for p in pieces)
    cuts = np.cumsum([len(p) for p in pieces])[:-1]
    assert len(cuts) == 2 and all(q <= c <= q + SAMPLE_RATE // 10 for q, c in zip(quiet, cuts))


def test_aligns_real_speech(reference) -> None:
    wave = load_audio(reference / "real" / "jfk.flac")
    transcript = (
        "And so my fellow Americans, ask not what your country can do for you; ask what you can do for your country."
    )
    words, phones = align(wave, transcript)
    assert [w.text for w in words] == transcript.split() and [w.index for w in words] == list(range(22))
    starts = [w.start for w in words]
    assert starts == sorted(starts) and all(w.end >= w.start for w in words)
    assert words[-1].end <= len(wave) / SAMPLE_RATE
    by_text = {w.text: w for w in words}
    assert by_text["Americans,"].end < by_text["ask"].start - 0.5  # the long pause after "Americans"
    # "my" begins with a lip closure: its first phone is M, inside the word
    my_phones = [p for p in phones if by_text["my"].start <= p.start < by_text["my"].end]
    assert my_phones[0].symbol == "M"
    assert {"UW", "OW"} <= {p.symbol for p in phones}  # "do", "you", "so"


def test_alignment_matches_espeak_word_timing() -> None:
    from medtalk.synth.speech import synthesize

    utterance = synthesize("please open the window before the meeting starts".split(), "en-us+f2", rate=140)
    words = align_words(utterance.audio, " ".join(w.text for w in utterance.words))
    errors = [abs(a.start - b.start) for a, b in zip(words, utterance.words)]
    assert len(words) == len(utterance.words)
    assert np.median(errors) < 0.03, errors  # measured ~0.01 s


def test_recognises_phones_without_a_transcript() -> None:
    from medtalk.asr import recognise_phones
    from medtalk.synth.speech import synthesize

    utterance = synthesize("my mother made lemon jam".split(), "en-us", rate=140)
    phones = recognise_phones(utterance.audio)
    starts = [p.start for p in phones]
    assert starts == sorted(starts) and all(p.end > p.start for p in phones)
    assert phones[0].symbol == "M" and abs(phones[0].start - utterance.phones[0].start) < 0.05
    assert sum(p.symbol == "M" for p in phones) >= 2  # of five spoken (measured: 2, "my" and "mother")
    assert phones[-1].end <= utterance.duration
    assert recognise_phones(np.zeros(16000, np.float32)) == []
    # long audio is decoded in pieces, each piece's phones at its place in the whole
    gap = np.random.default_rng(0).normal(0, 1e-4, 35 * SAMPLE_RATE).astype(np.float32)
    twice = recognise_phones(np.concatenate([utterance.audio, gap, utterance.audio]))
    later = [p for p in twice if p.start > utterance.duration + 35 - 0.2]
    assert later and abs(later[0].start - (phones[0].start + utterance.duration + 35)) < 0.1


@pytest.mark.slow
def test_alignment_holds_with_long_digital_silence() -> None:
    """Half a second of exact zeros after the speech (a padded file) must not drag the words late."""
    from medtalk.synth.speech import synthesize

    utterance = synthesize("my mother baked a lemon pie on a windy monday morning".split(), "en-us", rate=175)
    padded = np.concatenate([utterance.audio, np.zeros(SAMPLE_RATE // 2, np.float32)])
    words = align_words(padded, " ".join(w.text for w in utterance.words))
    errors = [abs(a.start - b.start) for a, b in zip(words, utterance.words)]
    # measured: median 0.008 s, max 0.06 s; without the dither of digital silence 0.2 s and 0.5 s
    assert np.median(errors) < 0.03 and max(errors) < 0.1, errors


def test_unknown_words_share_the_gap_and_silence_spreads_evenly(reference) -> None:
    wave = load_audio(reference / "real" / "jfk.flac")
    words = align_words(wave, "And so my fellow Zorblax, ask not what your country can do for you ask what you can")
    fellow, unknown, ask = words[3:6]
    assert fellow.end <= unknown.start <= unknown.end <= ask.start
    spread = align_words(np.zeros(SAMPLE_RATE, dtype=np.float32), "hello big world")
    assert [round(w.end, 3) for w in spread] == [round(5 / 13, 3), round(8 / 13, 3), 1.0]
    assert align(wave, "   ") == ([], [])
