"""Phrase pauses and audible in-breaths: the silences real speech has and synthesis lacks.

espeak-ng speaks a sentence in one breath, with at most a short pause at a
comma. Real speakers pause between phrases and often draw an audible breath
there through an open mouth; a face that snaps shut at every pause looks
mechanical, and one that ignores a loud in-breath looks dubbed. ``add_pauses``
cuts a pause into a synthesised utterance at a phrase boundary (after a comma
if there is one) and, most of the time, fills its end with an in-breath: a
burst of shaped noise in the audio, and on the face (``breath_motion``) the
jaw and lips opening with it. Pauses without a breath stay silent and the
mouth rests, so only what can be heard moves the face.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from medtalk.synth.poses import pose
from medtalk.synth.timeline import Phone, Utterance, Word

P_PAUSE = 0.5  # a clip of MIN_WORDS or more gets a phrase pause this often
MIN_WORDS = 5
PAUSE_SECONDS = (0.3, 0.9)
P_BREATH = 0.75  # a pause holds an audible in-breath this often
BREATH_SECONDS = (0.25, 0.55)  # length of the in-breath, ending just before the next phrase
BREATH_GAP = (0.03, 0.12)  # s between the breath's end and the next word
BREATH_LEVEL_DB = (-42.0, -12.0)  # breath RMS against the speech's RMS (a real in-breath at the quiet end)
FADE = 0.005  # s of fade on both sides of the cut
BOUNDARY_SEARCH = 0.025  # s around a word boundary searched for the quietest place to cut
_PUNCTUATION = ",;:-"

# The face drawing an in-breath at full depth: jaw and lips apart, throat and nostrils working.
BREATH_POSE = pose({
    "C_jaw": 0.18, "mouth_lowerLipDepress": 0.3, "mouth_upperLipRaise": 0.08,
    "neck_throatExhaleInhale": -0.2, "nose-translateX": 0.2,  # throat: - inhale; nose x: + nostrils dilate
})
BREATH_DEPTH = (0.5, 1.3)  # scale of BREATH_POSE per breath
BREATH_LEAD = 0.08  # s the mouth opens before the air is heard


def add_pauses(utterance: Utterance, rng: np.random.Generator) -> Utterance:
    """``utterance`` with perhaps a phrase pause (and in-breath) cut in; timings move with the audio."""
    spoken = [w for w in utterance.words if w.end > w.start]
    if len(spoken) < MIN_WORDS or rng.random() >= P_PAUSE:
        return utterance
    after = _boundary(spoken, rng)
    sr = utterance.sample_rate
    cut = _quietest(utterance.audio, sr, after.end, spoken[spoken.index(after) + 1].start)
    gap = np.zeros(round(rng.uniform(*PAUSE_SECONDS) * sr), dtype=np.float32)
    pause = len(gap) / sr
    added = []
    if rng.random() < P_BREATH:
        length = min(rng.uniform(*BREATH_SECONDS), pause - BREATH_GAP[1])
        end = pause - rng.uniform(*BREATH_GAP)
        first, last = round((end - length) * sr), round(end * sr)
        gap[first:last] = breath_noise(last - first, sr, _level(utterance.audio, rng), rng)
        added.append((cut / sr + first / sr, cut / sr + last / sr))
    audio = np.concatenate([_fade(utterance.audio[:cut], sr, out=True), gap,
                            _fade(utterance.audio[cut:], sr, out=False)])
    t = cut / sr

    def moved(start: float, end: float) -> tuple[float, float]:  # a span moves whole, by its middle
        return (start + pause, end + pause) if start + end >= 2 * t else (start, end)

    return replace(
        utterance,
        audio=audio,
        phones=[Phone(p.symbol, *moved(p.start, p.end)) for p in utterance.phones],
        words=[Word(w.text, w.index, *moved(w.start, w.end)) for w in utterance.words],
        breaths=sorted([moved(s, e) for s, e in utterance.breaths] + added),
    )


def breath_noise(n: int, sample_rate: int, rms: float, rng: np.random.Generator) -> np.ndarray:
    """``n`` samples of in-breath: noise through the resonances of an open vocal tract, a
    quick rise and slower fall, at ``rms``."""
    hz = np.fft.rfftfreq(n, 1.0 / sample_rate)
    shape = np.full_like(hz, 0.05)
    for low, high in ((450, 900), (1000, 1900), (2200, 3300), (3500, 4800)):
        centre, width = rng.uniform(low, high), rng.uniform(150, 400)
        shape += rng.uniform(0.3, 1.0) * np.exp(-0.5 * ((hz - centre) / width) ** 2)
    shape += rng.uniform(0.0, 0.8) * np.exp(-0.5 * ((hz - rng.uniform(4500, 7000)) / 1500) ** 2)  # teeth, lips
    shape *= 1.0 - np.exp(-((hz / 350.0) ** 2))  # turbulence has little below a few hundred Hz
    noise = np.fft.irfft(np.fft.rfft(rng.standard_normal(n)) * shape, n)
    rise = rng.uniform(0.25, 0.5)
    x = np.linspace(0.0, 1.0, n)
    envelope = np.where(x < rise, np.sin(0.5 * np.pi * x / rise), np.cos(0.5 * np.pi * (x - rise) / (1 - rise)))
    noise *= np.maximum(envelope, 0.0) ** 1.5
    return (noise * rms / (np.sqrt(np.mean(noise**2)) + 1e-12)).astype(np.float32)


def breath_motion(breaths: list[tuple[float, float]], n_frames: int, fps: float,
                  rng: np.random.Generator) -> np.ndarray:
    """The face drawing each breath, deviation from rest: ``(n_frames, 174)`` float32.

    The mouth opens a little before the air is heard, peaks with it and closes
    into the next word (whose articulation takes over from there).
    """
    times = np.arange(n_frames) / fps
    out = np.zeros((n_frames, BREATH_POSE.size), dtype=np.float32)
    for start, end in breaths:
        start -= BREATH_LEAD
        x = np.clip((times - start) / (end - start), 0.0, 1.0)
        envelope = np.sin(np.pi * x) ** 0.7
        out += rng.uniform(*BREATH_DEPTH) * envelope[:, None].astype(np.float32) * BREATH_POSE
    return out


def _boundary(spoken: list[Word], rng: np.random.Generator) -> Word:
    """The word a pause follows: one ending a clause if any, else one in the sentence's middle."""
    marked = [w for w in spoken[:-1] if w.text[-1:] in _PUNCTUATION]
    inner = spoken[1:-1]
    pool = marked or inner[len(inner) // 4 : max(len(inner) // 4 + 1, 3 * len(inner) // 4)]
    return pool[rng.integers(len(pool))]


def _quietest(audio: np.ndarray, sample_rate: int, end: float, next_start: float) -> int:
    """Sample index to cut at: the middle of a silence between the words, else the quietest
    5 ms near their boundary."""
    if next_start - end > 2 * FADE:
        return round((end + next_start) / 2 * sample_rate)
    hop = round(FADE * sample_rate)
    first = max(round((end - BOUNDARY_SEARCH) * sample_rate), 0)
    last = min(round((end + BOUNDARY_SEARCH) * sample_rate), len(audio) - hop)
    if last <= first:
        return min(max(round(end * sample_rate), 0), len(audio))
    energy = [float(np.sum(audio[i : i + hop] ** 2)) for i in range(first, last, hop)]
    return first + hop * int(np.argmin(energy)) + hop // 2


def _fade(audio: np.ndarray, sample_rate: int, out: bool) -> np.ndarray:
    """A copy of ``audio`` faded out at its end (``out``) or in at its start over :data:`FADE`."""
    n = min(len(audio), round(FADE * sample_rate))
    ramp = np.linspace(1.0, 0.0, n) if out else np.linspace(0.0, 1.0, n)
    audio = audio.astype(np.float32, copy=True)
    if n:
        if out:
            audio[-n:] *= ramp
        else:
            audio[:n] *= ramp
    return audio


def _level(audio: np.ndarray, rng: np.random.Generator) -> float:
    """A breath's RMS: BREATH_LEVEL_DB against the RMS of the speech (its loud half)."""
    loud = np.abs(audio[np.abs(audio) > np.percentile(np.abs(audio), 50)])
    speech = float(np.sqrt(np.mean(loud**2))) if loud.size else 0.1
    return speech * 10 ** (rng.uniform(*BREATH_LEVEL_DB) / 20)
