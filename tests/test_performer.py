"""The performer end to end on real espeak-ng: lexicon, intensity, determinism, rig validity."""

from __future__ import annotations

import json

import numpy as np
import pytest

from medtalk.emotions import EMOTIONS
from medtalk.errors import MedtalkError
from medtalk.rig import RANGE_HI, RANGE_LO, REST_POSE, index, indices
from medtalk.synth.intensity import plan_word_intensity, voice_settings, word_prosody
from medtalk.synth.lexicon import EMOTION_WORDS, word_loading
from medtalk.synth.performer import perform, perform_aligned

FPS = 60.0


def test_lexicon_covers_every_emotion():
    assert set(EMOTION_WORDS) == set(EMOTIONS) - {"neutral"}
    assert all(len(words) >= 35 for words in EMOTION_WORDS.values())


@pytest.mark.parametrize("word, emotion", [
    ("Furious!", "angry"), ("hated", "angry"), ("smiling", "happy"), ("worries", "fear"),
    ("tears,", "sad"), ("disgusting", "disgust"), ("Wow!", "surprised"), ("happily", "happy"),
    ("died", "fear"), ("loved", "happy"),
])
def test_word_loading_strips_case_punctuation_and_suffixes(word, emotion):
    loaded, strength = word_loading(word)
    assert loaded == emotion and 0.0 < strength <= 1.0


def test_plain_words_carry_no_emotion():
    assert word_loading("table") == (None, 0.0)
    assert word_loading("...") == (None, 0.0)
    assert word_loading("did") == (None, 0.0)  # not "die" with a "d" ending stripped


def test_plan_rises_on_loaded_words_and_neutral_stays_low():
    words = "the man was furious and walked to the door".split()
    rng = np.random.default_rng(0)
    levels = np.array([plan_word_intensity(words, "angry", rng) for _ in range(20)])
    assert (levels[:, 3] > np.delete(levels, 3, axis=1).max(axis=1)).mean() > 0.9
    assert plan_word_intensity(words, "neutral", rng).max() < 0.1


def test_loaded_words_are_spoken_with_emphasis():
    levels = np.array([0.5, 0.5, 0.95, 0.5])
    prosody = word_prosody(levels, "angry")
    assert prosody[0] is None and prosody[2].emphasis and prosody[2].volume > 0
    assert word_prosody(levels, "sad")[2].rate < 0  # sad drags its loaded words
    assert voice_settings("angry", 1.0)["volume"] > voice_settings("sad", 1.0)["volume"]
    assert voice_settings("sad", 1.0)["rate"] < voice_settings("neutral", 1.0)["rate"]


@pytest.mark.parametrize("text, emotion", [
    ("I was walking home and then that furious man started to yell at the dog.", "angry"),
    ("We opened the box and found a wonderful gift inside for the whole family.", "happy"),
])
def test_intensity_curve_rises_at_loaded_words(text, emotion):
    frames = lambda ws: np.concatenate([np.arange(round(w.start * FPS), round(w.end * FPS)) for w in ws])
    rises = []
    for seed in range(3):
        perf = perform(text, emotion, seed=seed)
        loaded = [w for w in perf.utterance.words if word_loading(w.text)[0] == emotion]
        plain = [w for w in perf.utterance.words if word_loading(w.text)[0] is None]
        rises.append(perf.intensity[frames(loaded)].mean() - perf.intensity[frames(plain)].mean())
    assert min(rises) > 0.05 and np.mean(rises) > 0.15


def test_every_word_is_spoken_despite_espeak_emphasis_bug():
    # seed 1 plans <prosody><emphasis> tags that make libespeak-ng 1.51 skip seven words
    perf = perform("We opened the box and found a wonderful gift inside for the whole family.", "happy", seed=1)
    spoken = [w.text for w in perf.utterance.words if w.end > w.start]
    assert {"opened", "box", "found", "wonderful", "gift"} <= set(spoken)


@pytest.fixture(scope="module")
def clip():
    return perform("Maybe the blue boat will come back before the storm.", "happy", voice="en-gb", seed=7)


def test_rig_shape_range_and_settings(clip):
    values = clip.rig.values
    assert clip.rig.fps == FPS
    assert values.shape == (round(clip.utterance.duration * FPS), 174)
    assert (values >= RANGE_LO).all() and (values <= RANGE_HI).all()
    settings = indices("neckCorrectivesMultiplyer")
    assert np.array_equal(values[:, settings], np.tile(REST_POSE[settings], (len(values), 1)))
    assert clip.intensity.shape == (len(values),)
    assert (np.ptp(values, axis=0) > 0.01).sum() > 60  # many channels move, as in real capture


def test_rest_offsets(clip):
    lashes = clip.rig["CTRL_L_eyelashes_tweakerIn-translateY"]
    assert 0.1 < lashes.mean() < 0.2  # the capture rests near 0.14


def test_blinks_close_the_lids_over_any_expression():
    from medtalk.synth.idle import apply_blinks

    values = np.zeros((3, 174), np.float32)
    values[:, indices("eye_blink")] = -0.4  # eyes widened by surprise
    closed = apply_blinks(values, np.array([0.0, 0.5, 1.0], np.float32))
    assert np.allclose(closed[:, index("CTRL_R_eye_blink-translateY")], [-0.4, 0.3, 1.0])


def test_blinks_are_log_normal_and_brief():
    from medtalk.synth.idle import blink_curve

    curve = blink_curve(60 * 600, FPS, 3.0, np.random.default_rng(0))
    onsets = np.flatnonzero((curve[1:] > 0.5) & (curve[:-1] <= 0.5))
    per_minute = len(onsets) / 10
    assert 12 < per_minute < 30
    closed = (curve > 0.5).sum() / len(onsets) / FPS
    assert 0.04 < closed < 0.15  # seconds with the lid more than half closed per blink


def test_metadata_is_json_and_complete(clip):
    meta = json.loads(json.dumps(clip.metadata()))
    assert {"text", "emotion", "voice", "fps", "phonemes", "words", "intensity"} <= meta.keys()
    assert meta["emotion"] == "happy" and meta["fps"] == FPS
    assert len(meta["intensity"]) == clip.rig.num_frames
    assert meta["phonemes"][0].keys() == {"phoneme", "start", "end"}
    assert [w["text"] for w in meta["words"]] == clip.text.split()


def test_deterministic_per_seed(clip):
    # The rig is a pure function of the speech and the seed. (The speech itself is not always
    # bit-identical: libespeak-ng 1.51 can time the same input 1-10 ms apart from call to call.)
    from medtalk.synth.idle import speaker_style
    from medtalk.synth.intensity import plan_word_intensity
    from medtalk.synth.performer import render

    words = clip.text.split()
    args = lambda seed: (clip.utterance, "happy", plan_word_intensity(words, "happy", np.random.default_rng(seed)),
                         speaker_style("en-gb", seed), seed, clip.text)
    first, again, other = render(*args(7))[0], render(*args(7))[0], render(*args(8))[0]
    assert np.array_equal(first.values, again.values)
    assert not np.array_equal(first.values, other.values)


def test_aligned_rigs_share_content_and_idle():
    rigs = perform_aligned("Come back home soon, my friend.", seed=3)
    assert set(rigs) == set(EMOTIONS)
    assert len({r.num_frames for r in rigs.values()}) == 1
    gaze = index("CTRL_C_eye-translateX")
    together = index("CTRL_L_mouth_lipsTogetherD-translateY")
    closed = {e: np.flatnonzero(r.values[:, together] > 0.5) for e, r in rigs.items()}
    for emotion, rig in rigs.items():
        assert np.array_equal(rig.values[:, gaze], rigs["neutral"].values[:, gaze])
        assert np.array_equal(closed[emotion], closed["neutral"]), emotion  # same closures, same frames
    assert not np.array_equal(rigs["angry"].values, rigs["sad"].values)


@pytest.mark.parametrize("kwargs, message", [
    ({"text": "   ", "emotion": "happy"}, "empty"),
    ({"text": "hello", "emotion": "bored"}, "unknown emotion"),
    ({"text": "hello", "emotion": "sad", "voice": "xx-nowhere"}, "unknown voice"),
])
def test_bad_input_is_a_medtalk_error(kwargs, message):
    with pytest.raises(MedtalkError, match=message):
        perform(**kwargs)


def test_a_take_espeak_crashes_on_is_redone_without_emphasis():
    # libespeak-ng 1.51 segfaults on this Spanish pseudo-sentence with fear's emphasis markup
    text = "Murbrian ñugiormiertio naceseplue trusiatriofen llorlieselu bruerñiel jiar jiarñuetrelzue giassuera."
    perf = perform(text, "fear", voice="es+m5", seed=1084851605)
    assert perf.rig.num_frames == round(perf.utterance.duration * 60) and len(perf.utterance.words) == 9
    assert not any(p is not None and p["emphasis"] for p in perf.utterance.settings["word_prosody"])
