"""The words of the description generator: emotions, intensity degrees, sentence templates.

Five intensity levels (:data:`LEVELS`) each own their degree words: adverbs
before an adjective ("slightly sad"), quantities before a noun ("a hint of
sorrow"), casual adverbs ("kinda sad") and a FACS-style grade ("B (slight)").
No degree word belongs to two levels or appears in any other phrase, so the
level of a description can be read back from its words.

Templates are ``str.format`` patterns per register with these fields:
``adj`` (degree + adjective), ``a_adj`` (the same with its article), ``noun``
(quantity + noun), ``bare_adj``/``bare_noun`` (without degree), ``grade``,
``subj``/``poss`` (subject and possessive), ``name`` (a screenplay character),
``spreads`` (a verb), ``actions`` (joined action phrases).
"""

from __future__ import annotations

from dataclasses import dataclass

LEVELS = ("trace", "slight", "moderate", "strong", "extreme")
LEVEL_EDGES = (0.15, 0.35, 0.55, 0.75)  # intensity (0..1) upper edges of the first four levels


@dataclass(frozen=True)
class Degree:
    """How one intensity level is worded; an empty string means "no degree word"."""

    adverbs: tuple[str, ...]
    quantities: tuple[str, ...]
    casual: tuple[str, ...]
    grade: str  # clinical, FACS intensity letter

    @property
    def words(self) -> tuple[str, ...]:
        """Every non-empty degree phrase of the level (the grade's word included)."""
        grade_word = self.grade.split("(")[1].rstrip(")")
        return tuple(w for w in (*self.adverbs, *self.quantities, *self.casual, grade_word) if w)


DEGREES: dict[str, Degree] = {
    "trace": Degree(("barely", "faintly", "just perceptibly"),
                    ("a hint of", "a trace of", "a flicker of", "the faintest"),
                    ("a teeny bit", "barely"), "A (trace)"),
    "slight": Degree(("slightly", "mildly", "a little", "somewhat"),
                     ("mild", "a touch of", "some", "a little"),
                     ("kinda", "a bit", "sorta"), "B (slight)"),
    "moderate": Degree(("", "clearly", "noticeably", "visibly"),
                       ("", "clear", "evident", "visible"),
                       ("", "pretty", "fairly"), "C (marked)"),
    "strong": Degree(("very", "deeply", "intensely", "strongly"),
                     ("deep", "intense", "strong", "a surge of"),
                     ("really", "super"), "D (severe)"),
    "extreme": Degree(("utterly", "completely", "overwhelmingly", "wildly"),
                      ("utter", "overwhelming", "sheer", "a torrent of"),
                      ("totally", "insanely"), "E (maximum)"),
}
NEUTRAL_DEGREE = Degree(("",), ("",), ("",), "0 (baseline)")  # a neutral face has no intensity to word


@dataclass(frozen=True)
class EmotionWords:
    adjectives: tuple[str, ...]
    nouns: tuple[str, ...]
    casual: tuple[str, ...]  # extra adjectives for the casual register


EMOTION_WORDS: dict[str, EmotionWords] = {
    "angry": EmotionWords(
        ("angry", "furious", "irritated", "annoyed", "livid", "enraged", "cross", "hostile"),
        ("anger", "fury", "rage", "irritation", "annoyance", "hostility"),
        ("mad", "fuming", "ticked off"),
    ),
    "disgust": EmotionWords(
        ("disgusted", "repulsed", "revolted", "sickened", "nauseated", "appalled"),
        ("disgust", "revulsion", "distaste", "repugnance", "aversion", "loathing"),
        ("grossed out", "icked out"),
    ),
    "fear": EmotionWords(
        ("afraid", "frightened", "scared", "terrified", "anxious", "alarmed", "fearful", "panicked"),
        ("fear", "terror", "dread", "panic", "alarm", "anxiety"),
        ("freaked out", "spooked"),
    ),
    "happy": EmotionWords(
        ("happy", "joyful", "cheerful", "delighted", "pleased", "glad", "amused", "elated"),
        ("joy", "happiness", "delight", "glee", "cheer", "amusement"),
        ("stoked", "chuffed"),
    ),
    "neutral": EmotionWords(
        ("neutral", "calm", "expressionless", "composed", "impassive", "relaxed", "blank"),
        ("composure", "calm", "neutrality", "stillness"),
        ("chill", "meh"),
    ),
    "sad": EmotionWords(
        ("sad", "sorrowful", "unhappy", "downcast", "gloomy", "melancholy", "mournful", "dejected"),
        ("sadness", "sorrow", "grief", "melancholy", "gloom", "despondency"),
        ("bummed", "blue"),
    ),
    "surprised": EmotionWords(
        ("surprised", "astonished", "amazed", "startled", "stunned", "shocked", "taken aback"),
        ("surprise", "astonishment", "amazement", "shock", "disbelief", "wonder"),
        ("floored", "shook"),
    ),
}

# (subject, possessive) pairs; all take third-person singular verbs.
SUBJECTS = (("she", "her"), ("he", "his"), ("the speaker", "the speaker's"),
            ("the character", "the character's"), ("the woman", "her"), ("the man", "his"))
SCREEN_NAMES = ("ANNA", "MARCUS", "THE CAPTAIN", "LENA", "OWEN", "THE NURSE")
SPREAD_VERBS = ("spreads", "settles", "washes", "creeps")

TEMPLATES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # register: (templates with actions, templates without)
    "plain": (
        ("{a_adj} face, with {actions}.", "{subj} looks {adj}, with {actions}.",
         "{a_adj} expression: {actions}.", "{actions}; {subj} seems {adj}.",
         "{noun} on {poss} face, {actions}.", "{a_adj} look with {actions}."),
        ("{a_adj} face.", "{subj} looks {adj}.", "{a_adj} expression.", "{noun} in {poss} face.",
         "{subj} seems {adj}."),
    ),
    "clinical": (
        ("{actions}; intensity {grade}. Consistent with {bare_noun}.",
         "Observed: {actions}. Affect {bare_adj}, grade {grade}.",
         "Facial display of {bare_noun}, intensity {grade}: {actions}.",
         "FACS coding: {actions}, {grade}; {bare_adj} affect."),
        ("Affect: {bare_adj}, intensity {grade}.", "Facial display consistent with {bare_noun}, grade {grade}."),
    ),
    "literary": (
        ("{noun} {spreads} across {poss} face, {actions}.", "{poss} face grows {adj}, {actions}.",
         "{subj} turns {adj}, {actions}.", "With {actions}, {subj} is {adj}.",
         "{actions}: {noun} written on {poss} features."),
        ("{noun} {spreads} over {poss} features.", "{poss} face is {adj}.", "There is {noun} in {poss} gaze."),
    ),
    "screenplay": (
        ("({adj}) {actions}.", "Play it {adj}: {actions}.", "CLOSE ON {name}: {noun}, {actions}.",
         "{name} reacts, {adj}, {actions}."),
        ("({adj})", "Play it {adj}.", "{name}, {adj}, says nothing."),
    ),
    "casual": (
        ("{adj} face, {actions}", "{subj} looks {adj} lol, {actions}", "{actions}, like {adj}",
         "{adj} vibes, {actions}"),
        ("{adj} vibes", "just {adj}", "{subj} is {adj} tbh"),
    ),
}

# How a clip's intensity moves, per register family (clinical, everything else).
DYNAMICS: dict[str, dict[str, tuple[str, ...]]] = {
    "rising": {"clinical": ("rising course",),
               "other": ("building as the line goes on", "growing toward the end", "mounting word by word")},
    "falling": {"clinical": ("decaying course",),
                "other": ("fading toward the end", "easing off as the line goes on", "ebbing away")},
    "flaring": {"clinical": ("phasic peaks",),
                "other": ("flaring on certain words", "spiking on the key words", "surging here and there")},
}
ONE_SIDED = {"clinical": " (unilateral)", "other": " on one side"}
