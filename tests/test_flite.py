"""flite voices as a second speech source: real timing, phones the visemes know, errors."""

import numpy as np
import pytest

from medtalk.errors import MedtalkError
from medtalk.synth import flite, visemes
from medtalk.synth.corpus import TRAIN_ONLY_VOICES
from medtalk.synth.dataset import plan
from medtalk.synth.performer import perform
from medtalk.synth.speech import Prosody


@pytest.mark.parametrize("voice", [f"flite:{name}" for name in flite.VOICES])
def test_every_voice_speaks_with_word_and_phone_times(voice):
    words = "So my fellow Americans, well-known and loved.".split()
    u = flite.synthesize(words, voice)
    assert u.sample_rate == 16000 and np.abs(u.audio).max() > 0.05
    assert [w.text for w in u.words] == words
    starts = [p.start for p in u.phones]
    assert starts == sorted(starts) and all(p.end > p.start for p in u.phones)
    assert u.phones[0].start == pytest.approx(flite.EDGE_SILENCE, abs=1e-4)
    assert u.duration == pytest.approx(u.phones[-1].end + flite.EDGE_SILENCE, abs=2e-3)
    assert all(w.end > w.start for w in u.words)  # the hyphenated word takes both of flite's words
    my = u.words[1]
    inside = [visemes.classify(p.symbol)[0] for p in u.phones if my.start <= p.start < my.end]
    assert inside[0] == "bilabial" and "open" in inside
    # the audio is loud where the phones are, quiet in the edge silence
    edge = u.audio[: int(0.1 * 16000)]
    assert np.sqrt((edge**2).mean()) < 0.1 * np.sqrt((u.audio**2).mean())


def test_settings_change_the_speech():
    words = "I never thought you would leave.".split()
    slow, fast = flite.synthesize(words, "flite:kal16", rate=120), flite.synthesize(words, "flite:kal16", rate=260)
    assert slow.duration > 1.5 * fast.duration
    loud = flite.synthesize(words, "flite:slt", word_prosody=[None, Prosody(volume=60)] + [None] * 4)
    plain = flite.synthesize(words, "flite:slt")
    span = slice(round(loud.words[1].start * 16000), round(loud.words[1].end * 16000))
    assert np.abs(loud.audio[span]).max() > 1.3 * np.abs(plain.audio[span]).max()


def test_errors():
    with pytest.raises(MedtalkError, match="unknown flite voice"):
        flite.synthesize(["hello"], "flite:nobody")
    with pytest.raises(MedtalkError, match="empty"):
        flite.synthesize(["  "], "flite:slt")


def test_performer_and_dataset_use_flite_for_training_only():
    perf = perform("Hello there my friend.", "happy", voice="flite:awb+2", seed=1)
    assert perf.rig.num_frames == round(perf.utterance.duration * 60)
    assert perf.utterance.settings["engine"] == "flite"
    units = plan(60, 0, ["en"])
    flite_units = [u for u in units if flite.is_flite(u.voice)]
    assert flite_units and all(u.split == "train" and u.voice in TRAIN_ONLY_VOICES["en"] for u in flite_units)


def test_the_same_arguments_give_the_same_samples():
    words = "Hello there my friend.".split()
    first = flite.synthesize(words, "flite:rms")
    flite.synthesize("Something else entirely.".split(), "flite:slt")
    assert np.array_equal(flite.synthesize(words, "flite:rms").audio, first.audio)
