"""What the face does between phrases: it breathes in before speaking and relaxes after.

Synthesis leaves :data:`~medtalk.synth.speech.EDGE_SILENCE` of digital
silence around the speech and the visemes close the mouth as soon as the last
phone ends. Real speakers do neither: before a phrase they often take an
audible breath through a parted mouth, and after it the jaw sinks back to
rest over a few tenths of a second. (The one captured performance we evaluate
on does both; see docs/MODEL.md.) So that a model learns both from sound,

- :func:`breathe` gives the clip room: a longer lead and tail of silence, and
  in that lead (sometimes) and in long pauses (sometimes) an inhale: band-
  passed noise well below the speech;
- :func:`phrase_jaw` opens the jaw over each inhale and lets it fall back
  slowly after each phrase, reaching rest before the next phrase or the end.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from medtalk.synth.timeline import Phone, Utterance, Word

LEAD_SECONDS = (0.35, 0.7)  # silence before the first phone of a clip that starts with a breath
TAIL_SECONDS = 0.45  # at least this much silence after the last phone: room to relax
P_LEAD_BREATH = 0.5  # a clip starts with an audible inhale this often
P_PAUSE_BREATH = 0.5  # a pause long enough for one holds an inhale this often
MIN_BREATH_PAUSE = 0.4  # s, shortest pause that can hold an inhale
BREATH_SECONDS = (0.25, 0.45)  # length of an inhale
BREATH_GAP = (0.03, 0.1)  # s between the end of an inhale and the phrase it is for
BREATH_DB = (-44.0, -30.0)  # inhale level, dB relative to the speech's RMS
BREATH_BAND_HZ = (400.0, 6000.0)
BREATH_JAW = (0.1, 0.3)  # peak jaw opening of an inhale
BREATH_JAW_MARGIN = 0.05  # s the jaw opens before and closes after the sound
MIN_PAUSE = 0.15  # s of silence that ends a phrase (the jaw relaxes into it)
RELEASE_TAU = (0.08, 0.3)  # s, time constant of the jaw sinking back after a phrase
RELEASE_TAPER = 0.1  # s before the next phrase (or the clip's end) by which the release reaches rest


@dataclass(frozen=True)
class Breath:
    """An inhale: from ``start`` to ``end`` s, the jaw opening to ``jaw``."""

    start: float
    end: float
    jaw: float


def _shifted(utterance: Utterance, audio: np.ndarray, lead: float) -> Utterance:
    phones = [Phone(p.symbol, p.start + lead, p.end + lead) for p in utterance.phones]
    words = [Word(w.text, w.index, w.start + lead, w.end + lead) for w in utterance.words]
    return replace(utterance, audio=audio.astype(np.float32), phones=phones, words=words)


def _noise(n: int, sample_rate: int, rng: np.random.Generator) -> np.ndarray:
    """Unit-RMS breath noise: white noise band-passed to ``BREATH_BAND_HZ`` with a gentle downward tilt."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    hz = np.fft.rfftfreq(n, 1.0 / sample_rate)
    low, high = BREATH_BAND_HZ
    shape = np.where((hz >= low) & (hz <= high), 1.0, 0.05) * (low / np.maximum(hz, low)) ** 0.25
    out = np.fft.irfft(spectrum * shape, n)
    return out / (np.sqrt(np.mean(out**2)) + 1e-12)


def _gaps(utterance: Utterance) -> list[tuple[float, float]]:
    """Silent stretches between phones (not the clip's edges) of at least ``MIN_PAUSE``: ``(start, end)``."""
    phones = sorted(utterance.phones, key=lambda p: p.start)
    gaps, end = [], None
    for phone in phones:
        if end is not None and phone.start - end >= MIN_PAUSE:
            gaps.append((end, phone.start))
        end = phone.end if end is None else max(end, phone.end)
    return gaps


def breathe(utterance: Utterance, rng: np.random.Generator) -> tuple[Utterance, list[Breath]]:
    """``utterance`` with room around it and audible inhales in it, and those inhales.

    The lead grows to ``LEAD_SECONDS`` when the clip starts with a breath, the
    tail to ``TAIL_SECONDS``; phone and word times move with the lead.
    """
    if not utterance.phones:
        return utterance, []
    sr = utterance.sample_rate
    first = min(p.start for p in utterance.phones)
    last = max(p.end for p in utterance.phones)
    lead = max(rng.uniform(*LEAD_SECONDS) - first, 0.0) if rng.random() < P_LEAD_BREATH else 0.0
    tail = max(TAIL_SECONDS - (utterance.duration - last), 0.0)
    audio = np.concatenate([np.zeros(round(lead * sr)), utterance.audio, np.zeros(round(tail * sr))])
    lead = round(lead * sr) / sr
    rms = float(np.sqrt(np.mean(np.square(utterance.audio, dtype=np.float64))))
    room = [(0.05, first + lead)] if lead > 0 else []
    room += [(a + lead + MIN_PAUSE, b + lead) for a, b in _gaps(utterance)
             if b - a >= MIN_BREATH_PAUSE and rng.random() < P_PAUSE_BREATH]
    breaths = []
    for lo, hi in room:
        end = hi - rng.uniform(*BREATH_GAP)
        start = max(lo, end - rng.uniform(*BREATH_SECONDS))
        if end - start < 0.1:
            continue
        a, b = round(start * sr), round(end * sr)
        envelope = np.sin(np.linspace(0.0, np.pi, b - a)) ** 1.5
        level = rms * 10 ** (rng.uniform(*BREATH_DB) / 20)
        audio[a:b] += level * envelope * _noise(b - a, sr, rng)
        breaths.append(Breath(a / sr, b / sr, float(rng.uniform(*BREATH_JAW))))
    return _shifted(utterance, audio, lead), breaths


def phrase_jaw(jaw: np.ndarray, utterance: Utterance, breaths: list[Breath], fps: float,
               rng: np.random.Generator) -> np.ndarray:
    """The articulated jaw opening ``(T,)`` with the inhales and the slow release after each phrase."""
    out = jaw.astype(np.float64).copy()
    times = np.arange(len(out)) / fps
    if utterance.phones:
        tau = rng.uniform(*RELEASE_TAU)
        last = max(p.end for p in utterance.phones)
        for end, resume in [*_gaps(utterance), (last, utterance.duration)]:
            k = min(int(round(end * fps)), len(out) - 1)
            after = (times > end) & (times < resume)
            taper = np.clip((resume - times[after]) / RELEASE_TAPER, 0.0, 1.0)
            release = out[k] * np.exp(-(times[after] - end) / tau) * taper
            out[after] = np.maximum(out[after], release)
    for breath in breaths:
        a, b = breath.start - BREATH_JAW_MARGIN, breath.end + BREATH_JAW_MARGIN
        inside = (times > a) & (times < b)
        out[inside] = np.maximum(out[inside], breath.jaw * np.sin(np.pi * (times[inside] - a) / (b - a)))
    return out.astype(jaw.dtype)
