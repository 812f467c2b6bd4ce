"""Sentences to speak: a seeded English grammar, pseudo-text for other languages, voices.

Everything here is written for this project (no external corpus). English
sentences come from hand-written templates whose slots draw from word lists
chosen for phonetic variety: bilabials (*p b m*), labiodentals (*f v*),
dentals (*th*), alveolars (*t d n l s z*), velars (*k g ng*), rounded vowels
(*boot, boat, thought*) and spread vowels (*beet, bit, bait*). About a quarter
of the sentences are neutral (no word of the emotion lexicon at all); the rest
carry 1-3 words that :func:`medtalk.synth.lexicon.word_loading` recognises,
so the text carries the intensity cue the performer animates. Half of those
are two short sentences said together, each loaded with a different emotion:
a text is spoken in all seven emotions, and only the rendering in the emotion
a word is loaded with rises on it, so a second emotion per text doubles how
often the data shows that rise. Other languages get pseudo-sentences in
:mod:`medtalk.synth.syllables`.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence

from medtalk.errors import MedtalkError
from medtalk.synth.flite import VOICES as FLITE_VOICES
from medtalk.synth.lexicon import EMOTION_WORDS, word_loading
from medtalk.synth.syllables import LANGUAGES, pseudo_text

MIN_WORDS, MAX_WORDS = 4, 20  # sentence length in words
NEUTRAL_FRACTION = 0.25  # share of sentences without any emotionally loaded word
MIXED_FRACTION = 0.5  # share of the others that are two sentences loaded with two different emotions
MAX_LOADED_WORDS = 3  # per emotion of a sentence
MAX_ATTEMPTS_PER_SENTENCE = 200  # draws before giving up on finding a new unique sentence

# Neutral vocabulary. Entries are phrases; "|" separates (past, base) verb forms.
_SUBJECTS = (
    "Peter|Mabel|Vivian|Theo|Ruth|Judy|Zoe|George|Kathy|Hugo|Oliver|Wendy|Fiona|Bob|Phoebe|"
    "Victor|Martha|Gustav|Yusuf|Nadia|my brother|my aunt|our neighbour|the teacher|the pilot|"
    "the old captain|a farmer from the valley|the baker|the twins|the new doctor|my cousin|"
    "the plumber|your father|the museum guide|two students|the shop owner|the postman|the judge"
).split("|")
_VERBS = (
    "bought,buy|moved,move|painted,paint|carried,carry|fixed,fix|opened,open|borrowed,borrow|"
    "washed,wash|checked,check|cooked,cook|found,find|picked up,pick up|brought back,bring back|"
    "folded,fold|measured,measure|ordered,order|packed,pack|pushed,push|pulled,pull|"
    "photographed,photograph|delivered,deliver|mended,mend|sorted,sort|polished,polish|"
    "weighed,weigh|sold,sell|counted,count|wrapped,wrap|fetched,fetch|cleaned,clean|"
    "described,describe|repaired,repair|shipped,ship|noticed,notice|visited,visit|"
    "booked,book|copied,copy|covered,cover|dropped off,drop off|loaded,load"
).split("|")
_OBJECTS = (
    "the blue boat|a box of peaches|three maps|the wooden fence|a bowl of soup|"
    "the heavy velvet curtains|twelve bottles of milk|the umbrella|a few thick books|"
    "the violin|a jar of plums|the kitchen window|a map of the moor|the yellow van|"
    "four pairs of boots|the bicycle|a basket of apples|the piano|two cups of coffee|"
    "the garden gate|a bag of flour|the oval mirror|the lamp|a dozen eggs|the photographs|"
    "the brass key|a long rope|the school bus|the paperwork|a pot of tea|the vase|"
    "the fishing nets|a crate of oranges|the new sofa|the blueprint|a pile of logs|"
    "the tool box|the television|a bunch of flowers|the quilt"
).split("|")
_PLACES = (
    "in the garden|at the market|by the river|under the bridge|near the old mill|"
    "on the fifth floor|behind the school|at the harbour|in the village|outside the museum|"
    "through the forest|along the beach|in the attic|at the bus stop|on the farm|"
    "in the library|by the fountain|at the station|in the basement|across the valley|"
    "on the balcony|in the workshop|near the bakery|by the front door|at the office"
).split("|")
_TIMES = (
    "this morning|last Thursday|before lunch|every evening|at half past five|in early June|"
    "yesterday|on Monday|after the movie|a few weeks ago|at noon|on Sunday afternoon|"
    "last autumn|before dawn|in the spring|twice a week|around midnight|after school"
).split("|")
_ADVERBS = (
    "quietly|carefully|slowly|quickly|again|together|by hand|without a word|in the end|"
    "for the first time|as usual|very early|with a neighbour"
).split("|")
_COLOURS = "blue|green|yellow|purple|brown|orange|grey|white|violet|pale blue".split("|")
_NUMBERS = "two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|thirty".split("|")
_PLURALS = (
    "boxes|boats|bottles|chairs|maps|pictures|books|apples|bicycles|windows|shoes|cups|"
    "lamps|tables|baskets|keys|letters|parcels"
).split("|")

# Loaded vocabulary by part of speech. Only entries the lexicon recognises as
# the listed emotion survive (filtered below), so the lexicon stays the
# single authority on what is loaded.
_LOADED_CANDIDATES: dict[str, dict[str, str]] = {
    "happy": {
        "feel": "happy|delighted|grateful|proud|cheerful|glad|thrilled|excited",
        "qual": "wonderful|lovely|fantastic|brilliant|amazing|perfect|beautiful|awesome",
        "noun": "joy|party|gift|success|smile|sunshine|celebration|pleasure|friendship",
        "verb": "loved|enjoyed|celebrated|cheered|hugged|thanked|laughed about",
        "interj": "Yay|Hooray",
    },
    "angry": {
        "feel": "furious|angry|livid|frustrated|bitter|irritated|annoyed|enraged",
        "qual": "outrageous|ridiculous|rude|hostile|unacceptable|stupid",
        "noun": "rage|insult|fight|outrage|temper|fury|betrayal",
        "verb": "hated|insulted|betrayed|blamed|smashed|slammed|cheated|resented|yelled about",
        "interj": "Damn|Enough",
    },
    "sad": {
        "feel": "sad|lonely|miserable|hopeless|unhappy|sorry|tired|gloomy",
        "qual": "hopeless|miserable|empty|broken|gloomy|sad",
        "noun": "grief|loss|funeral|tears|goodbye|regret|pain|failure|sorrow|despair",
        "verb": "missed|lost|mourned|regretted|cried about|grieved over",
        "interj": "Sadly|Alas",
    },
    "fear": {
        "feel": "afraid|scared|terrified|nervous|anxious|frightened|trembling|alarmed",
        "qual": "dangerous|unsafe|scary|frightening|terrifying",
        "noun": "danger|threat|ghost|monster|nightmare|terror|horror|trap|weapon|panic",
        "verb": "feared|dreaded|worried about|panicked about",
        "interj": "Help",
    },
    "disgust": {
        "feel": "disgusted|sickened|grossed out",
        "qual": "disgusting|gross|nasty|vile|filthy|rotten|revolting|repulsive|sickening|foul|slimy|"
                "greasy|putrid|rancid|grimy|awful|horrid|dirty",
        "noun": "stench|garbage|sewage|mould|maggots|rats|worms|vomit|filth",
        "verb": "loathed|despised|smelled",
        "interj": "Yuck|Ugh|Ew",
    },
    "surprised": {
        "feel": "surprised|astonished|amazed|shocked|stunned|speechless|startled",
        "qual": "unbelievable|incredible|unexpected|strange|impossible|huge|enormous|astonishing|shocking",
        "noun": "news|secret|mystery|miracle|surprise|jackpot|magic|discovery",
        "verb": "discovered|revealed",
        "interj": "Wow|Whoa|Oh|Gosh|Goodness",
    },
}


def _loaded_as(phrase: str) -> set[str | None]:
    return {word_loading(w)[0] for w in phrase.split() if word_loading(w)[0] is not None}


LOADED: dict[str, dict[str, tuple[str, ...]]] = {
    emotion: {
        pos: tuple(p for p in phrases.split("|") if _loaded_as(p) == {emotion})
        for pos, phrases in parts.items()
    }
    for emotion, parts in _LOADED_CANDIDATES.items()
    if emotion in EMOTION_WORDS
}

# Templates: {S} subject, {V} past verb, {B} base verb, {O} object, {P} place,
# {T} time, {A} adverb, {C} colour, {N} number, {L} plural noun, and the loaded
# slots {feel} (how a person feels), {qual} (what a thing is like), {noun},
# {verb} and {interj}. Optional parts are in [brackets].
_NEUTRAL_TEMPLATES = (
    "{S} {V} {O} [{P}] [{T}].",
    "[{T},] {S} {V} {O} [{A}].",
    "Could {S} {B} {O} [{P}]?",
    "Why would you {B} {O} [{T}]?",
    "Please {B} {O} [{P}] [{T}].",
    "{S} said that {S} {V} {O} [{P}].",
    "We should {B} {O} before {T}.",
    "Is {O} still {P}?",
    "The fence {P} was painted {C} [{T}].",
    "There are {N} {L} {P}.",
    "How many {L} can {S} {B} [{T}]?",
    "{S} and {S} {V} {O} [{A}].",
    "After {S} {V} {O}, {S} {V} {O} [{P}].",
    "I think {S} will {B} {O} [{T}].",
)
_EMOTIONAL_TEMPLATES = (
    "{interj}, {S} {V} {O} [{P}]!",
    "{S} was {feel} when {S} {V} {O} [{T}].",
    "I {verb} {O} [{P}] [{T}].",
    "It was {qual}: {S} {V} {O} [{T}].",
    "The {noun} {P} made everyone {feel}.",
    "How {qual} that {S} {V} {O}!",
    "Why is {O} so {qual}?",
    "There was a {noun} {P} [{T}].",
    "{S} felt {feel} about the {noun} [{P}].",
    "{interj}! The {noun} {P} was {qual}!",
    "{S} {verb} {O} [{A}].",
    "We were all {feel} [{T}].",
    "Do you remember the {noun} {P} [{T}]?",
)
_SLOT = re.compile(r"\{(\w+)\}")
_OPTIONAL = re.compile(r"\[([^\]]*)\]")


def _fill(template: str, rng: random.Random, emotion: str | None) -> str:
    """One sentence from a template; each optional part is kept with probability 1/2."""
    text = _OPTIONAL.sub(lambda m: m.group(1) if rng.random() < 0.5 else "", template)

    def slot(match: re.Match) -> str:
        key = match.group(1)
        if key in ("V", "B"):
            past, base = rng.choice(_VERBS).split(",")
            return past if key == "V" else base
        if emotion is not None and key.islower():
            return rng.choice(LOADED[emotion][key])
        table = {"S": _SUBJECTS, "O": _OBJECTS, "P": _PLACES, "T": _TIMES, "A": _ADVERBS,
                 "C": _COLOURS, "N": _NUMBERS, "L": _PLURALS}
        return rng.choice(table[key])

    text = " ".join(_SLOT.sub(slot, text).split())
    text = re.sub(r"\s+([,.!?:])", r"\1", text)
    return text[0].upper() + text[1:]


def loaded_words(sentence: str) -> list[tuple[str, str]]:
    """The ``(word, emotion)`` pairs of ``sentence`` that the emotion lexicon recognises."""
    return [(w, e) for w in sentence.split() if (e := word_loading(w)[0]) is not None]


def _templates(emotion: str | None) -> tuple[str, ...]:
    """Templates whose loaded slots the emotion can fill (the lexicon may lack, say, a sad interjection)."""
    if emotion is None:
        return _NEUTRAL_TEMPLATES
    return tuple(t for t in _EMOTIONAL_TEMPLATES if all(LOADED[emotion].get(k) for k in _SLOT.findall(t) if k.islower()))


def english_sentences(n: int, seed: int) -> list[str]:
    """``n`` unique English texts, deterministic for ``seed`` (and prefix-stable in ``n``).

    Each has 4-20 words. About :data:`NEUTRAL_FRACTION` contain no loaded word;
    of the others, :data:`MIXED_FRACTION` are two sentences with 1-3 loaded words
    of one emotion each (two different emotions), the rest one sentence with
    1-3 loaded words of one emotion.
    """
    if n < 0:
        raise MedtalkError(f"number of sentences must be >= 0, got {n}")
    rng = random.Random(seed)
    emotions = sorted(e for e in LOADED if _templates(e))
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        # the categories are drawn once per text so the shares stay as set above
        if rng.random() < NEUTRAL_FRACTION:
            wanted: list[str | None] = [None]
        elif rng.random() < MIXED_FRACTION:
            wanted = rng.sample(emotions, 2)
        else:
            wanted = [rng.choice(emotions)]
        for _ in range(MAX_ATTEMPTS_PER_SENTENCE):
            text = " ".join(_sentence(rng, emotion) for emotion in wanted)
            if MIN_WORDS <= len(text.split()) <= MAX_WORDS and text not in seen:
                seen.add(text)
                out.append(text)
                break
        else:
            raise MedtalkError(f"cannot write {n} distinct sentences (stopped at {len(out)})")
    return out


def _sentence(rng: random.Random, emotion: str | None) -> str:
    """One sentence with no loaded word (``emotion`` None) or 1-3 words loaded with ``emotion`` alone."""
    for _ in range(MAX_ATTEMPTS_PER_SENTENCE):
        sentence = _fill(rng.choice(_templates(emotion)), rng, emotion)
        found = loaded_words(sentence)
        loaded, count = {e for _, e in found}, len(found)
        fits = not loaded if emotion is None else (loaded == {emotion} and 1 <= count <= MAX_LOADED_WORDS)
        if fits:
            return sentence
    raise MedtalkError(f"cannot write a sentence loaded with {emotion}")


def _voices(bases: Sequence[str], variants: Sequence[str]) -> tuple[str, ...]:
    return tuple(f"{b}+{v}" for b in bases for v in variants)


# Speaker identities: accent x voice variant. Variants are espeak's human-like
# ones (m1-m7 male, f1-f5 female, plus named voices); the robotic and
# whispering variants are left out.
VOICES: dict[str, tuple[str, ...]] = {
    "en": (
        _voices(("en-us", "en", "en-gb-x-rp"), ("m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5"))
        + _voices(("en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029", "en-us-nyc"),
                  ("m1", "m3", "f2", "f4", "adam", "linda"))
    ),
    **{
        code: _voices((voice,), ("m1", "m2", "m3", "m4", "m5", "f1", "f2", "f3", "f4", "f5"))
        for code, voice in LANGUAGES.items() if code != "en"
    },
}

# flite's English voices (recorded speakers: medtalk.synth.flite), each under a few
# identity tags that give it its own rate, pitch and face (medtalk.synth.idle.speaker_style).
# They only add training speech: the validation and test speakers stay espeak-ng's.
FLITE_TAGS = 6
# festival's voices from human recordings (medtalk.synth.festival), likewise; each tag also has
# its own vocal tract (medtalk.synth.tract), so more tags make more distinct speakers
FESTIVAL_VOICES = ("slt", "kal")
FESTIVAL_TAGS = 12
TRAIN_ONLY_VOICES: dict[str, tuple[str, ...]] = {
    "en": tuple(f"flite:{name}+{tag}" for name in FLITE_VOICES for tag in range(1, FLITE_TAGS + 1))
    + tuple(f"festival:{name}+{tag}" for name in FESTIVAL_VOICES for tag in range(1, FESTIVAL_TAGS + 1)),
}
# Piper's joe (medtalk.synth.piper), only on request (`synth dataset --piper`): the optional
# extra's voice is fine-tuned from a voice whose data terms are not settled (docs/FRONTEND.md)
PIPER_TAGS = 12
PIPER_VOICES: dict[str, tuple[str, ...]] = {"en": tuple(f"piper:joe+{tag}" for tag in range(1, PIPER_TAGS + 1))}

SPLITS = ("train", "val", "test")
VOICE_SPLIT = {"train": 0.7, "val": 0.15, "test": 0.15}  # share of speakers per split


def _rank(key: str, seed: int) -> bytes:
    return hashlib.sha256(f"{seed}:{key}".encode()).digest()


def split_voices(voices: Sequence[str], seed: int) -> dict[str, tuple[str, ...]]:
    """Disjoint speaker pools ``{"train", "val", "test"}`` (70/15/15 %, at least one each).

    Deterministic for ``seed``; independent of the order of ``voices``.
    """
    unique = sorted(set(voices), key=lambda v: _rank(v, seed))
    if len(unique) < len(SPLITS):
        raise MedtalkError(f"need at least {len(SPLITS)} voices to split, got {len(unique)}")
    n_test = max(1, round(VOICE_SPLIT["test"] * len(unique)))
    n_val = max(1, round(VOICE_SPLIT["val"] * len(unique)))
    pools = {
        "test": unique[:n_test],
        "val": unique[n_test:n_test + n_val],
        "train": unique[n_test + n_val:],
    }
    return {name: tuple(sorted(pools[name])) for name in SPLITS}


__all__ = [
    "LANGUAGES", "LOADED", "PIPER_VOICES", "SPLITS", "TRAIN_ONLY_VOICES", "VOICES", "english_sentences", "loaded_words",
    "pseudo_text", "split_voices",
]
