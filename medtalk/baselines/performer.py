"""The procedural performer driven by a forced alignment: a non-learned baseline.

The performer (``medtalk.synth.performer``) renders a rig from phone and word
timing; here the timing comes from pocketsphinx aligning the clip's
transcript to its audio (``medtalk.asr.align``), its ARPAbet phones mapped to
the espeak-ng mnemonics of the visemes (``medtalk.synth.arpabet``); words the
aligner timed without phones get espeak-ng's phones of the word, stretched
over the word's time. The word intensities are the performer's own plan for the label. English only (the
aligner's acoustic model), and it needs the transcript.

On the synthetic data this is the generator itself with the true timing
re-estimated from the audio and its own random choices (speaker style,
intensity plan, idle motion) redrawn: a strong reference for the lips, not a
fair competitor (docs/RESULTS.md).
"""

from __future__ import annotations

import zlib

import numpy as np

from medtalk.audio import SAMPLE_RATE
from medtalk.emotions import parse_emotion
from medtalk.errors import MedtalkError
from medtalk.synth.idle import speaker_style
from medtalk.synth.intensity import plan_word_intensity
from medtalk.synth.performer import render
from medtalk.synth.speech import synthesize
from medtalk.synth.timeline import Phone, Utterance, Word
from medtalk.train.data import Clip, as_float

VOICE = "en-us"  # the performer's default speaker style (the clip's own is unknown to a user)
LANGUAGES = (None, "en")  # clips without a language are taken as English


def animate_aligned(wave: np.ndarray, transcript: str, emotion: str, seed: int = 0) -> np.ndarray:
    """16 kHz ``wave (N,)`` + its transcript -> the performer's rig ``(round(N / 16000 * 60), 174)``."""
    from medtalk.asr import align
    from medtalk.synth.arpabet import to_espeak

    emotion = parse_emotion(emotion)
    words, phones = align(wave, transcript)
    if not words:
        raise MedtalkError("the performer baseline needs a transcript with words")
    utterance = Utterance(np.asarray(wave, np.float32), SAMPLE_RATE, _phones(words, to_espeak(phones)), words, VOICE)
    rng = np.random.default_rng([seed, zlib.crc32(transcript.encode())])
    levels = plan_word_intensity([w.text for w in words], emotion, rng)
    rig, _ = render(utterance, emotion, levels, speaker_style(VOICE, seed), seed, transcript)
    return rig.values


def _phones(words: list[Word], aligned: list[Phone]) -> list[Phone]:
    """The aligned phones, and for words the aligner placed but gave no phones (its phone pass
    fails on about half of the synthetic English clips), espeak-ng's own phones of the word
    stretched over the word's aligned time."""
    out: list[Phone] = []
    spoken = None
    for word in words:
        own = [p for p in aligned if word.start <= p.start < word.end]
        if own or word.end <= word.start:
            out += own
            continue
        if spoken is None:
            spoken = synthesize([w.text for w in words], VOICE)
        ref = spoken.words[word.index]
        scale = (word.end - word.start) / max(ref.end - ref.start, 1e-6)
        out += [Phone(p.symbol, word.start + (p.start - ref.start) * scale, word.start + (p.end - ref.start) * scale)
                for p in spoken.phones if ref.start <= p.start < ref.end]
    return out


def performer_method(seed: int = 0):
    """A ``medtalk.eval.report.Method``: each clip's audio, transcript and label."""

    def animate(clip: Clip) -> np.ndarray:
        if clip.info.language not in LANGUAGES:
            raise MedtalkError(f"clip {clip.info.id}: the performer baseline is English only "
                               f"(language {clip.info.language}); evaluate it with --language en")
        if not clip.info.text:
            raise MedtalkError(f"clip {clip.info.id}: the performer baseline needs the transcript (META text)")
        return animate_aligned(as_float(clip.samples), clip.info.text, clip.info.emotion, seed)

    return animate
