"""Pseudo-sentences for other espeak-ng languages, built from plausible syllables.

They carry no meaning: they give the lip-sync model phonetic variety beyond
English (Mandarin tones and retroflexes, French nasals and front rounded vowels,
German clusters, Spanish taps and trills...). Each language lists onsets,
nuclei and codas spelled the way espeak-ng's rules for that language read them.
Mandarin is written in pinyin with tone digits for the ``cmn-latn-pinyin`` voice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from medtalk.errors import MedtalkError

# Language code -> espeak-ng voice.
LANGUAGES: dict[str, str] = {
    "en": "en-us",
    "cmn": "cmn-latn-pinyin",
    "de": "de",
    "fr": "fr",
    "es": "es",
    "it": "it",
    "pt": "pt",
    "pl": "pl",
    "nl": "nl",
}

WORDS_PER_SENTENCE = (4, 12)  # inclusive range
MAX_ATTEMPTS_PER_SENTENCE = 100


@dataclass(frozen=True)
class Phonotactics:
    """Syllable parts of one language; ``syllables`` is the (min, max) per word."""

    onsets: tuple[str, ...]
    nuclei: tuple[str, ...]
    codas: tuple[str, ...]
    syllables: tuple[int, int] = (1, 3)


def _parts(text: str) -> tuple[str, ...]:
    return tuple("" if p == "-" else p for p in text.split())


_PHONOTACTICS: dict[str, Phonotactics] = {
    "de": Phonotactics(
        _parts("b d f g h k l m n p r s t v w z sch pf kn gr br st sp fr tr kl bl schw schl zw"),
        _parts("a e i o u ä ö ü ei au eu ie aa ee oo"),
        _parts("- - - n r l t s ch ng m nd st cht ck tz rn lz"),
    ),
    "fr": Phonotactics(
        _parts("b d f g j l m n p r s t v ch gr br tr pl cr fl - -"),
        _parts("a e i o u ou on an in eu oi au é è ai un"),
        _parts("- - - - r l tte lle que"),
    ),
    "es": Phonotactics(
        _parts("b c d f g j l ll m n ñ p r s t v z ch br pl tr gr - -"),
        _parts("a e i o u ue ie ia io"),
        _parts("- - - - n s r l"),
        (1, 4),
    ),
    "it": Phonotactics(
        _parts("b c d f g l m n p r s t v z gl sc ch gh br tr pr st - -"),
        _parts("a e i o u ie uo"),
        _parts("- - - - - n l r tt ll ss cc pp"),
        (2, 4),
    ),
    "pt": Phonotactics(
        _parts("b c d f g j l lh m n nh p r s t v x z ch br tr pr - -"),
        _parts("a e i o u ão ei ou ã õe é ó"),
        _parts("- - - - s r l m"),
        (1, 4),
    ),
    "pl": Phonotactics(
        _parts("b c d f g h j k l ł m n p r s t w z sz cz rz dz ś ć ż prz trz szcz - "),
        _parts("a e i o u y ą ę ó ie"),
        _parts("- - - - k n m ł sz ść cz ż"),
    ),
    "nl": Phonotactics(
        _parts("b d f g h k l m n p r s t v w z sch st sp gr kl br tr -"),
        _parts("a e i o u aa ee oo uu ie oe eu ui ij ou"),
        _parts("- - n r l t s k g ch ng st rd"),
    ),
}

# Mandarin: initials and finals of pinyin; j/q/x take only i/ü finals (ü is
# written u after them), zh/ch/sh/r/z/c/s never do.
_CMN_INITIALS = _parts("b p m f d t n l g k h j q x zh ch sh r z c s -")
_CMN_FINALS = _parts("a o e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang")
_CMN_I_FINALS = _parts("i ia ie iao iu ian in iang ing iong")
_CMN_PALATALS = ("j", "q", "x")
_CMN_NO_I = ("zh", "ch", "sh", "r", "z", "c", "s", "g", "k", "h", "f")
_CMN_TONES = "12345"  # 5 = neutral tone
# Finals without an initial are spelled with y/w in pinyin.
_CMN_ZERO_INITIAL = {
    "i": "yi", "ia": "ya", "ie": "ye", "iao": "yao", "iu": "you", "ian": "yan", "in": "yin",
    "iang": "yang", "ing": "ying", "iong": "yong", "u": "wu", "ua": "wa", "uo": "wo",
    "uai": "wai", "ui": "wei", "uan": "wan", "un": "wen", "uang": "wang",
}


def _cmn_syllable(rng: random.Random) -> str:
    initial = rng.choice(_CMN_INITIALS)
    if initial in _CMN_PALATALS:
        final = rng.choice(_CMN_I_FINALS + ("u", "uan", "un"))
    elif initial in _CMN_NO_I:
        final = rng.choice(_CMN_FINALS + (("i",) if initial in ("zh", "ch", "sh", "r", "z", "c", "s") else ()))
    else:
        final = rng.choice(_CMN_FINALS + _CMN_I_FINALS)
    if not initial:
        final = _CMN_ZERO_INITIAL.get(final, final)
    return f"{initial}{final}{rng.choice(_CMN_TONES)}"


def _word(language: str, rng: random.Random) -> str:
    if language == "cmn":
        return "".join(_cmn_syllable(rng) for _ in range(rng.randint(1, 2)))
    rules = _PHONOTACTICS[language]
    count = rng.randint(*rules.syllables)
    return "".join(rng.choice(rules.onsets) + rng.choice(rules.nuclei) + rng.choice(rules.codas) for _ in range(count))


def pseudo_text(language: str, n: int, seed: int) -> list[str]:
    """``n`` unique pseudo-sentences in ``language`` (a key of :data:`LANGUAGES` other than ``en``).

    Deterministic for ``seed`` and prefix-stable in ``n``; 4-12 words each.
    """
    if language != "cmn" and language not in _PHONOTACTICS:
        choices = ", ".join(["cmn", *sorted(_PHONOTACTICS)])
        raise MedtalkError(f"no pseudo-text for language {language!r}; choose one of {choices}")
    rng = random.Random(f"{language}:{seed}")
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        for _ in range(MAX_ATTEMPTS_PER_SENTENCE):
            words = [_word(language, rng) for _ in range(rng.randint(*WORDS_PER_SENTENCE))]
            sentence = " ".join(words)
            if language != "cmn":  # pinyin for espeak stays lower-case
                sentence = sentence[0].upper() + sentence[1:]
            sentence += rng.choice((".", ".", ".", "?", "!"))
            if sentence not in seen:
                break
        else:
            raise MedtalkError(f"cannot write {n} distinct {language} pseudo-sentences")
        seen.add(sentence)
        out.append(sentence)
    return out
