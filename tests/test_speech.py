"""Real espeak-ng speech: phoneme and word timing, voices, prosody, 16 kHz audio."""

from __future__ import annotations

import os

import numpy as np
import pytest

from medtalk.audio import SAMPLE_RATE
from medtalk.errors import MedtalkError
from medtalk.synth.speech import EDGE_SILENCE, Prosody, list_voices, resolve_voice, synthesize

SENTENCE = "Peter bought my map, then left.".split()


def median_f0(audio: np.ndarray, sr: int = SAMPLE_RATE) -> float:
    """Median pitch (Hz) of voiced 40 ms frames, by autocorrelation between 60 and 400 Hz."""
    frame, hop = int(0.04 * sr), int(0.01 * sr)
    lags = np.arange(sr // 400, sr // 60)
    energy_floor = 0.1 * np.max(np.abs(audio))
    f0 = []
    for start in range(0, len(audio) - frame, hop):
        x = audio[start:start + frame] - audio[start:start + frame].mean()
        if np.max(np.abs(x)) < energy_floor:
            continue
        ac = np.correlate(x, x, "full")[frame - 1:]
        best = lags[np.argmax(ac[lags])]
        if ac[best] > 0.5 * ac[0]:  # clearly periodic: voiced
            f0.append(sr / best)
    return float(np.median(f0))


def test_phonemes_ordered_and_cover_the_speech():
    utt = synthesize(SENTENCE)
    assert utt.sample_rate == SAMPLE_RATE and utt.audio.dtype == np.float32
    assert utt.phones, "no phoneme events"
    starts = [p.start for p in utt.phones]
    assert starts == sorted(starts)
    assert all(p.end >= p.start for p in utt.phones)
    assert all(not p.symbol.startswith("_") for p in utt.phones)
    assert utt.phones[0].start == pytest.approx(EDGE_SILENCE, abs=1e-3)
    assert utt.duration == pytest.approx(utt.phones[-1].end + EDGE_SILENCE, abs=2e-3)
    spoken = sum(p.end - p.start for p in utt.phones)
    # phones fill the speech except the comma pause (~150 ms at this rate)
    assert 0.7 * (utt.duration - 2 * EDGE_SILENCE) < spoken <= utt.duration - 2 * EDGE_SILENCE + 1e-6
    # the audio is silent at the edges and loud in between
    edge = int(0.1 * SAMPLE_RATE)
    assert np.abs(utt.audio[:edge]).max() < 0.01 and np.abs(utt.audio[-edge:]).max() < 0.01
    assert np.abs(utt.audio).max() > 0.1


def test_bilabials_present_and_inside_their_words():
    utt = synthesize(SENTENCE)
    symbols = [p.symbol for p in utt.phones]
    assert {"p", "b", "m"} <= set(symbols)
    words = {w.text: w for w in utt.words}
    for word, bilabial in (("Peter", "p"), ("bought", "b"), ("my", "m")):
        w = words[word]
        inside = [p.symbol for p in utt.phones if w.start <= p.start < w.end]
        assert inside[0] == bilabial


def test_word_timing_monotonic_and_matched():
    utt = synthesize(SENTENCE)
    assert [w.text for w in utt.words] == SENTENCE
    assert [w.index for w in utt.words] == list(range(len(SENTENCE)))
    for a, b in zip(utt.words, utt.words[1:]):
        assert a.start < a.end <= b.start
    # the comma pause separates "map," from "then"
    assert utt.words[4].start - utt.words[3].end > 0.05


def test_word_timing_with_markup_and_entities():
    words = "Fish & chips <cost> more today".split()
    style = [None, Prosody(pitch=30), Prosody(emphasis=True), None, Prosody(rate=-30, volume=20), None]
    utt = synthesize(words, word_prosody=style)
    assert [w.text for w in utt.words] == words
    spoken = [w for w in utt.words if w.end > w.start]
    assert len(spoken) == len(words)
    for a, b in zip(utt.words, utt.words[1:]):
        assert a.end <= b.start


def test_word_offsets_count_characters_not_bytes():
    utt = synthesize("Grüße über München und Köln".split(), "de")
    first_phone = {w.text: next(p.symbol for p in utt.phones if p.start >= w.start) for w in utt.words}
    assert first_phone == {"Grüße": "g", "über": "y:", "München": "m", "und": "U", "Köln": "k"}


def test_resampling_gives_16khz_with_matching_duration():
    slow = synthesize(SENTENCE, rate=120)
    fast = synthesize(SENTENCE, rate=300)
    assert slow.sample_rate == fast.sample_rate == 16000
    assert slow.duration > 1.6 * fast.duration
    # a 16 kHz file is 16000 samples per second of speech: durations match the phone times
    assert len(slow.audio) == pytest.approx((slow.phones[-1].end + EDGE_SILENCE) * 16000, abs=2)


def test_voice_resolution():
    assert resolve_voice("en-us+m3") == "en-us+m3"
    assert resolve_voice("gmw/en-GB-x-rp+f2") == "gmw/en-GB-x-rp+f2"
    assert resolve_voice("en+klatt") == "en+klatt"
    assert resolve_voice("fr-fr")  # a language code espeak only knows through its voice file
    for bad in ("xx-nonsense", "en-us+nonsense", "en-us+", "mb/mb-en1", ""):
        with pytest.raises(MedtalkError, match="unknown voice"):
            resolve_voice(bad)
    voices = list_voices()
    assert {"en-us", "de", "cmn-latn-pinyin"} <= set(voices)


def test_variants_change_the_voice():
    male = synthesize(SENTENCE, "en-us+m3")
    female = synthesize(SENTENCE, "en-us+f2")
    assert male.voice == "en-us+m3" and female.voice == "en-us+f2"
    assert median_f0(female.audio) > 1.3 * median_f0(male.audio)


def test_ssml_prosody_changes_pitch_and_rate():
    plain = synthesize(SENTENCE)
    high = synthesize(SENTENCE, word_prosody=[Prosody(pitch=60)] * len(SENTENCE))
    quick = synthesize(SENTENCE, word_prosody=[Prosody(rate=60)] * len(SENTENCE))
    assert median_f0(high.audio) > 1.15 * median_f0(plain.audio)
    assert quick.duration < 0.85 * plain.duration
    assert high.settings["word_prosody"][0]["pitch"] == 60
    assert plain.settings["word_prosody"] is None


def test_global_parameters_are_applied_and_recorded():
    low = synthesize(SENTENCE, pitch=20, volume=50, gap_ms=100)
    high = synthesize(SENTENCE, pitch=80)
    assert median_f0(high.audio) > 1.2 * median_f0(low.audio)
    assert np.abs(low.audio).max() < np.abs(high.audio).max()
    assert low.duration > high.duration + 0.3  # five 100 ms word gaps
    assert (low.settings["pitch"], low.settings["volume"], low.settings["gap_ms"]) == (20, 50, 100)


@pytest.mark.parametrize("voice,text", [
    ("cmn-latn-pinyin", "ni3 hao3 peng2 you3"),
    ("de", "Guten Morgen, meine Freunde"),
    ("fr-fr", "Bonjour mes amis"),
    ("es", "Buenos dias amigos"),
])
def test_other_languages(voice, text):
    utt = synthesize(text.split(), voice)
    assert len(utt.phones) >= 6 and len(utt.words) == len(text.split())
    assert all(w.end > w.start for w in utt.words)


def test_bad_input_is_one_line_error():
    for kwargs in ({"rate": 10}, {"pitch": 101}, {"volume": -1}, {"gap_ms": -5}, {"word_prosody": [None]}):
        with pytest.raises(MedtalkError):
            synthesize(SENTENCE, **kwargs)
    with pytest.raises(MedtalkError, match="empty"):
        synthesize(["", "  "])


def test_reproducible_whatever_was_spoken_before():
    first = synthesize(SENTENCE, "en-us+f2")
    resolve_voice("de")
    resolve_voice("en-gb-x-rp+m3")
    synthesize("Hello there my friend".split(), "en-gb-x-rp+m5", rate=300, pitch=10, gap_ms=50,
               word_prosody=[Prosody(pitch=40, emphasis=True)] * 4)
    again = synthesize(SENTENCE, "en-us+f2")
    assert again.audio.tobytes() == first.audio.tobytes()
    assert again.phones == first.phones and again.words == first.words


def test_same_bytes_in_a_forked_process():
    """A forked copy must not share the parent's espeak helper pipes; it starts its own."""
    expected = synthesize(SENTENCE).audio.tobytes()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            same = synthesize(SENTENCE).audio.tobytes() == expected
            os.write(write_end, b"1" if same else b"0")
        finally:
            os._exit(0)
    os.close(write_end)
    answer = os.read(read_end, 1)
    os.waitpid(pid, 0)
    assert answer == b"1"
    assert synthesize(SENTENCE).audio.tobytes() == expected  # the parent's helper still works
