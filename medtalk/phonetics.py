"""The phones of a transcript placed on its audio, as espeak-ng mnemonics, in any language
espeak-ng speaks.

In English, forced alignment (``medtalk.asr.align``, pocketsphinx) gives the
words and, in its phone pass, each phone at the time it was heard; words it
gives no phones keep espeak-ng's pronunciation stretched over their aligned
time (``fill_unaligned``). In every other language the transcriber's word times
(Whisper's) hold espeak-ng's pronunciation of each word. Either way the phones
are espeak-ng mnemonics (``medtalk.synth.arpabet``), the inventory the phonetic
correction of the content branch (``medtalk.model.inputs.phone_track``) was
trained on. The aligner's own phone times replaced espeak-ng's stretched ones in
English on 2026-12-05 (``ALIGNED_PHONES``): on real speech the lips close at
m/b/p better timed (docs/MODEL.md, *Where the phones go*).
"""

from __future__ import annotations

import numpy as np

from medtalk.synth.timeline import Phone, Word, words_without_phones

VOICE = "en-us"  # espeak-ng's pronunciations for English words the aligner gave no phones
# espeak-ng voices for Whisper's language codes where the code alone does not name one (or the
# right one: espeak-ng 1.51's `cmn` reads the pinyin of its own dictionary as English, "men5" ->
# "men five"); Norwegian Nynorsk is read as Bokmal
VOICES = {"en": VOICE, "zh": "cmn-latn-pinyin", "fr": "fr-fr", "no": "nb", "nn": "nb"}
# a transcript whose words espeak-ng gives phones for less often than this is not phonemized
MIN_PHONEMIZED = 0.8
# English phones at the times the aligner heard them (its second, phone pass) rather than
# espeak-ng's stretched over each aligned word. Measured with the shipped model
# (benchmarks/real_speech.py --modes; benchmarks/phone_timing.py on festival's human voices,
# whose true phone times are known): docs/MODEL.md.
ALIGNED_PHONES = True


def language_voice(language: str) -> str | None:
    """The espeak-ng voice that phonemizes Whisper language code ``language``, or None."""
    from medtalk.synth.speech import list_voices

    voice = VOICES.get(language, language)
    return voice if voice in list_voices() else None


def fill_unaligned(words: list[Word], aligned: list[Phone], voice: str = VOICE) -> list[Phone]:
    """The aligned phones (espeak-ng mnemonics), and for each word that has none, espeak-ng's
    own phones of the word (in ``voice``) stretched over the word's aligned time."""
    from medtalk.synth.speech import synthesize

    out: list[Phone] = []
    spoken = None
    for word in words:
        own = [p for p in aligned if word.start <= p.start < word.end]
        if own or word.end <= word.start:
            out += own
            continue
        if spoken is None:
            spoken = synthesize([w.text for w in words], voice)
        ref = spoken.words[word.index]
        scale = (word.end - word.start) / max(ref.end - ref.start, 1e-6)
        out += [Phone(p.symbol, word.start + (p.start - ref.start) * scale, word.start + (p.end - ref.start) * scale)
                for p in spoken.phones if ref.start <= p.start < ref.end and not p.symbol.startswith("(")]
    return out


def to_speech(words: list[Word], wave: np.ndarray) -> list[Word]:
    """``words`` with each one's time trimmed to the loud frames of 16 kHz ``wave (N,)`` within it
    (unchanged when none is loud). Whisper's word times can reach into the silence around a
    word: its first word of a window often starts at the window's start (0.5 s early on the
    EmoFace clip)."""
    from medtalk.features import FEATURE_RATE, SILENT_DB, loudness_db

    loud = np.flatnonzero(loudness_db(wave) >= SILENT_DB) / FEATURE_RATE  # frame times, s
    out = []
    for w in words:
        inside = loud[(loud >= w.start) & (loud < w.end)]
        start, end = (inside[0], inside[-1] + 1 / FEATURE_RATE) if len(inside) else (w.start, w.end)
        out.append(Word(w.text, w.index, float(start), float(min(end, w.end))))
    return out


def transcript_phones(wave: np.ndarray, transcript: str) -> tuple[list[Word], list[Phone]] | None:
    """Words and phones of ``transcript`` on 16 kHz ``wave (N,)``, or None when the transcript
    does not read as English or cannot be aligned (``align(strict=True)``).

    With ``ALIGNED_PHONES`` the phones are the aligner's own (each at the time it was
    heard), words it gave none keeping espeak-ng's stretched over them; without, every
    word's phones are espeak-ng's stretched over the word (``fill_unaligned``).
    """
    from medtalk.asr import align
    from medtalk.synth.arpabet import to_espeak

    words, phones = align(wave, transcript, with_phones=ALIGNED_PHONES, strict=True)
    if not words:
        return None
    return words, fill_unaligned(words, to_espeak(phones))


def heard_phones(wave: np.ndarray, words: list[Word], language: str) -> tuple[list[Word], list[Phone]] | None:
    """Words and phones of a transcriber's ``words`` (with their times) in ``language`` on
    16 kHz ``wave (N,)``, or None when espeak-ng has no voice for the language or gives
    phones for under ``MIN_PHONEMIZED`` of the words.

    English words are force-aligned again (``transcript_phones``), which places them
    more tightly than the transcriber's own times; where that fails, and in every
    other language, the transcriber's times, trimmed to the speech (``to_speech``),
    hold the phones.
    """
    if not words:
        return None
    if language == "en":
        placed = transcript_phones(wave, " ".join(w.text for w in words))
        if placed is not None:
            return placed
    voice = language_voice(language)
    if voice is None:
        return None
    words = to_speech([Word(w.text, i, w.start, w.end) for i, w in enumerate(words)], wave)
    phones = fill_unaligned(words, [], voice)
    if len(words_without_phones(words, phones)) > (1 - MIN_PHONEMIZED) * len(words):
        return None
    return words, phones
