"""Visemes on real espeak-ng timing: closure, rounding, anticipation, rest in silence."""

from __future__ import annotations

import numpy as np
import pytest

from medtalk.rig import index
from medtalk.synth import visemes
from medtalk.synth.speech import synthesize

FPS = 60.0
JAW = index("CTRL_C_jaw-translateY")
TOGETHER = [index(f"CTRL_{s}_mouth_lipsTogether{ud}-translateY") for s in "LR" for ud in "UD"]
ROUND = [index(f"CTRL_{s}_mouth_{c}{ud}-translateY") for s in "LR" for c in ("purse", "funnel") for ud in "UD"]
LIPS_AND_JAW = [JAW, *TOGETHER, *ROUND, index("CTRL_L_mouth_lowerLipDepress-translateY")]


def render(text: str, gain: float = 1.0):
    """Speech for ``text`` and its articulation (absolute, no emotion) with closure applied."""
    utterance = synthesize(text.split())
    n = round(utterance.duration * FPS)
    seg = visemes.segment(utterance.phones, utterance.duration)
    mouth = visemes.articulate(seg, n, FPS, np.random.default_rng(0)) * gain
    return utterance, visemes.apply_closure(mouth, visemes.closure_curve(seg, n, FPS))


def at_centres(utterance, values, symbols, columns):
    """Mean over ``columns`` at the centre frame of each phone whose symbol is in ``symbols``: (K,)."""
    frames = [round((p.start + p.end) / 2 * FPS) for p in utterance.phones if p.symbol in symbols]
    assert frames, f"no phones {symbols} in {[p.symbol for p in utterance.phones]}"
    return values[np.minimum(frames, len(values) - 1)][:, columns].mean(axis=1)


@pytest.fixture(scope="module")
def sentence():
    return render("Bob made a deep map, then it got dark. Who knew you would choose blue shoes? "
                  "We see the tea, he needs it, maybe.")


def test_classes_of_espeak_symbols():
    assert visemes.classify("p") == visemes.classify("m") == ("bilabial",)
    assert visemes.classify("'u:") == ("round_close",)  # stress marks are tolerated
    assert visemes.classify("aI") == ("open", "spread")  # diphthongs glide between two poses
    assert visemes.classify("_:") == ("sil",)
    assert visemes.classify("y:") == ("round_close",)  # other languages
    assert visemes.classify(";") == ("glottal",)
    assert visemes.split_symbol(",eI") == ("eI", 1)


def test_bilabials_close_the_lips_more_than_tongue_consonants(sentence):
    utterance, values = sentence
    bilabial = at_centres(utterance, values, {"p", "b", "m"}, TOGETHER)
    lingual = at_centres(utterance, values, {"t", "d", "n", "k", "g"}, TOGETHER)
    assert bilabial.min() > 0.45
    assert bilabial.mean() > lingual.mean() + 0.4
    jaw = at_centres(utterance, values, {"p", "b", "m"}, [JAW])
    assert jaw.max() < 0.06  # jaw nearly closed whatever the neighbours


def test_closure_survives_a_wide_open_mouth():
    utterance, values = render("papa mama baba", gain=1.6)
    assert at_centres(utterance, values, {"p", "b", "m"}, TOGETHER).min() > 0.45
    assert at_centres(utterance, values, {"p", "b", "m"}, [JAW]).max() < 0.06


def test_rounded_vowels_round_more_than_spread_vowels(sentence):
    utterance, values = sentence
    rounded = at_centres(utterance, values, {"u:", "oU", "O:", "w"}, ROUND)
    spread = at_centres(utterance, values, {"i:", "I", "eI", "E"}, ROUND)
    assert rounded.mean() > spread.mean() + 0.3
    assert np.median(rounded) > np.percentile(spread, 90)


def test_rounding_starts_before_the_rounded_vowel():
    utterance, values = render("see two see tea see two see tea")  # every t follows the same spread i:
    phones = utterance.phones
    before_round = [p for p, nxt in zip(phones, phones[1:]) if p.symbol == "t" and nxt.symbol == "u:"]
    before_spread = [p for p, nxt in zip(phones, phones[1:]) if p.symbol == "t" and nxt.symbol == "i:"]
    centre = lambda ps: values[[round((p.start + p.end) / 2 * FPS) for p in ps]][:, ROUND].mean()
    assert centre(before_round) > centre(before_spread) + 0.2


def test_silence_rests(sentence):
    utterance, values = sentence
    first = round(utterance.phones[0].start * FPS)
    last = round(utterance.phones[-1].end * FPS)
    assert first >= 6 and len(values) - last >= 6  # espeak-ng leaves 150 ms at each end
    # lips may pre-shape a little before the first word (here the rounded "Bob"), the jaw stays shut
    assert np.abs(values[:2, LIPS_AND_JAW]).max() < 0.08 and values[:2, JAW].max() < 0.03
    assert np.abs(values[-2:, LIPS_AND_JAW]).max() < 0.03
    speaking = values[first:last, JAW]
    assert speaking.max() > 0.25  # it does open in between


def test_long_pause_returns_to_rest():
    silence = visemes.segment([], 1.0)
    values = visemes.articulate(silence, 60, FPS)
    assert np.abs(values).max() < 1e-6
