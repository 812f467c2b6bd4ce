"""Free-text training descriptions of what the performer's face actually did.

Stage 4 trains ``P_text`` on MiniLM embeddings of descriptions paired with
clips. Each description is composed from the clip itself: its emotion, its
intensity level (the mean of the per-frame intensity curve, worded by
:mod:`medtalk.guidance.wording`), how the intensity moves (rising, fading,
flaring: from the curve's halves and peak) and the facial actions the rig
holds (:mod:`medtalk.guidance.actions`), in one of five registers: plain,
clinical (FACS), literary, screenplay direction and casual; or, ``SHORT_SHARE``
of the time, as one short emotion-laden phrase (a word, an idiom, a situation).
Some describe the performance as a script does, by a spoken line and its
delivery (``SPEECH_SHARE``, most often in screenplay), or by what the body shows
besides the face (``BODY_SHARE``), from :mod:`medtalk.guidance.speech`.
Everything is drawn from the given generator, so a description is
deterministic per seed.
"""

from __future__ import annotations

import bisect
import re

import numpy as np

from medtalk.emotions import parse_emotion
from medtalk.errors import MedtalkError
from medtalk.guidance.actions import ACTIONS, REGISTERS, ActiveAction, active_actions, tonic_pose
from medtalk.guidance.wording import (
    BODY_TEMPLATES, DEGREES, DYNAMICS, EMOTION_WORDS, LEVEL_EDGES, LEVELS, NEUTRAL_DEGREE, ONE_SIDED,
    SCREEN_NAMES, SHORT_BODY_TEMPLATES, SHORT_SPEECH_TEMPLATES, SHORT_TEMPLATES, SPEECH_TEMPLATES, SPREAD_VERBS,
    SUBJECTS, TEMPLATES,
)
from medtalk.rig import NUM_CONTROLS

SHORT_SHARE = 0.3  # share of descriptions that are one short phrase (see wording.SHORT_TEMPLATES)
# share of descriptions, per register ("short" for the short ones), quoting a spoken line: a script
# direction's natural form, rare in a clinical note; about 13 % overall
SPEECH_SHARE = {"short": 0.1, "plain": 0.12, "clinical": 0.05, "literary": 0.12, "screenplay": 0.3, "casual": 0.12}
BODY_SHARE = 0.12  # share of descriptions naming a bodily sign besides the face instead of a spoken line
MAX_ACTIONS = 3  # at most this many actions are named in one description
NO_ACTION_SHARE = 0.15  # share of descriptions naming the emotion only, even when actions are active
DYNAMICS_SHARE = 0.6  # share of clip descriptions that say how the intensity moves, when it does
FLARE = 0.25  # peak above the mean intensity that counts as flaring
TREND = 0.12  # change of the mean intensity between the clip's halves that counts as rising/falling
_FIELD = re.compile(r"\{[a-z_]+\}")
_WORD = re.compile(r"[a-z]+")


def intensity_level(intensity: float) -> str:
    """The level name (one of :data:`~medtalk.guidance.wording.LEVELS`) of an intensity 0..1."""
    return LEVELS[bisect.bisect_right(LEVEL_EDGES, float(intensity))]


def describe_pose(values: np.ndarray, emotion: str, level: float, rng: np.random.Generator) -> str:
    """One description of a static pose ``(174,)`` showing ``emotion`` at intensity ``level`` 0..1."""
    values = np.asarray(values, dtype=np.float32)
    if values.shape != (NUM_CONTROLS,):
        raise MedtalkError(f"a pose has {NUM_CONTROLS} controls, got shape {values.shape}")
    return _compose(parse_emotion(emotion), intensity_level(level), active_actions(values), None, rng)


def describe_clip(rig_values: np.ndarray, emotion: str, intensity: np.ndarray, rng: np.random.Generator) -> str:
    """One description of a clip: ``rig_values (T, 174)`` performed with ``emotion``, ``intensity (T,)`` 0..1."""
    rig_values = np.asarray(rig_values, dtype=np.float32)
    intensity = np.asarray(intensity, dtype=np.float64)
    if rig_values.ndim != 2 or rig_values.shape[1] != NUM_CONTROLS or rig_values.shape[0] == 0:
        raise MedtalkError(f"a clip rig is (frames, {NUM_CONTROLS}), got shape {rig_values.shape}")
    if intensity.shape != (rig_values.shape[0],):
        raise MedtalkError(f"intensity curve has shape {intensity.shape}, the rig {rig_values.shape[0]} frames")
    emotion = parse_emotion(emotion)
    dynamics = _dynamics(intensity) if emotion != "neutral" else None
    if dynamics is not None and rng.random() >= DYNAMICS_SHARE:
        dynamics = None
    actions = active_actions(tonic_pose(rig_values))
    return _compose(emotion, intensity_level(intensity.mean()), actions, dynamics, rng)


def _dynamics(intensity: np.ndarray) -> str | None:
    """``"flaring"``, ``"rising"``, ``"falling"`` or None for a steady curve ``(T,)``."""
    mean = float(intensity.mean())
    if float(intensity.max()) - mean > FLARE:
        return "flaring"
    half = len(intensity) // 2
    if half == 0:
        return None
    change = float(intensity[half:].mean() - intensity[:half].mean())
    if change > TREND:
        return "rising"
    if change < -TREND:
        return "falling"
    return None


def _article(phrase: str) -> str:
    return ("an " if phrase[:1] in "aeiou" else "a ") + phrase


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _listing(phrases: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]


def _pick_actions(actions: list[ActiveAction], rng: np.random.Generator) -> list[ActiveAction]:
    """Up to :data:`MAX_ACTIONS` of the active actions, the more pronounced ones more often."""
    if not actions or rng.random() < NO_ACTION_SHARE:
        return []
    k = int(rng.integers(1, min(MAX_ACTIONS, len(actions)) + 1))
    weight = np.array([a.strength / a.action.threshold for a in actions])
    chosen = rng.choice(len(actions), size=k, replace=False, p=weight / weight.sum())
    return [actions[i] for i in sorted(chosen)]


def _compose(emotion: str, level: str, actions: list[ActiveAction], dynamics: str | None,
             rng: np.random.Generator) -> str:
    short = rng.random() < SHORT_SHARE
    register = "plain" if short else REGISTERS[int(rng.integers(len(REGISTERS)))]
    form, speech_share = rng.random(), SPEECH_SHARE["short" if short else register]
    speech = form < speech_share
    body = not speech and form < speech_share + BODY_SHARE
    family = "clinical" if register == "clinical" else "other"
    degree = NEUTRAL_DEGREE if emotion == "neutral" else DEGREES[level]
    words = EMOTION_WORDS[emotion]
    casual = register == "casual"
    adjectives = words.adjectives + (words.casual if casual else ())
    bare_adj = str(rng.choice(adjectives))
    bare_noun = str(rng.choice(words.nouns))
    adj = _join(str(rng.choice(degree.casual if casual else degree.adverbs)), bare_adj)
    subj, poss = SUBJECTS[int(rng.integers(len(SUBJECTS)))]
    phrases = [] if short else [
        str(rng.choice(a.action.phrases(register))) + (ONE_SIDED[family] if a.one_sided else "")
        for a in _pick_actions(actions, rng)]
    if short:
        templates = SHORT_SPEECH_TEMPLATES if speech else SHORT_BODY_TEMPLATES if body else SHORT_TEMPLATES
    else:
        with_actions, without = (SPEECH_TEMPLATES if speech else BODY_TEMPLATES if body else TEMPLATES)[register]
        templates = with_actions if phrases else without
    text = templates[int(rng.integers(len(templates)))].format(
        adj=adj, a_adj=_article(adj), noun=_join(str(rng.choice(degree.quantities)), bare_noun),
        bare_adj=bare_adj, bare_noun=bare_noun, grade=degree.grade, subj=subj, poss=poss,
        name=str(rng.choice(SCREEN_NAMES)), spreads=str(rng.choice(SPREAD_VERBS)),
        verb=str(rng.choice(words.verbs)), context=str(rng.choice(words.contexts)),
        idiom=str(rng.choice(words.idioms)), line=str(rng.choice(words.lines)),
        delivery=str(rng.choice(words.deliveries)), body=str(rng.choice(words.body)),
        actions=_listing(phrases) if phrases else "",
    )
    if dynamics is not None and not short:
        clause = str(rng.choice(DYNAMICS[dynamics][family]))
        text = text[:-1] + f", {clause}." if text.endswith(".") else f"{text}, {clause}"
    return text if casual else text[0].upper() + text[1:]


def generator_vocabulary() -> frozenset[str]:
    """Every lower-case word the generator can write (template fields excluded)."""
    texts: list[str] = []
    for degree in (*DEGREES.values(), NEUTRAL_DEGREE):
        texts += [*degree.adverbs, *degree.quantities, *degree.casual, degree.grade]
    for words in EMOTION_WORDS.values():
        texts += [*words.adjectives, *words.nouns, *words.casual, *words.verbs, *words.contexts,
                  *words.idioms, *words.lines, *words.deliveries, *words.body]
    texts += [s for pair in SUBJECTS for s in pair] + list(SCREEN_NAMES) + list(SPREAD_VERBS)
    texts += [t for table in (TEMPLATES, SPEECH_TEMPLATES, BODY_TEMPLATES) for pair in table.values()
              for group in pair for t in group]
    texts += [*SHORT_TEMPLATES, *SHORT_SPEECH_TEMPLATES, *SHORT_BODY_TEMPLATES]
    texts += [p for d in DYNAMICS.values() for group in d.values() for p in group] + list(ONE_SIDED.values())
    texts += [p for a in ACTIONS for p in a.all_phrases]
    return frozenset(w for t in texts for w in _WORD.findall(_FIELD.sub(" ", t).lower()))
