"""A small English emotion lexicon: which words carry which emotion, and how strongly.

The procedural performer raises the emotion intensity around these words, and
the speech side gives them emphatic prosody, so that the text, the audio and the
rig all carry the same intensity cue (SPEC section 3, "dynamic intensity").
"""

from __future__ import annotations

import re

# About 40 words per non-neutral emotion: adjectives, nouns, verbs, interjections.
# Base forms only; ``word_loading`` strips simple inflections. A word appears
# under exactly one emotion (checked at import).
EMOTION_WORDS: dict[str, tuple[str, ...]] = {
    "angry": (
        "angry", "furious", "rage", "hate", "mad", "outrage", "outrageous", "livid",
        "irritate", "annoy", "fury", "resent", "hostile", "bitter", "damn", "enough",
        "unacceptable", "stupid", "idiot", "ridiculous", "insult", "betray", "liar",
        "cheat", "yell", "shout", "scream", "slam", "smash", "fight", "punish", "blame",
        "never", "rude", "dare", "infuriate", "enrage", "seethe", "temper", "wrath",
        "frustrate",
    ),
    "disgust": (
        "disgust", "gross", "nasty", "vile", "filthy", "rotten", "revolting", "repulsive",
        "sickening", "foul", "slimy", "stink", "stench", "smell", "vomit", "puke",
        "yuck", "ew", "ugh", "eww", "mould", "mold", "rot", "sewage", "garbage", "rat",
        "maggot", "worm", "greasy", "sticky", "putrid", "rancid", "grimy", "awful",
        "horrid", "repel", "loathe", "despise", "creepy", "dirty", "decay",
    ),
    "fear": (
        "afraid", "scared", "fear", "terrified", "terror", "panic", "frighten", "horror",
        "dread", "nervous", "anxious", "worry", "alarm", "danger", "dangerous", "threat",
        "haunt", "ghost", "dark", "monster", "flee", "trap", "trembling", "tremble",
        "shiver", "creep", "hide", "run", "help", "attack", "kill", "death", "die",
        "blood", "nightmare", "risk", "unsafe", "scary", "hurt", "weapon", "hunt",
    ),
    "happy": (
        "happy", "joy", "glad", "delight", "wonderful", "great", "love", "smile", "laugh",
        "fun", "excite", "thrill", "cheer", "celebrate", "party", "win", "success",
        "beautiful", "lovely", "perfect", "fantastic", "brilliant", "awesome", "amazing",
        "yay", "hooray", "thank", "grateful", "bless", "sunshine", "gift", "friend",
        "enjoy", "pleasure", "proud", "hug", "kiss", "sweet", "bright", "best", "good",
    ),
    "sad": (
        "sad", "sorrow", "grief", "grieve", "cry", "tear", "weep", "lonely", "alone",
        "miss", "lost", "lose", "loss", "mourn", "funeral", "goodbye", "farewell",
        "heartbreak", "broken", "hopeless", "despair", "misery", "miserable", "regret",
        "sorry", "gone", "empty", "gloomy", "unhappy", "depress", "tired", "sigh",
        "pain", "suffer", "fail", "failure", "poor", "wish", "forgotten", "cold", "gray", "sob",
    ),
    "surprised": (
        "surprise", "wow", "whoa", "oh", "really", "unbelievable", "incredible",
        "astonish", "amaze", "shock", "sudden", "suddenly", "unexpected", "stun",
        "wonder", "gosh", "omg", "seriously", "impossible", "believe", "strange",
        "wait", "look", "huge", "enormous", "news", "discover", "reveal", "secret",
        "mystery", "magic", "miracle", "finally", "jackpot", "goodness", "indeed",
        "startle", "astound", "speechless", "jaw", "boom",
    ),
}

# Words that carry their emotion unmistakably reach full loading; the rest
# (context-dependent words like "run", "cold", "look") load partially.
STRONG_WORDS: frozenset[str] = frozenset({
    "angry", "furious", "rage", "hate", "outrage", "livid", "fury", "infuriate", "enrage", "wrath",
    "disgust", "gross", "vile", "filthy", "revolting", "repulsive", "sickening", "vomit", "yuck", "putrid",
    "afraid", "scared", "terrified", "terror", "panic", "horror", "dread", "nightmare", "frighten",
    "happy", "joy", "delight", "wonderful", "love", "fantastic", "awesome", "amazing", "yay", "hooray",
    "sad", "sorrow", "grief", "weep", "heartbreak", "hopeless", "despair", "misery", "miserable", "mourn",
    "surprise", "wow", "whoa", "unbelievable", "incredible", "astonish", "shock", "unexpected", "astound",
})

STRONG_LOADING = 1.0  # loading of a word in STRONG_WORDS, 0..1
WEAK_LOADING = 0.6  # loading of any other lexicon word, 0..1

# Inflectional endings tried longest first; each maps to the stem repairs that may follow.
_SUFFIXES: tuple[str, ...] = ("ingly", "edly", "ness", "ing", "ful", "ies", "ied", "ily", "est",
                              "ers", "es", "ed", "er", "ly", "s", "y")
_NON_LETTER = re.compile(r"[^a-z']+")


def _build_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for emotion, words in EMOTION_WORDS.items():
        for word in words:
            if word in index:
                raise ValueError(f"lexicon word {word!r} listed under {index[word]!r} and {emotion!r}")
            index[word] = emotion
    unknown = STRONG_WORDS - index.keys()
    if unknown:
        raise ValueError(f"STRONG_WORDS not in the lexicon: {sorted(unknown)}")
    return index


_INDEX: dict[str, str] = _build_index()


def _normalise(word: str) -> str:
    """Lower-case, drop punctuation and possessive ``'s``."""
    text = _NON_LETTER.sub("", word.lower().replace("\u2019", "'"))
    if text.endswith("'s"):
        text = text[:-2]
    return text.strip("'")


def _stems(word: str) -> list[str]:
    """``word`` itself, then candidate base forms after removing one inflectional ending."""
    out = [word]
    for suffix in _SUFFIXES:
        if not word.endswith(suffix) or len(word) - len(suffix) < 2:
            continue
        stem = word[: -len(suffix)]
        out.append(stem)
        out.append(stem + "e")  # hated -> hat(e), smiling -> smil(e)
        if suffix in ("ies", "ied", "ily"):
            out.append(stem + "y")  # worries -> worry, happily -> happy
        if len(stem) >= 3 and stem[-1] == stem[-2]:
            out.append(stem[:-1])  # sobbing -> sob, madder -> mad
    return out


def word_loading(word: str) -> tuple[str | None, float]:
    """The emotion ``word`` is loaded with and how strongly (0..1); ``(None, 0.0)`` if none.

    Case, surrounding punctuation and simple suffixes are ignored:
    ``"Furious!"``, ``"hated"``, ``"smiling"``, ``"worries"`` all match.
    """
    text = _normalise(word)
    if not text:
        return None, 0.0
    for stem in _stems(text):
        emotion = _INDEX.get(stem)
        if emotion is not None:
            return emotion, STRONG_LOADING if stem in STRONG_WORDS else WEAK_LOADING
    return None, 0.0
