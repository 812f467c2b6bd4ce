"""Phrase pauses and in-breaths: what they do to the audio, the timing and the face (real espeak-ng)."""

from __future__ import annotations

import numpy as np
import pytest

from medtalk.rig import index
from medtalk.synth import pauses
from medtalk.synth.performer import perform, perform_aligned
from medtalk.synth.speech import synthesize

SENTENCE = "Well, the old captain photographed the vase along the beach before it rained."
FPS = 60.0
JAW = index("CTRL_C_jaw-translateY")


@pytest.fixture(scope="module")
def utterance():
    return synthesize(SENTENCE.split(), "en-us")


def _forced(monkeypatch, breath: bool) -> None:
    monkeypatch.setattr(pauses, "P_PAUSE", 1.0)
    monkeypatch.setattr(pauses, "P_BREATH", 1.0 if breath else 0.0)


@pytest.mark.parametrize("breath", [True, False])
def test_a_pause_moves_everything_after_it_by_its_length(utterance, monkeypatch, breath):
    _forced(monkeypatch, breath)
    out = pauses.add_pauses(utterance, np.random.default_rng(3))
    pause = out.duration - utterance.duration
    assert pauses.PAUSE_SECONDS[0] - 1e-3 <= pause <= pauses.PAUSE_SECONDS[1] + 1e-3
    moved = [b.start - a.start for a, b in zip(utterance.words, out.words)]
    assert moved[0] == 0.0 and moved[-1] == pytest.approx(pause)
    assert all(m == 0.0 or m == pytest.approx(pause) for m in moved)  # words move whole, by the pause
    after = next(i for i, m in enumerate(moved) if m > 0)
    assert utterance.words[after - 1].text == "Well,"  # the pause follows the clause
    sr = out.sample_rate
    lo, hi = round((out.words[after - 1].end + 0.03) * sr), round((out.words[after].start - 0.03) * sr)
    assert len(out.breaths) == int(breath)
    gap = out.audio[lo:hi].copy()
    for start, end in out.breaths:
        assert out.words[after - 1].end <= start < end < out.words[after].start
        span = slice(round(start * sr) - lo, round(end * sr) - lo)
        assert np.sqrt(np.mean(gap[span] ** 2)) > 0.002 * np.abs(out.audio).max()  # the breath is heard
        gap[span] = 0.0
    assert np.abs(gap).max() < 1e-4 * np.abs(out.audio).max()  # and nothing else is in the pause


def test_short_sentences_and_unlucky_draws_keep_the_utterance(utterance, monkeypatch):
    short = synthesize("Hello there.".split(), "en-us")
    monkeypatch.setattr(pauses, "P_PAUSE", 1.0)
    assert pauses.add_pauses(short, np.random.default_rng(0)) is short
    monkeypatch.setattr(pauses, "P_PAUSE", 0.0)
    assert pauses.add_pauses(utterance, np.random.default_rng(0)) is utterance


def test_breath_noise_is_at_its_level_and_above_the_voice_range():
    rng = np.random.default_rng(0)
    noise = pauses.breath_noise(8000, 16000, 0.05, rng)
    assert np.sqrt(np.mean(noise**2)) == pytest.approx(0.05, rel=1e-3)
    power = np.abs(np.fft.rfft(noise)) ** 2
    hz = np.fft.rfftfreq(len(noise), 1 / 16000)
    assert power[hz < 200].sum() < 0.01 * power.sum()
    assert power[hz > 2000].sum() > 0.2 * power.sum()
    assert abs(noise[:40]).max() < 0.2 * abs(noise).max() and abs(noise[-40:]).max() < 0.2 * abs(noise).max()


def test_the_mouth_opens_with_the_breath_and_rests_elsewhere():
    motion = pauses.breath_motion([(1.0, 1.4)], 180, FPS, np.random.default_rng(0))
    jaw = motion[:, JAW]
    peak = int(np.argmax(jaw))
    assert 0.9 * FPS < peak < 1.4 * FPS and jaw[peak] >= 0.5 * pauses.BREATH_POSE[JAW]
    assert jaw[round((1.0 - pauses.BREATH_LEAD) * FPS) + 2] > 0  # opening before the air is heard
    assert np.abs(motion[: round(0.9 * FPS)]).max() < 1e-6 and np.abs(motion[round(1.4 * FPS) + 1 :]).max() < 1e-6


def test_performed_breaths_are_in_the_audio_rig_and_metadata(monkeypatch):
    _forced(monkeypatch, breath=True)
    clip = perform(SENTENCE, "happy", seed=2)
    (start, end), = clip.utterance.breaths
    frames = slice(round(start * FPS), round(end * FPS))
    spoken = [w for w in clip.utterance.words if w.end > w.start]
    speech_jaw = np.percentile(clip.rig.values[:, JAW], 90)
    assert clip.rig.values[frames, JAW].max() > 0.3 * speech_jaw
    assert clip.metadata()["breaths"] == [[round(start, 4), round(end, 4)]]
    assert round(clip.utterance.duration * FPS) == clip.rig.num_frames
    assert any(w.end <= start for w in spoken) and any(w.start >= end for w in spoken)


def test_aligned_rigs_share_the_breath(monkeypatch):
    _forced(monkeypatch, breath=True)
    breathing = perform_aligned(SENTENCE, seed=2)
    _forced(monkeypatch, breath=False)
    silent = perform_aligned(SENTENCE, seed=2)  # the same take and pause, without the breath
    drawn = np.stack([breathing[e].values[:, JAW] - silent[e].values[:, JAW] for e in breathing])
    assert drawn.max() > 0.05
    assert np.abs(drawn - drawn[0]).max() < 1e-3  # every emotion draws the same breath
