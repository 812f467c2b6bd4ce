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
``spreads`` (a verb), ``verb`` (the emotion's own), ``context`` (an evoking situation),
``idiom`` (a predicate: "seeing red"),
``actions`` (joined action phrases), and for the speech and body forms ``line`` (a spoken line),
``delivery`` (how it is said) and ``body`` (a bodily sign besides the face), of
:mod:`medtalk.guidance.speech`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from medtalk.guidance.situations import SITUATIONS
from medtalk.guidance.speech import BODY_SIGNS, DELIVERIES, LINES

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
    verbs: tuple[str, ...]  # third person singular: "she {verb}"
    contexts: tuple[str, ...]  # situations that evoke the emotion: "{adj}, {context}"
    idioms: tuple[str, ...]  # predicates: "she is {idiom}"
    lines: tuple[str, ...] = ()  # spoken lines, quoted by the template
    deliveries: tuple[str, ...] = ()  # manners of speaking: "ANNA, {delivery}: ..."
    body: tuple[str, ...] = ()  # bodily signs besides the face: "with {body}"


EMOTION_WORDS: dict[str, EmotionWords] = {
    "angry": EmotionWords(
        ("angry", "furious", "irritated", "annoyed", "livid", "enraged", "cross", "hostile", "indignant", "irate",
         "resentful", "stern", "grumpy", "vexed", "bitter", "sullen", "fierce", "menacing"),
        ("anger", "fury", "rage", "irritation", "annoyance", "hostility", "outrage", "wrath", "ire",
         "exasperation", "frustration"),
        ("mad", "fuming", "ticked off", "pissed"),
        ("scowls", "glares", "fumes", "seethes", "snaps", "growls", "stares daggers"),
        ("as if just insulted", "like someone who was cheated", "ready to shout", "about to lose their temper",
         "after being lied to", "like someone kept waiting for hours", "as if about to slam a door",
         "in the middle of a heated argument", "like someone whose car was just towed",
         "after being interrupted again", "as if facing a bully", "when someone cuts in line"),
        ("seeing red", "up in arms", "hot under the collar", "fit to be tied", "spoiling for a fight",
         "at boiling point", "on the warpath", "blowing a fuse"),
    ),
    "disgust": EmotionWords(
        ("disgusted", "repulsed", "revolted", "sickened", "nauseated", "appalled", "queasy", "nauseous",
         "contemptuous", "averse"),
        ("disgust", "revulsion", "distaste", "repugnance", "aversion", "loathing", "contempt", "nausea", "disdain"),
        ("grossed out", "icked out"),
        ("recoils", "grimaces", "gags", "winces", "sniffs in distaste"),
        ("as if smelling something rotten", "like someone tasting spoiled food",
         "at the sight of a dirty bathroom", "as if touching something slimy", "like finding a hair in the soup",
         "about to gag", "as if stepping in dog mess", "like someone who opened a moldy fridge",
         "as if someone sneezed on their food", "like stepping on something squishy",
         "at the sight of an open wound"),
        ("sick to the stomach", "put off", "ready to retch", "unable to stomach it", "holding their nose",
         "green around the gills", "repelled to the core", "turned off by the sight"),
    ),
    "fear": EmotionWords(
        ("afraid", "frightened", "scared", "terrified", "anxious", "alarmed", "fearful", "panicked", "nervous",
         "petrified", "uneasy", "jumpy", "shaken", "worried", "wary", "timid"),
        ("fear", "terror", "dread", "panic", "alarm", "anxiety", "fright", "horror", "unease", "trepidation",
         "worry"),
        ("freaked out", "spooked"),
        ("trembles", "shudders", "cowers", "flinches", "freezes", "shrinks back", "gulps"),
        ("as if hearing a noise in the night", "like someone being followed", "at the sight of a spider",
         "as if a stranger were at the window", "like waiting for terrible news", "about to be caught",
         "as if the lights just went out", "on a collapsing bridge", "like someone lost in a dark forest",
         "as if the ground were giving way", "as if a dog were about to bite", "on a plane in heavy turbulence"),
        ("scared stiff", "frozen to the spot", "in a cold sweat", "shaking like a leaf", "on pins and needles",
         "white as a sheet", "jumping at shadows", "with the heart in the throat"),
    ),
    "happy": EmotionWords(
        ("happy", "joyful", "cheerful", "delighted", "pleased", "glad", "amused", "elated", "jolly", "content",
         "jubilant", "cheery", "blissful", "upbeat", "playful", "grateful", "carefree"),
        ("joy", "happiness", "delight", "glee", "cheer", "amusement", "bliss", "merriment", "elation", "gladness",
         "euphoria"),
        ("stoked", "chuffed"),
        ("beams", "laughs", "chuckles", "lights up", "grins", "glows"),
        ("as if greeting an old friend", "like hearing wonderful news", "after winning a prize",
         "at a birthday party", "like someone in love", "after a great joke", "opening a present",
         "on the first day of summer", "like a child on a snow day", "after getting the job", "seeing a puppy",
         "at a wedding toast"),
        ("on cloud nine", "over the moon", "in high spirits", "walking on air", "in a great mood",
         "having the time of their life", "full of sunshine", "bubbling with good cheer"),
    ),
    "neutral": EmotionWords(
        ("neutral", "calm", "expressionless", "composed", "impassive", "relaxed", "blank", "unmoved", "even",
         "detached", "reserved", "emotionless", "poised", "steady"),
        ("composure", "calm", "neutrality", "stillness", "indifference", "detachment", "equanimity", "poise"),
        ("chill", "meh"),
        ("listens", "waits", "rests", "watches", "nods", "looks on"),
        ("as if reading the weather report", "like someone waiting in line", "during an ordinary chat",
         "while thinking of nothing in particular", "listening politely", "at rest",
         "like someone reading a manual", "while listening to a lecture", "during a routine meeting",
         "as if answering a survey"),
        ("unruffled", "steady as a rock", "cool and collected", "all business", "going through the motions",
         "neither here nor there", "keeping it together"),
    ),
    "sad": EmotionWords(
        ("sad", "sorrowful", "unhappy", "downcast", "gloomy", "melancholy", "mournful", "dejected", "miserable",
         "grief-stricken", "tearful", "glum", "somber", "despondent", "hurt", "disappointed"),
        ("sadness", "sorrow", "grief", "melancholy", "gloom", "despondency", "misery", "heartache", "woe",
         "anguish", "regret", "longing"),
        ("bummed", "blue"),
        ("weeps", "sighs", "sobs", "cries", "sulks", "hangs their head"),
        ("as if at a funeral", "like someone saying goodbye forever", "after hearing bad news",
         "like someone who lost a friend", "remembering better days", "on the verge of tears",
         "alone on a rainy evening", "reading an old letter", "after a pet died", "watching the train leave",
         "at a hospital bedside"),
        ("down in the dumps", "heavy-hearted", "close to tears", "feeling low", "crushed", "weighed down by loss",
         "in a dark place", "missing someone dearly"),
    ),
    "surprised": EmotionWords(
        ("surprised", "astonished", "amazed", "startled", "stunned", "shocked", "taken aback", "astounded",
         "dumbfounded", "awestruck", "incredulous", "wide-eyed", "baffled"),
        ("surprise", "astonishment", "amazement", "shock", "disbelief", "wonder", "incredulity", "startlement"),
        ("floored", "shook"),
        ("gasps", "gapes", "blinks in disbelief", "does a double take", "jumps", "stares in amazement"),
        ("as if hearing unbelievable news", "like someone walking into a surprise party", "at a sudden loud bang",
         "as if the floor just moved", "at an unexpected visitor", "like someone who just won the lottery",
         "when the curtain is pulled away", "as if a friend appeared from nowhere",
         "when the magician reveals the card", "on opening a letter out of the blue"),
        ("at a loss for words", "thrown for a loop", "bowled over", "knocked sideways", "taken by surprise",
         "not believing their eyes", "blown away"),
    ),
}

# the emotion's own situations above, then the everyday ones of medtalk.guidance.situations;
# what is said, how, and what the body shows, from medtalk.guidance.speech
EMOTION_WORDS = {
    e: replace(w, contexts=w.contexts + SITUATIONS[e], lines=LINES[e], deliveries=DELIVERIES[e], body=BODY_SIGNS[e])
    for e, w in EMOTION_WORDS.items()
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
         "{noun} on {poss} face, {actions}.", "{a_adj} look with {actions}.",
         "{a_adj} face, {context}, with {actions}.", "{subj} is {idiom}, with {actions}.",
         "{actions}, {context}."),
        ("{a_adj} face.", "{subj} looks {adj}.", "{a_adj} expression.", "{noun} in {poss} face.",
         "{subj} seems {adj}.", "{subj} looks {adj}, {context}.", "{subj} {verb}, {adj}.",
         "{subj} is {idiom}.", "{context}."),
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
         "{actions}: {noun} written on {poss} features.", "{subj} {verb}, {context}, {actions}.",
         "{subj} is {idiom}; {actions}."),
        ("{noun} {spreads} over {poss} features.", "{poss} face is {adj}.", "There is {noun} in {poss} gaze.",
         "{subj} {verb}, {adj}, {context}.", "{noun}, {context}.", "{subj} is {idiom}, {context}."),
    ),
    "screenplay": (
        ("({adj}) {actions}.", "Play it {adj}: {actions}.", "CLOSE ON {name}: {noun}, {actions}.",
         "{name} reacts, {adj}, {actions}.", "{name} {verb}, {adj}; {actions}.", "({idiom}) {actions}."),
        ("({adj})", "Play it {adj}.", "{name}, {adj}, says nothing.", "{name} {verb}. ({adj}, {context})",
         "({idiom})", "({context})"),
    ),
    "casual": (
        ("{adj} face, {actions}", "{subj} looks {adj} lol, {actions}", "{actions}, like {adj}",
         "{adj} vibes, {actions}", "{adj}, {context}, {actions}", "{idiom} lol, {actions}"),
        ("{adj} vibes", "just {adj}", "{subj} is {adj} tbh", "{adj}, {context}", "{subj} {verb} lol, {adj}",
         "{subj} is {idiom} tbh", "{context} lol"),
    ),
}

# Descriptions by what the character says and how (a quoted line, a delivery direction), as a script
# writes them, and by what the body shows besides the face; register: (with actions, without).
SPEECH_TEMPLATES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "plain": (
        ('{subj} says "{line}", with {actions}.', '"{line}", {subj} says, {delivery}, with {actions}.',
         '{a_adj} face, {actions}: "{line}"'),
        ('{subj} says "{line}"', '"{line}", {subj} says, {delivery}.', '{subj} looks {adj} and says "{line}"',
         '{delivery}: "{line}"', '{subj} sounds {adj}: "{line}"'),
    ),
    "clinical": (
        ('{actions}; speech ({delivery}): "{line}" Affect {bare_adj}, grade {grade}.',),
        ('Says "{line}" ({delivery}). Affect {bare_adj}, grade {grade}.',
         'Verbal report: "{line}"; affect {bare_adj}, intensity {grade}.'),
    ),
    "literary": (
        ('"{line}" {subj} says, {delivery}, {actions}.', '{noun} in {poss} words, {actions}: "{line}"'),
        ('"{line}" {subj} says, {delivery}.', '{noun} in {poss} words: "{line}"', '{subj} {verb}. "{line}"',
         '{subj} is {adj}. "{line}"'),
    ),
    "screenplay": (
        ('{name} ({delivery}), {actions}: "{line}"', '{name}, {adj}, {actions}: "{line}"'),
        ('{name} ({delivery}): "{line}"', '{name}, {delivery}: "{line}"', '({delivery}) "{line}"',
         '{name} ({adj}): "{line}"', '({adj}) "{line}"', '{name} {verb}. "{line}"'),
    ),
    "casual": (
        ('{subj} goes "{line}" lol, {actions}', '"{line}" {delivery}, {actions}'),
        ('{subj} goes "{line}" lol', '"{line}" {delivery} lol', '{subj} is like "{line}", {adj}',
         '{adj}, like "{line}"'),
    ),
}
BODY_TEMPLATES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "plain": (
        ("{a_adj} face, {actions}, and {body}.", "{subj} looks {adj}: {actions}, {body}."),
        ("{subj} looks {adj}, with {body}.", "{body}; {subj} seems {adj}.", "with {body}, {subj} seems {adj}.",
         "{body}, {context}.", "{a_adj} posture, with {body}."),
    ),
    "clinical": (
        ("{actions}; {body}. Consistent with {bare_noun}, grade {grade}.",),
        ("Observed: {body}. Affect {bare_adj}, grade {grade}.", "Somatic signs: {body}; {bare_noun}, grade {grade}."),
    ),
    "literary": (
        ("{subj} {verb}, {actions}, {body}.", "{noun} in every limb: {actions}, {body}."),
        ("{noun} in {poss} body: {body}.", "{subj} is {adj}, {body}.", "{body}, {noun} in every limb."),
    ),
    "screenplay": (
        ("{name}, {adj}: {actions}, {body}.",),
        ("{name}: {body}.", "({body})", "{name}, {body}. ({adj})"),
    ),
    "casual": (
        ("{adj}, {actions}, {body}",),
        ("{subj} is {adj} lol, {body}", "{body}, {adj} vibes", "{body} tbh"),
    ),
}

# Short descriptions: one emotion-laden word or phrase and nothing else (no facial actions, no
# dynamics), the way a director scribbles a note. In longer descriptions the emotion word is a small
# part of the sentence's embedding; these teach P_text what each word and situation means on its own.
SHORT_TEMPLATES = ("{a_adj} person.", "{subj} is {bare_adj}.", "{bare_adj}.", "A feeling of {bare_noun}.",
                   "{noun}.", "{context}.", "{subj} is {idiom}.", "{subj} {verb}.")
SHORT_SPEECH_TEMPLATES = ('"{line}"', '({delivery}) "{line}"', '{delivery}: "{line}"')
SHORT_BODY_TEMPLATES = ("{body}.", "({body})")

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
