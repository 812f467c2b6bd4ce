"""Training descriptions: deterministic, varied, truthful about actions and intensity."""

from __future__ import annotations

import re

import numpy as np
import pytest

from medtalk.emotions import EMOTIONS
from medtalk.errors import MedtalkError
from medtalk.guidance.actions import ACTIONS, active_actions, tonic_pose
from medtalk.guidance.describe import SHORT_SHARE, describe_clip, describe_pose, intensity_level
from medtalk.guidance.speech import BODY_SIGNS, DELIVERIES, LINES
from medtalk.guidance.wording import DEGREES, DYNAMICS, LEVELS
from medtalk.rig import REST_POSE
from medtalk.synth.expressions import SECONDARY_EXPONENT, expression_pose
from medtalk.synth.performer import perform
from medtalk.synth.poses import pose


def emotion_pose(emotion: str, level: float) -> np.ndarray:
    primary, secondary = expression_pose(emotion)
    return REST_POSE + primary * level + secondary * level**SECONDARY_EXPONENT


def mentioned(text: str) -> set[str]:
    low = text.lower()
    return {a.name for a in ACTIONS if any(p.lower() in low for p in a.all_phrases)}


def degree_words(text: str) -> set[str]:
    """Level names whose degree words occur (as whole words) in ``text``."""
    low = text.lower()
    return {
        level for level, degree in DEGREES.items()
        if any(re.search(rf"\b{re.escape(w)}\b", low) for w in degree.words)
    }


def test_deterministic_per_seed() -> None:
    values = emotion_pose("happy", 0.6)
    a = [describe_pose(values, "happy", 0.6, np.random.default_rng(s)) for s in range(20)]
    b = [describe_pose(values, "happy", 0.6, np.random.default_rng(s)) for s in range(20)]
    assert a == b
    assert len(set(a)) > 15


def test_varied_phrasings_and_registers() -> None:
    rng = np.random.default_rng(1)
    values = emotion_pose("sad", 0.6)
    texts = [describe_pose(values, "sad", 0.6, rng) for _ in range(1000)]
    assert len(set(texts)) > 700
    assert sum("(AU" in t or ", AU" in t or "grade" in t for t in texts) > 100  # clinical register
    assert sum(t[:1].islower() for t in texts) > 100  # casual register
    assert sum(t.startswith("(") or "Play it" in t for t in texts) > 50  # screenplay


@pytest.mark.parametrize("emotion", [e for e in EMOTIONS if e != "neutral"])
def test_mentions_only_active_actions_and_all_of_them(emotion: str) -> None:
    values = emotion_pose(emotion, 0.7)
    active = {a.action.name for a in active_actions(values)}
    assert active, emotion
    rng = np.random.default_rng(2)
    seen: set[str] = set()
    for _ in range(400):
        names = mentioned(describe_pose(values, emotion, 0.7, rng))
        assert names <= active, (names - active)
        seen |= names
    assert seen == active


def test_a_smile_is_described_as_a_smile_only() -> None:
    smile = REST_POSE + pose({"mouth_cornerPull": 0.6, "eye_cheekRaise": 0.5})
    rng = np.random.default_rng(3)
    seen = set()
    for _ in range(200):
        seen |= mentioned(describe_pose(smile, "happy", 0.6, rng))
    assert seen == {"corners_up", "cheeks_raised"}


def test_one_sided_actions_say_so() -> None:
    sneer = REST_POSE + pose({"L_mouth_upperLipRaise": 0.7, "L_nose-translateY": 0.5})
    texts = [describe_pose(sneer, "disgust", 0.6, np.random.default_rng(s)) for s in range(100)]
    assert any("on one side" in t or "unilateral" in t for t in texts)
    both = REST_POSE + pose({"mouth_upperLipRaise": 0.7})
    texts = [describe_pose(both, "disgust", 0.6, np.random.default_rng(s)) for s in range(100)]
    assert not any("on one side" in t or "unilateral" in t for t in texts)


@pytest.mark.parametrize("value, level", [(0.05, "trace"), (0.25, "slight"), (0.45, "moderate"),
                                          (0.65, "strong"), (0.9, "extreme")])
def test_degree_words_match_the_intensity_level(value: float, level: str) -> None:
    assert intensity_level(value) == level
    values = emotion_pose("angry", value)
    rng = np.random.default_rng(4)
    hits = 0
    for _ in range(300):
        found = degree_words(describe_pose(values, "angry", value, rng))
        assert found <= {level}, found
        hits += bool(found)
    # moderate may go without a degree word, and short descriptions often do
    assert hits > (100 if level == "moderate" else 200) * (1 - SHORT_SHARE)


def test_neutral_has_no_degree_words() -> None:
    rng = np.random.default_rng(5)
    for _ in range(200):
        assert not degree_words(describe_pose(REST_POSE, "neutral", 0.9, rng))


def test_levels_own_distinct_words() -> None:
    words = [w for level in LEVELS for w in set(DEGREES[level].words)]
    assert len(words) == len(set(words))


def test_clip_descriptions_follow_the_performance() -> None:
    happy = perform("Well, I did not expect to see you here today.", "happy", seed=3)
    neutral = perform("Well, I did not expect to see you here today.", "neutral", seed=3)
    # speech, blinks and the speaker's rest pose are not described as expression
    assert active_actions(tonic_pose(neutral.rig.values)) == []
    happy_actions = {a.action.name for a in active_actions(tonic_pose(happy.rig.values))}
    assert {"corners_up", "cheeks_raised"} <= happy_actions
    rng = np.random.default_rng(6)
    for _ in range(100):
        assert mentioned(describe_clip(happy.rig.values, "happy", happy.intensity, rng)) <= happy_actions
        assert not mentioned(describe_clip(neutral.rig.values, "neutral", neutral.intensity, rng))


def test_clip_dynamics_are_worded() -> None:
    frames = 120
    rig = np.tile(emotion_pose("fear", 0.5), (frames, 1))
    rising = np.linspace(0.2, 0.7, frames)
    steady = np.full(frames, 0.45)
    clauses = {d: [p for group in DYNAMICS[d].values() for p in group] for d in DYNAMICS}
    rng = np.random.default_rng(7)
    rising_texts = [describe_clip(rig, "fear", rising, rng) for _ in range(100)]
    steady_texts = [describe_clip(rig, "fear", steady, rng) for _ in range(100)]
    assert sum(any(c in t for c in clauses["rising"]) for t in rising_texts) > 30
    everything = [c for group in clauses.values() for c in group]
    assert not any(c in t for t in steady_texts for c in everything)


def test_bad_inputs_are_one_line_errors() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(MedtalkError, match="controls"):
        describe_pose(np.zeros(10), "happy", 0.5, rng)
    with pytest.raises(MedtalkError, match="unknown emotion"):
        describe_pose(REST_POSE, "smug", 0.5, rng)
    with pytest.raises(MedtalkError, match="frames"):
        describe_clip(np.zeros((10, 174)), "happy", np.zeros(9), rng)


def test_some_descriptions_quote_a_line_or_name_a_bodily_sign() -> None:
    rng = np.random.default_rng(8)
    texts = [describe_pose(emotion_pose(e, 0.6), e, 0.6, rng) for e in EMOTIONS for _ in range(200)]
    quoted = sum('"' in t for t in texts) / len(texts)
    body = sum(any(s in t.lower() for s in BODY_SIGNS[e]) for e, t in zip(np.repeat(EMOTIONS, 200), texts))
    assert 0.08 < quoted < 0.2
    assert 0.08 < body / len(texts) < 0.2


def test_spoken_lines_deliveries_and_bodily_signs_name_no_degree_or_facial_action() -> None:
    """They are not read off the rig, so they must not claim an intensity level or a facial action."""
    phrases = [p.lower() for a in ACTIONS for p in a.all_phrases]
    degrees = [w for d in DEGREES.values() for w in d.words]
    for table in (LINES, DELIVERIES, BODY_SIGNS):
        assert set(table) == set(EMOTIONS)
        for entry in (t.lower() for entries in table.values() for t in entries):
            assert not [p for p in phrases if p in entry], entry
            assert not [w for w in degrees if re.search(rf"\b{re.escape(w)}\b", entry)], entry
