"""The phones of a transcript placed on its audio, as espeak-ng mnemonics, in any language
espeak-ng speaks.

In English, forced alignment (``medtalk.asr.align``, pocketsphinx) gives the
words and, in its phone pass, each phone at the time it was heard; words it
gives no phones keep espeak-ng's pronunciation stretched over their aligned
time (``place_phones``). In every other language the transcriber's word times
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

VOICE = "en-us"  # espeak-ng's pronunciations of English words
# espeak-ng voices for Whisper's language codes where the code alone does not name one (or the
# right one: espeak-ng 1.51's `cmn` reads the pinyin of its own dictionary as English, "men5" ->
# "men five"); Norwegian Nynorsk is read as Bokmal
VOICES = {"en": VOICE, "zh": "cmn-latn-pinyin", "fr": "fr-fr", "no": "nb", "nn": "nb"}
# a transcript whose words espeak-ng gives phones for less often than this is not phonemized
MIN_PHONEMIZED = 0.8
# English phones at the times the aligner heard them (its second, phone pass; twice the
# alignment's CPU) rather than espeak-ng's stretched over each aligned word: on real speech
# the lips close at m/b/p better (package place AUC 0.966 against 0.906), on festival's
# human voices the bilabials land 5-8 ms from their true times against 12-17 ms (median),
# on the synthetic English test clips the lip error is 2 % higher (docs/MODEL.md, *Where
# the phones go*; benchmarks/real_speech.py --modes, benchmarks/phone_timing.py).
ALIGNED_PHONES = True


def language_voice(language: str) -> str | None:
    """The espeak-ng voice that phonemizes Whisper language code ``language``, or None."""
    from medtalk.synth.speech import list_voices

    voice = VOICES.get(language, language)
    return voice if voice in list_voices() else None


def place_phones(words: list[Word], aligned: list[Phone], voice: str = VOICE) -> list[Phone]:
    """espeak-ng's phones of each word (in ``voice``) at the times the aligner heard them.

    ``aligned`` are the aligner's phones (espeak-ng mnemonics). A word the aligner
    gave as many phones as espeak-ng says takes espeak-ng's symbols at the aligner's
    times (the pronunciations the model was trained on, timed on the real audio); a
    word with another count keeps the aligner's own phones; a word with none gets
    espeak-ng's phones stretched over its aligned time.
    """
    from medtalk.synth.speech import synthesize

    if not words:
        return []
    spoken = synthesize([w.text for w in words], voice)
    out: list[Phone] = []
    for word in words:
        heard = [p for p in aligned if word.start <= p.start < word.end]
        ref = spoken.words[word.index]
        said = [p for p in spoken.phones if ref.start <= p.start < ref.end and not p.symbol.startswith("(")]
        if heard:
            same = len(heard) == len(said)
            out += [Phone(s.symbol, h.start, h.end) for s, h in zip(said, heard)] if same else heard
        elif word.end > word.start:
            scale = (word.end - word.start) / max(ref.end - ref.start, 1e-6)
            out += [Phone(p.symbol, word.start + (p.start - ref.start) * scale,
                          word.start + (p.end - ref.start) * scale) for p in said]
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

    With ``ALIGNED_PHONES`` espeak-ng's phones go where the aligner's phone pass heard
    them (``place_phones``); without, each word's are stretched over the word.
    """
    from medtalk.asr import align
    from medtalk.synth.arpabet import to_espeak

    words, phones = align(wave, transcript, with_phones=ALIGNED_PHONES, strict=True)
    if not words:
        return None
    return words, place_phones(words, to_espeak(phones))


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
    phones = place_phones(words, [], voice)
    if len(words_without_phones(words, phones)) > (1 - MIN_PHONEMIZED) * len(words):
        return None
    return words, phones
