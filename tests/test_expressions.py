"""Emotion templates: each emotion moves its FACS controls the right way, on real renders."""

from __future__ import annotations

import numpy as np
import pytest

from medtalk.emotions import EMOTIONS
from medtalk.rig import index
from medtalk.synth.expressions import articulation_gain, render_expression
from medtalk.synth.performer import perform_aligned

SENTENCE = "Please open the window, the room is warm and we can see the boats moving slowly."


def both(part: str) -> list[int]:
    name = part if "-translate" in part else f"{part}-translateY"
    return [index(f"CTRL_{side}_{name}") for side in "LR"]


# emotion -> controls that must rise above neutral (mean over the clip)
RISES = {
    "happy": ["mouth_cornerPull", "eye_cheekRaise"],
    "sad": ["brow_raiseIn", "mouth_cornerDepress"],
    "angry": ["brow_down", "brow_lateral", "eye_squintInner"],
    "surprised": ["brow_raiseOut", "brow_raiseIn"],
    "fear": ["brow_raiseIn", "mouth_stretch"],
    "disgust": ["nose-translateY", "nose_wrinkleUpper", "mouth_upperLipRaise"],
}


@pytest.fixture(scope="module")
def aligned():
    return perform_aligned(SENTENCE, seed=5)


@pytest.mark.parametrize("emotion", sorted(RISES))
def test_emotion_moves_its_controls(aligned, emotion):
    neutral, rig = aligned["neutral"].values, aligned[emotion].values
    for part in RISES[emotion]:
        cols = both(part)
        assert rig[:, cols].mean() > neutral[:, cols].mean() + 0.1, part


def test_anger_presses_and_tightens_the_lips(aligned):
    lips = both("mouth_pressU") + both("mouth_pressD") + both("mouth_tightenU") + both("mouth_tightenD")
    assert aligned["angry"].values[:, lips].mean() > aligned["neutral"].values[:, lips].mean() + 0.05


def test_eyes_widen_in_surprise_and_fear(aligned):
    blink = both("eye_blink")
    neutral = np.median(aligned["neutral"].values[:, blink])
    for emotion in ("surprised", "fear"):
        assert np.median(aligned[emotion].values[:, blink]) < neutral - 0.1


def test_jaw_follows_the_emotion(aligned):
    jaw = index("CTRL_C_jaw-translateY")
    mean = {e: aligned[e].values[:, jaw].mean() for e in EMOTIONS}
    assert mean["surprised"] > mean["neutral"] * 1.2  # drops the jaw, opens more
    assert mean["sad"] < mean["neutral"] * 0.9  # speaks with less jaw


def test_happy_widens_spread_vowels(aligned):
    stretch = both("mouth_corner-translateX")
    happy, neutral = aligned["happy"].values[:, stretch], aligned["neutral"].values[:, stretch]
    assert np.percentile(happy, 95) > np.percentile(neutral, 95) * 1.2


def test_neutral_and_zero_intensity_leave_the_face_alone():
    rng = np.random.default_rng(0)
    assert not render_expression("neutral", np.ones(30), 60.0, rng).any()
    assert not render_expression("angry", np.zeros(30), 60.0, rng).any()
    assert np.array_equal(articulation_gain("sad", np.zeros(30)), np.ones((30, 174), np.float32))


def test_expression_grows_with_intensity():
    ramp = np.linspace(0.0, 1.0, 120)
    face = render_expression("happy", ramp, 60.0, np.random.default_rng(1))
    pull = face[:, both("mouth_cornerPull")].mean(axis=1)
    assert pull[-1] > 0.4 and pull[10] < 0.1
    assert np.corrcoef(pull, ramp)[0, 1] > 0.95
