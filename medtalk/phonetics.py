"""The phones of an English transcript placed on its audio, as espeak-ng mnemonics.

Forced alignment (``medtalk.asr.align``) times the words; each word's phones
are espeak-ng's pronunciation of it, stretched over the word's aligned time.
That is what the phonetic correction of the content branch reads
(``medtalk.model.inputs.phone_track``): the same phone inventory and
pronunciations it was trained on, and one alignment pass instead of two.
Measured on the first version of the correction: on jfk.flac the lips closed
and rounded as with pocketsphinx's own phone pass, on the English test clips
the lip error was lower (MLE 0.0218 against 0.0229), in half the time. The
alignment-driven performer uses the phone pass where it succeeds
(``fill_unaligned``).
"""

from __future__ import annotations

import numpy as np

from medtalk.synth.timeline import Phone, Word

VOICE = "en-us"  # espeak-ng's pronunciations for words the aligner gave no phones


def fill_unaligned(words: list[Word], aligned: list[Phone]) -> list[Phone]:
    """The aligned phones (espeak-ng mnemonics), and for each word that has none, espeak-ng's
    own phones of the word stretched over the word's aligned time."""
    from medtalk.synth.speech import synthesize

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


def transcript_phones(wave: np.ndarray, transcript: str) -> tuple[list[Word], list[Phone]] | None:
    """Words and phones of ``transcript`` on 16 kHz ``wave (N,)``, or None when the transcript
    does not read as English or cannot be aligned (``align(strict=True)``)."""
    from medtalk.asr import align

    words, _ = align(wave, transcript, with_phones=False, strict=True)
    if not words:
        return None
    return words, fill_unaligned(words, [])
