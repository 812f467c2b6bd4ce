"""Vocal-tract variation: one recorded voice heard as several speakers.

The human voices (festival, Piper) are one speaker each. Playing a take back
``factor`` times faster scales its formants (the vocal tract's resonances, a
shorter or longer tract) and its pitch by ``factor`` and its duration by
``1 / factor``; the engine is asked for ``1 / factor`` of the rate and pitch
beforehand, so only the tract changes. Each speaker tag (``festival:slt+3``)
has its own factor, drawn from the tag alone.
"""

from __future__ import annotations

import zlib
from fractions import Fraction

import numpy as np
from scipy.signal import resample_poly

from medtalk.synth.timeline import Phone, Word

# +-12 % of formant frequency: about the spread of adult vocal-tract lengths of one sex
TRACT_RANGE = (0.88, 1.12)
_DENOMINATOR = 50  # the factor is rounded to a fraction n / 50 for polyphase resampling


def tract_factor(voice: str) -> float:
    """The vocal-tract factor of a voice with a speaker tag (1.0 without one: the recorded speaker)."""
    if "+" not in voice:
        return 1.0
    u = np.random.default_rng(zlib.crc32(voice.encode())).random()
    factor = TRACT_RANGE[0] + (TRACT_RANGE[1] - TRACT_RANGE[0]) * u
    return float(Fraction(factor).limit_denominator(_DENOMINATOR))


def scale_tract(
    audio: np.ndarray, phones: list[Phone], words: list[Word], factor: float
) -> tuple[np.ndarray, list[Phone], list[Word]]:
    """``audio (N,)`` played ``factor`` times faster ``(~N / factor,)``, its phone and word times scaled alike."""
    if factor == 1.0:
        return audio, phones, words
    ratio = Fraction(factor).limit_denominator(_DENOMINATOR)
    out = resample_poly(audio, ratio.denominator, ratio.numerator).astype(np.float32)
    scale = 1.0 / factor
    phones = [Phone(p.symbol, round(p.start * scale, 6), round(p.end * scale, 6)) for p in phones]
    words = [Word(w.text, w.index, round(w.start * scale, 6), round(w.end * scale, 6)) for w in words]
    return out, phones, words
