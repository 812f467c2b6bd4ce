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
from medtalk.data.clips import Clip, as_float
from medtalk.emotions import parse_emotion
from medtalk.errors import MedtalkError
from medtalk.phonetics import VOICE, place_phones
from medtalk.synth.idle import speaker_style
from medtalk.synth.intensity import plan_word_intensity
from medtalk.synth.performer import render
from medtalk.synth.timeline import Phone, Utterance, Word

LANGUAGES = (None, "en")  # clips without a language are taken as English
WORD_GAP_S = 0.05  # recognised phones further apart than this belong to different words


def animate_aligned(wave: np.ndarray, transcript: str, emotion: str, seed: int = 0) -> np.ndarray:
    """16 kHz ``wave (N,)`` + its transcript -> the performer's rig ``(round(N / 16000 * 60), 174)``."""
    from medtalk.asr import align
    from medtalk.synth.arpabet import to_espeak

    words, phones = align(wave, transcript)
    if not words:
        raise MedtalkError("the performer baseline needs a transcript with words")
    return _rig(wave, words, place_phones(words, to_espeak(phones)), emotion, seed)


def animate_recognised(wave: np.ndarray, emotion: str, seed: int = 0) -> np.ndarray:
    """The performer on the English phones pocketsphinx hears in ``wave`` (no transcript):
    ``(round(N / 16000 * 60), 174)``. Phones closer than ``WORD_GAP_S`` make one word."""
    from medtalk.asr import recognise_phones
    from medtalk.synth.arpabet import to_espeak

    phones = to_espeak(recognise_phones(wave))
    runs: list[list] = []
    for phone in phones:
        if not runs or phone.start - runs[-1][-1].end > WORD_GAP_S:
            runs.append([])
        runs[-1].append(phone)
    words = [Word(f"w{i}", i, run[0].start, run[-1].end) for i, run in enumerate(runs)]
    return _rig(wave, words, phones, emotion, seed)


def _rig(wave: np.ndarray, words: list[Word], phones: list[Phone], emotion: str, seed: int = 0) -> np.ndarray:
    """The performer's rig on 16 kHz ``wave (N,)`` with timed words and espeak-ng phones."""
    emotion = parse_emotion(emotion)
    text = " ".join(w.text for w in words)
    utterance = Utterance(np.asarray(wave, np.float32), SAMPLE_RATE, phones, words, VOICE)
    rng = np.random.default_rng([seed, zlib.crc32(text.encode())])
    levels = plan_word_intensity([w.text for w in words], emotion, rng)
    rig, _ = render(utterance, emotion, levels, speaker_style(VOICE, seed), seed, text)
    return rig.values


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
