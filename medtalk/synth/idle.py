"""Idle life and speaker identity: blinks, gaze, brow beats, breathing, personal rest pose.

Nothing here is drawn per emotion, so the seven renderings of one sentence
(:func:`medtalk.synth.performer.perform_aligned`) share the same blinks, gaze,
beats and breathing and differ only in what the emotion changes.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from medtalk.rig import NUM_CONTROLS
from medtalk.synth.noise import smooth_noise
from medtalk.synth.poses import columns, mask, pose, side_columns
from medtalk.synth.timeline import Utterance
from medtalk.synth.visemes import VOWELS, classify, split_symbol

# Blinks (human averages: 10-20 per minute, ~150 ms, occasionally in pairs).
BLINK_MEDIAN_INTERVAL = (2.5, 5.0)  # s, per-speaker range of the median interval
BLINK_SIGMA = 0.55  # log-normal shape of the intervals
BLINK_CLOSE, BLINK_OPEN = 0.06, 0.1  # s, closing and reopening phases
DOUBLE_BLINK = 0.12  # probability that a blink is followed by a second one
DOUBLE_BLINK_GAP = 0.25  # s between the two

# Gaze: fixations joined by quick saccades, on the centre eye control.
FIXATION_MEDIAN = 0.9  # s
SACCADE = 0.045  # s
GAZE_LID_COUPLING = 0.6  # looking up opens the lids: eye_blink -= this * gaze_y

# Brow beats on prominent syllables.
BEAT_RISE, BEAT_FALL = 0.08, 0.28  # s
BEAT_THRESHOLD = 0.7  # prominence z-score above which a vowel gets a beat
BEAT_POSE = pose({"brow_raiseIn": 0.8, "brow_raiseOut": 1.0, "ear_up": 0.15})  # times the speaker's beat gain

# Breathing and small muscle noise.
BREATH_PERIOD = (3.5, 5.5)  # s
BREATH_POSE = pose({"neck_throatExhaleInhale": 0.015, "nose-translateX": 0.04, "neck_throatUpDown": 0.008})
TONUS_TIMESCALE = 0.8  # s
TONUS_CONTROLS = ("brow_raiseIn", "brow_down", "brow_lateral", "eye_squintInner", "mouth_cornerPull",
                  "jaw_ChinRaiseD", "mouth_pressD")
TONUS_AMPLITUDE = 0.012
# Controls a capture shows drifting both ways by a hair (solver and muscle noise).
JITTER_CONTROLS = ("eye_eyelidD", "eye_eyelidU", "mouth_lipsRollD", "mouth_pushPullU", "mouth_pushPullD",
                   "C_mouth_lipShiftU", "C_mouth-translateX")
JITTER_AMPLITUDE = 0.008
JAW_SWAY = 0.05  # sideways jaw drift at a fully open jaw (board units)
JAW_OPEN = 0.4  # jaw-translateY of a fully open jaw in speech
LASH_PER_WIDEN = 0.15  # eyelashes_tweaker rises by this per unit of lid widening (capture fit)
SEED_SHARE = 0.5  # how much of the speaker style the seed varies (the rest follows the voice)
_TRAITS = 19  # independent random traits of a speaker

_EYE = [columns("C_eye-translateX")[0], columns("C_eye-translateY")[0]]
_BLINK = mask(("eye_blink",))
_TONUS = mask(TONUS_CONTROLS)
_JITTER = mask(JITTER_CONTROLS)
_JAW_X = columns("C_jaw-translateX")[0]
_LASHES = mask(("eyelashes_tweakerIn", "eyelashes_tweakerOut"))
_LEFT, _RIGHT = side_columns("L"), side_columns("R")


@dataclass(frozen=True)
class SpeakerStyle:
    """One performer: ``rest`` offsets ``(174,)``, ``side_gain`` L/R asymmetry ``(174,)``, habits."""

    articulation: float  # scale of all mouth motion
    side_gain: np.ndarray
    rest: np.ndarray
    blink_interval: float  # s, median
    gaze_range: float  # std of fixation targets on C_eye (board units)
    beat_gain: float  # brow raise on a fully prominent syllable
    voice: dict[str, int]  # neutral synthesize() settings: rate, pitch, pitch_range, volume


def speaker_style(voice: str, seed: int) -> SpeakerStyle:
    """A deterministic speaker for ``voice`` and ``seed``: the voice fixes most traits, the seed varies them."""
    by_voice = np.random.default_rng(zlib.crc32(voice.encode()))
    by_seed = np.random.default_rng([seed, 0x5EED])
    mix = np.sqrt(1.0 - SEED_SHARE**2)
    z = mix * by_voice.standard_normal(_TRAITS) + SEED_SHARE * by_seed.standard_normal(_TRAITS)
    u = 0.5 * (1.0 + np.tanh(z / 1.6))  # squash to 0..1, ~uniform
    rest = pose({
        "eyelashes_tweakerIn": 0.12 + 0.05 * u[0], "eyelashes_tweakerOut": 0.12 + 0.05 * u[0],
        "brow_lateral": 0.1 * u[1], "brow_raiseIn": 0.06 * u[2], "eye_blink": -0.08 + 0.16 * u[3],
        "C_eye-translateY": 0.12 * u[4], "mouth_dimple": 0.06 * u[5], "eye_cheekRaise": 0.04 * u[6],
        "C_jaw-translateX": 0.04 * (u[7] - 0.5), "C_mouth-translateX": 0.03 * (u[8] - 0.5),
        "C_jaw_fwdBack": 0.06 * (u[9] - 0.5), "mouth_stickyOuterD": 0.1 * u[10],
    })
    side_gain = np.ones(NUM_CONTROLS, dtype=np.float32)
    tilt = 0.08 * (u[11] - 0.5)
    side_gain[_LEFT], side_gain[_RIGHT] = 1.0 + tilt, 1.0 - tilt
    base = {"rate": round(150 + 50 * u[12]), "pitch": round(35 + 30 * u[13]),
            "pitch_range": round(35 + 30 * u[14]), "volume": 100}
    return SpeakerStyle(
        articulation=float(0.85 + 0.3 * u[15]), side_gain=side_gain, rest=rest,
        blink_interval=float(BLINK_MEDIAN_INTERVAL[0] + np.diff(BLINK_MEDIAN_INTERVAL)[0] * u[16]),
        gaze_range=float(0.04 + 0.06 * u[17]), beat_gain=float(0.06 + 0.14 * u[18]), voice=base,
    )


def blink_curve(n_frames: int, fps: float, median_interval: float, rng: np.random.Generator) -> np.ndarray:
    """Eyelid closure 0..1 per frame, log-normal intervals between blinks: ``(n_frames,)``."""
    times = np.arange(n_frames) / fps
    curve = np.zeros(n_frames)
    t = rng.uniform(0.1, median_interval)
    duration = n_frames / fps
    while t < duration:
        starts = [t] + ([t + DOUBLE_BLINK_GAP] if rng.random() < DOUBLE_BLINK else [])
        for start in starts:
            depth = rng.uniform(0.85, 1.0)
            closing = np.clip((times - start) / BLINK_CLOSE, 0.0, 1.0)
            opening = np.clip(1.0 - (times - start - BLINK_CLOSE) / BLINK_OPEN, 0.0, 1.0)
            phase = np.where(times < start + BLINK_CLOSE, closing, opening)
            curve = np.maximum(curve, depth * phase * phase * (3.0 - 2.0 * phase))  # smoothstep
        t = starts[-1] + rng.lognormal(np.log(median_interval), BLINK_SIGMA)
    return curve


def gaze_curve(n_frames: int, fps: float, spread: float, rng: np.random.Generator) -> np.ndarray:
    """Centre-eye ``(x, y)`` per frame: fixations joined by saccades: ``(n_frames, 2)``."""
    times = np.arange(n_frames) / fps
    out = np.zeros((n_frames, 2))
    here = np.zeros(2)
    t = rng.lognormal(np.log(FIXATION_MEDIAN), 0.5) * rng.uniform(0.2, 1.0)
    while t < n_frames / fps:
        there = rng.normal(0.0, spread, size=2) * (1.0, 0.6)  # people look sideways more than up/down
        s = np.clip((times - t) / SACCADE, 0.0, 1.0)[:, None]
        out = np.where(times[:, None] >= t, here + (there - here) * s * s * (3.0 - 2.0 * s), out)
        here = there
        t += SACCADE + rng.lognormal(np.log(FIXATION_MEDIAN), 0.5)
    return out


def prominence(utterance: Utterance) -> list[tuple[float, float]]:
    """Prominent syllables: ``(time s, strength 0..1)`` per vowel that stands out.

    espeak-ng's phoneme events carry no stress marks, so prominence is measured
    the way listeners hear it, from each vowel's loudness and length (z-scored
    within the clip); explicit stress marks, when present, count as prominent.
    """
    vowels = [p for p in utterance.phones if classify(p.symbol)[0] in VOWELS]
    if not vowels:
        return []
    sr = utterance.sample_rate
    power = np.concatenate([[0.0], np.cumsum(np.square(utterance.audio, dtype=np.float64))])
    lo = np.array([int(p.start * sr) for p in vowels]).clip(0, len(power) - 2)
    hi = np.maximum(np.array([int(p.end * sr) for p in vowels]).clip(0, len(power) - 1), lo + 1)
    energy = np.log((power[hi] - power[lo]) / (hi - lo) + 1e-8)  # log mean power of each vowel
    length = np.log([max(p.end - p.start, 1e-3) for p in vowels])
    score = _zscore(energy) + _zscore(length)
    marked = np.array([split_symbol(p.symbol)[1] == 2 for p in vowels])
    score = np.where(marked, np.maximum(score, 1.5), score)
    return [((p.start + p.end) / 2, float(min((s - BEAT_THRESHOLD) / 1.5 + 0.3, 1.0)))
            for p, s in zip(vowels, score) if s > BEAT_THRESHOLD]


def _zscore(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / (x.std() + 1e-6)


def beat_curve(beats: Sequence[tuple[float, float]], n_frames: int, fps: float) -> np.ndarray:
    """Brow-raise envelope 0..1 peaking at each beat: fast rise, slow fall: ``(n_frames,)``."""
    times = np.arange(n_frames) / fps
    curve = np.zeros(n_frames)
    for at, strength in beats:
        dt = times - at
        shape = np.where(dt < 0, np.exp(-((dt / BEAT_RISE) ** 2)), np.exp(-dt / BEAT_FALL))
        curve = np.maximum(curve, strength * shape)
    return curve


@dataclass(frozen=True)
class Idle:
    """Additive idle motion ``(T, 174)`` and the blink closure ``(T,)`` applied last."""

    offsets: np.ndarray
    blink: np.ndarray


def render_idle(style: SpeakerStyle, beats: np.ndarray, jaw_open: np.ndarray, fps: float,
                rng: np.random.Generator) -> Idle:
    """Everything the face does besides speaking and emoting, for one clip.

    ``beats`` ``(T,)`` is the prominence envelope (:func:`beat_curve`),
    ``jaw_open`` ``(T,)`` the articulated jaw opening, which lets the jaw sway.
    """
    n_frames = len(beats)
    out = np.zeros((n_frames, NUM_CONTROLS))
    gaze = gaze_curve(n_frames, fps, style.gaze_range, rng)
    out[:, _EYE] = gaze
    out[:, _BLINK] -= GAZE_LID_COUPLING * gaze[:, 1:2]
    out += style.beat_gain * beats[:, None] * BEAT_POSE
    period = rng.uniform(*BREATH_PERIOD)
    breath = np.sin(2 * np.pi * (np.arange(n_frames) / fps / period + rng.uniform()))
    out += breath[:, None] * BREATH_POSE
    out[:, _TONUS] += TONUS_AMPLITUDE * np.abs(smooth_noise(n_frames, fps, TONUS_TIMESCALE, rng, _TONUS.size))
    out[:, _JITTER] += JITTER_AMPLITUDE * smooth_noise(n_frames, fps, TONUS_TIMESCALE, rng, _JITTER.size)
    sway = smooth_noise(n_frames, fps, TONUS_TIMESCALE, rng)[:, 0]
    out[:, _JAW_X] += JAW_SWAY * sway * np.clip(jaw_open / JAW_OPEN, 0.0, 1.0)
    return Idle(out.astype(np.float32), blink_curve(n_frames, fps, style.blink_interval, rng).astype(np.float32))


def apply_blinks(values: np.ndarray, blink: np.ndarray) -> np.ndarray:
    """Close both eyes by ``blink`` (T,) over whatever the lids were doing; returns a copy of ``(T, 174)``.

    The eyelashes follow the upper lid: they lift when the eyes widen.
    """
    out = values.copy()
    out[:, _BLINK] += (1.0 - out[:, _BLINK]) * blink[:, None]
    widen = np.maximum(-out[:, _BLINK].mean(axis=1, keepdims=True), 0.0)
    out[:, _LASHES] += LASH_PER_WIDEN * widen
    return out
