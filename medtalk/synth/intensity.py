"""Dynamic emotion intensity: planned per word, voiced by prosody, rendered per frame.

One plan drives three things so that text, audio and face agree (SPEC 3):
a level per word (:func:`plan_word_intensity`: a clip baseline that drifts
slowly, rising on words the lexicon loads with the emotion), the voice that
speaks it (:func:`voice_settings` for the clip, :func:`word_prosody` per word:
louder, higher or slower on the raised words, in the manner of each emotion),
and the face (:func:`frame_curve`: a smooth per-frame curve that rises just
before the loaded words and relaxes slowly after them).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from medtalk.synth.lexicon import word_loading
from medtalk.synth.noise import smooth_noise
from medtalk.synth.speech import PITCH_RANGE, PITCH_RANGE_RANGE, RATE_RANGE, VOLUME_RANGE, Prosody
from medtalk.synth.timeline import Word

NEUTRAL = "neutral"
BASELINE = (0.35, 0.6)  # clip baseline intensity of a non-neutral emotion, uniform range
NEUTRAL_LEVEL = (0.0, 0.04)  # a neutral face still carries a trace of expression
WORD_WALK = 0.08  # innovation std of the per-word level's mean-reverting walk
WORD_MEMORY = 0.7  # AR(1) coefficient of that walk: stationary std = WORD_WALK / sqrt(1 - WORD_MEMORY**2)
BOOST = (0.7, 1.0)  # share of the headroom (1 - level) a fully loaded word takes, uniform range
OTHER_EMOTION_BOOST = 0.3  # words loaded with another emotion excite a little too

# Per-frame curve dynamics.
ANTICIPATION = 0.15  # s; the face shows the emotion slightly before the word is heard
ATTACK = 0.12  # s, time constant of a rise
RELEASE = 0.6  # s, time constant of a fall
DRIFT = 0.15  # std of the slow drift, relative to the clip's resting level
DRIFT_TIMESCALE = 1.2  # s
ONSET = (0.3, 1.0)  # the clip starts at this fraction of its resting level, uniform range

# Per-word prosody at an elevation of 1 above the clip's typical level (percent).
PROSODY_PER_ELEVATION: dict[str, Prosody] = {
    "angry": Prosody(pitch=15, rate=-12, volume=45),
    "disgust": Prosody(pitch=-12, rate=-30, volume=15),
    "fear": Prosody(pitch=25, rate=12, volume=10),
    "happy": Prosody(pitch=30, rate=-8, volume=25),
    "sad": Prosody(pitch=-12, rate=-30, volume=-15),
    "surprised": Prosody(pitch=40, rate=-18, volume=30),
}
MIN_ELEVATION = 0.08  # below this a word is spoken plainly
EMPHASIS_ELEVATION = 0.3  # above this a word also gets SSML <emphasis>

# Whole-clip voice shift at intensity 1, relative to the speaker's neutral settings.
VOICE_SHIFT: dict[str, dict[str, int]] = {
    "angry": {"rate": 25, "pitch": 8, "pitch_range": 30, "volume": 50},
    "disgust": {"rate": -25, "pitch": -8, "pitch_range": 10, "volume": 5},
    "fear": {"rate": 35, "pitch": 18, "pitch_range": 10, "volume": -10},
    "happy": {"rate": 15, "pitch": 15, "pitch_range": 30, "volume": 20},
    NEUTRAL: {},
    "sad": {"rate": -40, "pitch": -12, "pitch_range": -25, "volume": -30},
    "surprised": {"rate": 5, "pitch": 20, "pitch_range": 40, "volume": 25},
}
NEUTRAL_VOICE: dict[str, int] = {"rate": 175, "pitch": 50, "pitch_range": 50, "volume": 100}
_VOICE_BOUNDS = {"rate": RATE_RANGE, "pitch": PITCH_RANGE, "pitch_range": PITCH_RANGE_RANGE, "volume": VOLUME_RANGE}


def plan_word_intensity(words: Sequence[str], emotion: str, rng: np.random.Generator) -> np.ndarray:
    """Intensity of ``emotion`` on each word, 0..1: ``(len(words),)`` float64.

    A baseline for the clip plus a mean-reverting random walk; words loaded
    with the emotion rise towards 1 by their lexicon loading. Neutral stays near zero.
    """
    n = len(words)
    if emotion == NEUTRAL:
        return rng.uniform(*NEUTRAL_LEVEL, size=n)
    walk = np.zeros(n)
    steps = rng.normal(0.0, WORD_WALK, size=n)
    for i in range(n):
        walk[i] = (WORD_MEMORY * walk[i - 1] if i else 0.0) + steps[i]
    levels = np.clip(rng.uniform(*BASELINE) + walk, 0.05, 0.9)
    for i, word in enumerate(words):
        loaded, loading = word_loading(word)
        if loaded is None:
            continue
        share = rng.uniform(*BOOST) * loading * (1.0 if loaded == emotion else OTHER_EMOTION_BOOST)
        levels[i] += (1.0 - levels[i]) * share
    return np.clip(levels, 0.0, 1.0)


def word_prosody(levels: np.ndarray, emotion: str) -> list[Prosody | None]:
    """SSML prosody for each word from its level ``(N,)``: ``None`` for words at the clip's usual level."""
    if emotion == NEUTRAL:
        return [None] * len(levels)
    per = PROSODY_PER_ELEVATION[emotion]
    elevation = np.clip(levels - np.median(levels), 0.0, 1.0)
    out: list[Prosody | None] = []
    for e in elevation:
        if e < MIN_ELEVATION:
            out.append(None)
            continue
        out.append(Prosody(pitch=round(per.pitch * e), rate=round(per.rate * e),
                           volume=round(per.volume * e), emphasis=bool(e >= EMPHASIS_ELEVATION)))
    return out


def voice_settings(emotion: str, level: float, base: dict[str, int] | None = None) -> dict[str, int]:
    """``synthesize`` keyword settings (rate, pitch, pitch_range, volume) for a clip at ``level`` 0..1."""
    settings = dict(base or NEUTRAL_VOICE)
    for key, shift in VOICE_SHIFT[emotion].items():
        lo, hi = _VOICE_BOUNDS[key]
        settings[key] = int(np.clip(round(settings[key] + shift * level), lo, hi))
    return settings


def frame_curve(words: Sequence[Word], word_levels: np.ndarray, n_frames: int, fps: float,
                rng: np.random.Generator) -> np.ndarray:
    """Per-frame intensity 0..1: ``(n_frames,)`` float64.

    The target is each word's level over its (slightly advanced) time span and
    the clip's median level in pauses; starting from a fraction of that level
    (:data:`ONSET`), a rise follows it with time constant :data:`ATTACK`, a
    fall with :data:`RELEASE`; a slow drift proportional to the resting level keeps it alive.
    """
    levels = np.asarray(word_levels, dtype=np.float64)
    resting = float(np.median(levels)) if levels.size else 0.0
    times = np.arange(n_frames) / fps
    target = np.full(n_frames, resting)
    for word, level in zip(words, levels):
        span = (times >= word.start - ANTICIPATION) & (times < word.end - ANTICIPATION)
        target[span] = np.maximum(target[span], level) if level > resting else level
    up, down = 1.0 - np.exp(-1.0 / (ATTACK * fps)), 1.0 - np.exp(-1.0 / (RELEASE * fps))
    values = []
    state = resting * rng.uniform(*ONSET)  # the emotion often builds up over the first words
    for goal in target.tolist():  # asymmetric one-pole smoother: rises fast, relaxes slowly
        state += (goal - state) * (up if goal > state else down)
        values.append(state)
    curve = np.array(values)
    curve += DRIFT * resting * smooth_noise(n_frames, fps, DRIFT_TIMESCALE, rng)[:, 0]
    return np.clip(curve, 0.0, 1.0)
