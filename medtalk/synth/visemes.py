"""Visemes: espeak-ng phonemes to mouth, jaw and tongue motion, with coarticulation.

Each phoneme maps to one viseme class (two or three for diphthongs); each class
is a pose over many mouth controls at once, valued after the ranges of the
real EmoFace capture (jaw 0-0.44, lowerLipDepress to 0.8, purse/towards to
~0.97, lipsTogether to ~0.76). Poses are blended with Cohen-Massaro dominance
functions: every segment pulls the controls towards its pose with a weight
that decays with the distance to its centre, per control group, so

- lips stay free during tongue consonants and take the rounding of the next
  vowel early (rounded classes reach further *before* their centre);
- bilabials and labiodentals dominate the lips strongly and briefly, and a
  final closure pass (:func:`apply_closure`) guarantees that p/b/m seal the
  lips at their centre whatever the emotion or the neighbours do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from medtalk.rig import NUM_CONTROLS
from medtalk.synth.poses import mask, pose
from medtalk.synth.timeline import Phone

# Viseme class poses: deviation from rest at full articulation.
POSES: dict[str, dict[str, float]] = {
    "sil": {},
    "bilabial": {  # p b m: sealed lips, jaw nearly shut; the capture also rolls and bites
        "C_jaw": 0.02, "mouth_lipsTogetherD": 0.76, "mouth_lipsTogetherU": 0.42,
        "mouth_pressU": 0.16, "mouth_pressD": 0.18, "mouth_lipBiteD": 0.3, "mouth_lipBiteU": 0.2,
        "mouth_lipsRollU": 0.22, "C_jaw_fwdBack": 0.12, "mouth_thicknessU": 0.12, "mouth_thicknessD": 0.08,
        "C_mouth_stickyD": 0.2, "C_mouth_stickyU": 0.12, "mouth_lipSticky": 0.15, "mouth_stickyInnerU": 0.15,
        "jaw_ChinRaiseU": 0.04, "jaw_ChinRaiseD": 0.04, "mouth_lipsBlow": 0.03,
    },
    "labiodental": {  # f v: lower lip tucked under the upper teeth
        "C_jaw": 0.05, "mouth_lipBiteD": 0.58, "mouth_lipsTowardsTeethD": 0.45,
        "mouth_upperLipRaise": 0.16, "mouth_lipsTogetherD": 0.1, "C_jaw_fwdBack": 0.1,
        "mouth_funnelU": 0.06, "jaw_chinCompress": 0.25,
    },
    "dental": {  # T D: tongue tip between the teeth
        "C_jaw": 0.1, "mouth_lowerLipDepress": 0.22, "mouth_upperLipRaise": 0.06,
        "C_tongue_inOut": -0.4, "C_tongue_tip": 0.22, "C_tongue": 0.12,
    },
    "alveolar": {  # t d n l: tongue tip on the ridge, lips free
        "C_jaw": 0.09, "mouth_lowerLipDepress": 0.18, "C_tongue": 0.22, "C_tongue_tip": 0.26,
        "C_tongue_press": 0.45, "mouth_stickyInnerD": 0.1, "C_mouth_stickyD": 0.08,
    },
    "sibilant": {  # s z: teeth close, lips slightly spread
        "C_jaw": 0.04, "mouth_stretch": 0.14, "mouth_lowerLipDepress": 0.24,
        "mouth_upperLipRaise": 0.12, "C_tongue_tip": 0.2, "C_tongue_press": 0.25,
        "mouth_corner-translateX": 0.08, "jaw_clench": 0.05,
    },
    "postalveolar": {  # S Z tS dZ: protruded, funnelled lips
        "C_jaw": 0.07, "mouth_funnelU": 0.42, "mouth_funnelD": 0.36, "mouth_towardsU": 0.36,
        "mouth_towardsD": 0.34, "mouth_purseU": 0.15, "mouth_purseD": 0.15,
        "mouth_upperLipRaise": 0.12, "mouth_lowerLipDepress": 0.26, "C_tongue": 0.2,
        "C_tongue_press": 0.2,
    },
    "velar": {  # k g N: tongue back, jaw a little open
        "C_jaw": 0.14, "mouth_lowerLipDepress": 0.16, "C_tongue_inOut": 0.2, "C_tongue": 0.06,
    },
    "glottal": {"C_jaw": 0.14, "mouth_lowerLipDepress": 0.14},  # h: takes the next vowel's shape
    "rhotic": {  # r: lightly rounded and protruded
        "C_jaw": 0.1, "mouth_funnelU": 0.3, "mouth_funnelD": 0.26, "mouth_towardsU": 0.3,
        "mouth_towardsD": 0.28, "mouth_purseU": 0.24, "mouth_purseD": 0.24,
        "C_tongue_roll": 0.2, "C_tongue": 0.15,
    },
    "labiovelar": {  # w: tight rounding
        "C_jaw": 0.05, "mouth_purseU": 0.82, "mouth_purseD": 0.8, "mouth_towardsU": 0.66,
        "mouth_towardsD": 0.64, "mouth_funnelU": 0.34, "mouth_funnelD": 0.28,
        "mouth_suckBlow": -0.35, "mouth_stickyOuterU": 0.3, "mouth_stickyOuterD": 0.3,
        "mouth_corner-translateX": -0.2, "C_mouth-translateY": -0.15,
    },
    "palatal": {  # j: spread, tongue high
        "C_jaw": 0.06, "mouth_stretch": 0.2, "mouth_corner-translateX": 0.15,
        "mouth_lowerLipDepress": 0.15, "C_tongue": 0.22,
    },
    "open": {  # a A: V
        "C_jaw": 0.42, "mouth_lowerLipDepress": 0.72, "mouth_upperLipRaise": 0.1,
        "mouth_dimple": 0.25, "C_mouth-translateY": -0.25, "mouth_stretch": 0.05,
        "mouth_stickyOuterD": 0.1, "C_tongue": -0.05, "neck_digastricUpDown": 0.02, "neck_stretch": 0.03,
        "neck_mastoidContract": 0.015,
    },
    "mid": {  # E e 3:
        "C_jaw": 0.27, "mouth_lowerLipDepress": 0.55, "mouth_stretch": 0.14,
        "mouth_corner-translateX": 0.08, "mouth_dimple": 0.15, "mouth_upperLipRaise": 0.07,
        "C_mouth-translateY": -0.15, "neck_digastricUpDown": 0.012, "neck_stretch": 0.015,
    },
    "spread": {  # i: I: jaw nearly closed, corners wide
        "C_jaw": 0.09, "mouth_stretch": 0.3, "mouth_corner-translateX": 0.16,
        "mouth_lowerLipDepress": 0.3, "mouth_cornerPull": 0.08, "mouth_upperLipRaise": 0.08,
        "C_tongue": 0.16,
    },
    "schwa": {"C_jaw": 0.15, "mouth_lowerLipDepress": 0.25, "C_mouth-translateY": -0.08},
    "round_close": {  # u: U: tight pucker, lips sucked in a little (suckBlow < 0)
        "C_jaw": 0.1, "mouth_purseU": 0.92, "mouth_purseD": 0.9, "mouth_towardsU": 0.74,
        "mouth_towardsD": 0.72, "mouth_funnelU": 0.36, "mouth_funnelD": 0.26,
        "mouth_suckBlow": -0.5, "mouth_stickyOuterU": 0.5, "mouth_stickyOuterD": 0.55,
        "mouth_corner-translateX": -0.22, "C_mouth-translateY": -0.34, "C_tongue_press": 0.35,
    },
    "round_open": {  # O: 0 oU: open funnel
        "C_jaw": 0.3, "mouth_funnelU": 0.46, "mouth_funnelD": 0.34, "mouth_purseU": 0.46,
        "mouth_purseD": 0.44, "mouth_towardsU": 0.42, "mouth_towardsD": 0.4,
        "mouth_lowerLipDepress": 0.22, "mouth_suckBlow": -0.2, "mouth_corner-translateX": -0.1,
        "C_mouth-translateY": -0.3, "mouth_stickyOuterD": 0.3,
    },
}

# Dominance magnitude per control group and class: who owns which articulator.
GROUPS: dict[str, tuple[str, ...]] = {
    "closure": ("mouth_lipsTogetherU", "mouth_lipsTogetherD", "mouth_pressU", "mouth_pressD",
                "mouth_lipBiteU", "mouth_lipBiteD", "mouth_lipsRollU", "mouth_lipsRollD",
                "mouth_lipsTowardsTeethU", "mouth_lipsTowardsTeethD", "mouth_thicknessU",
                "mouth_thicknessD", "C_jaw_fwdBack", "C_mouth_stickyD", "C_mouth_stickyU",
                "mouth_lipSticky", "mouth_stickyInnerU", "jaw_ChinRaiseU", "jaw_ChinRaiseD",
                "mouth_lipsBlow", "jaw_chinCompress"),
    "rounding": ("mouth_purseU", "mouth_purseD", "mouth_towardsU", "mouth_towardsD",
                 "mouth_funnelU", "mouth_funnelD", "mouth_suckBlow", "mouth_stickyOuterU",
                 "mouth_stickyOuterD", "mouth_corner-translateX", "C_mouth-translateY"),
    "opening": ("C_jaw", "mouth_lowerLipDepress", "mouth_upperLipRaise", "mouth_stretch",
                "mouth_dimple", "mouth_cornerPull", "jaw_clench", "mouth_stickyInnerD",
                "neck_digastricUpDown", "neck_stretch", "neck_mastoidContract"),
    "tongue": ("C_tongue", "C_tongue_tip", "C_tongue_press", "C_tongue_inOut", "C_tongue_roll"),
}
GROUP_NAMES = tuple(GROUPS)
_VOWEL_DOMINANCE = (1.2, 1.2, 1.0, 0.3)
DOMINANCE: dict[str, tuple[float, float, float, float]] = {  # (closure, rounding, opening, tongue)
    "sil": (2.0, 2.0, 2.0, 2.0),
    "bilabial": (1.5, 0.3, 1.0, 0.05),
    "labiodental": (2.0, 0.4, 1.0, 0.05),
    "dental": (0.3, 0.1, 0.8, 3.0),
    "alveolar": (0.2, 0.08, 0.5, 3.0),
    "sibilant": (0.4, 0.25, 1.2, 1.5),
    "postalveolar": (0.4, 1.2, 0.8, 1.0),
    "velar": (0.1, 0.05, 0.4, 1.5),
    "glottal": (0.03, 0.02, 0.1, 0.05),
    "rhotic": (0.3, 0.8, 0.5, 1.0),
    "labiovelar": (0.8, 2.5, 0.8, 0.1),
    "palatal": (0.3, 0.4, 0.5, 1.0),
    "open": _VOWEL_DOMINANCE, "mid": _VOWEL_DOMINANCE, "spread": (1.2, 1.6, 1.0, 0.3),
    "schwa": (0.3, 0.3, 0.6, 0.2),
    "round_close": (1.2, 2.0, 1.0, 0.3), "round_open": (1.2, 1.6, 1.0, 0.3),
}
ROUNDED = frozenset({"round_close", "round_open", "labiovelar", "postalveolar", "rhotic"})

# Dominance width: reach = WIDTH_PER_DURATION * duration + WIDTH_BASE (seconds), wider before
# the centre than after (anticipatory coarticulation), and wider still for lip rounding.
WIDTH_PER_DURATION = 0.55
WIDTH_BASE = 0.025  # s
MIN_VISUAL_DURATION = 0.06  # s; espeak's stops last ~30 ms but a visible lip gesture lasts longer
ANTICIPATION = 1.3  # reach before the centre / reach after
ROUNDING_ANTICIPATION = 1.8  # the same for the rounding group of rounded classes
DOMINANCE_SHAPE = 1.5  # exponent c of exp(-(|tau| / w) ** c); _falloff computes x ** 1.5 as x * sqrt(x)
REST_DOMINANCE = 1e-3  # keeps the blend defined far from every segment
MAX_SILENCE_SEGMENT = 0.12  # s; longer pauses are split so rest holds across all of them

# Lips move visibly ahead of the sound they make (animators lead by 1-2 frames).
LEAD = 0.02  # s
STRESS_GAIN = {2: 1.15, 1: 1.0, 0: 0.85}  # opening scale by espeak stress: primary, secondary, none
TARGET_JITTER = 0.07  # relative std of each segment's pose amplitude (token-to-token variation)

# espeak-ng English mnemonics; other languages fall back on the first letter.
_SYMBOLS: dict[str, tuple[str, ...]] = {
    **{s: ("bilabial",) for s in ("p", "b", "m")},
    **{s: ("labiodental",) for s in ("f", "v")},
    **{s: ("dental",) for s in ("T", "D")},
    **{s: ("alveolar",) for s in ("t", "d", "n", "l", "L", "t#", "d#", "n-", "l/", "l#")},
    **{s: ("sibilant",) for s in ("s", "z")},
    **{s: ("postalveolar",) for s in ("S", "Z", "tS", "dZ", "S;", "Z;")},
    **{s: ("velar",) for s in ("k", "g", "N", "x", "X", "G", "q")},
    **{s: ("glottal",) for s in ("h", "?", "@-")},
    **{s: ("rhotic",) for s in ("r", "r-", "R", "*", "r/")},
    "w": ("labiovelar",), "j": ("palatal",), "C": ("palatal",), "B": ("bilabial",),
    **{s: ("open",) for s in ("a", "a#", "A:", "A", "V", "aa", "a:", "&")},
    **{s: ("mid",) for s in ("E", "e", "3:", "E:", "e:", "E2", "e#")},
    **{s: ("spread",) for s in ("i", "i:", "I", "I2", "I#", "y#")},
    **{s: ("schwa",) for s in ("@", "3", "@2", "@5", "@L", "@r", "a2", "@#")},
    **{s: ("round_close",) for s in ("u:", "U", "u", "y", "y:", "Y", "u#")},
    **{s: ("round_open",) for s in ("O:", "0", "O", "o", "o:", "2", "9", "O2", "W", "8")},
    "aI": ("open", "spread"), "aU": ("open", "round_close"), "eI": ("mid", "spread"),
    "oU": ("round_open", "round_close"), "OI": ("round_open", "spread"), "e@": ("mid", "schwa"),
    "i@": ("spread", "schwa"), "U@": ("round_close", "schwa"), "A@": ("open", "schwa"),
    "o@": ("round_open", "schwa"), "O@": ("round_open", "schwa"), "aI@": ("open", "spread", "schwa"),
    "aU@": ("open", "round_close", "schwa"), "aI3": ("open", "spread", "schwa"), "i@3": ("spread", "schwa"),
}
_FIRST_LETTER: dict[str, str] = {
    **dict.fromkeys("pbm", "bilabial"), **dict.fromkeys("fv", "labiodental"),
    **dict.fromkeys("TD", "dental"), **dict.fromkeys("tdnlL", "alveolar"),
    **dict.fromkeys("sz", "sibilant"), **dict.fromkeys("SZcJ", "postalveolar"),
    **dict.fromkeys("kgNxXGq", "velar"), **dict.fromkeys("h?", "glottal"),
    **dict.fromkeys("rR*", "rhotic"), **dict.fromkeys("w", "labiovelar"),
    **dict.fromkeys("jC", "palatal"), **dict.fromkeys("aAV&", "open"),
    **dict.fromkeys("eE", "mid"), **dict.fromkeys("iIy", "spread"),
    **dict.fromkeys("@3", "schwa"), **dict.fromkeys("uUY", "round_close"),
    **dict.fromkeys("oO0289W", "round_open"),
}
_VOWEL_LETTERS = frozenset("aAVeEiIyY@3&uUoO0289W")
MAX_GLIDE = 3  # an unknown vowel sequence (``uai``, ``OY``) glides through at most this many poses
VOWELS = frozenset({"open", "mid", "spread", "schwa", "round_close", "round_open"})
_STRESS_MARKS = {"'": 2, ",": 1, "%": 0, "=": 0}

_GROUP_COLUMNS = [mask(GROUPS[g]) for g in GROUP_NAMES]
_CLASS_NAMES = tuple(POSES)
_POSE_TABLE = np.stack([pose(POSES[c]) for c in _CLASS_NAMES]).astype(np.float64)  # (K, 174)
_DOMINANCE_TABLE = np.array([DOMINANCE[c] for c in _CLASS_NAMES])  # (K, G)
_ROUNDED_TABLE = np.array([c in ROUNDED for c in _CLASS_NAMES])  # (K,)
_ROUNDING = GROUP_NAMES.index("rounding")

# The closure pass: bilabials end with these controls at least / at most these values.
CLOSURE_FLOOR = pose({"mouth_lipsTogetherD": 0.72, "mouth_lipsTogetherU": 0.38, "mouth_pressD": 0.12,
                      "mouth_pressU": 0.1})
CLOSURE_CEILING = pose({"C_jaw": 0.04, "mouth_lowerLipDepress": 0.05, "mouth_upperLipRaise": 0.04})
_FLOOR_COLUMNS = np.flatnonzero(CLOSURE_FLOOR)
_CEILING_COLUMNS = np.flatnonzero(CLOSURE_CEILING)
CLOSURE_HOLD = 0.7  # fraction of a bilabial's duration held fully closed around its centre


@lru_cache(maxsize=4096)
def split_symbol(symbol: str) -> tuple[str, int | None]:
    """espeak mnemonic without stress marks, and its stress (2, 1, 0; None if unmarked)."""
    stress = None
    for mark, level in _STRESS_MARKS.items():
        if mark in symbol:
            stress = level if stress is None else max(stress, level)
    return "".join(ch for ch in symbol if ch not in _STRESS_MARKS).strip(), stress


@lru_cache(maxsize=4096)
def classify(symbol: str) -> tuple[str, ...]:
    """Viseme classes of one phoneme: one, or two/three for diphthongs; ``("sil",)`` for pauses."""
    base, _ = split_symbol(symbol)
    if not base or base.startswith("_") or base in ("||", "|"):
        return ("sil",)
    if base in _SYMBOLS:
        return _SYMBOLS[base]
    stripped = base.rstrip(":#;~-!/") or base
    if stripped in _SYMBOLS:
        return _SYMBOLS[stripped]
    if len(stripped) > 1 and set(stripped) <= _VOWEL_LETTERS:  # another language's diphthong
        return tuple(_FIRST_LETTER[ch] for ch in stripped[:MAX_GLIDE])
    # Unknown letters are most likely vowels of another language; marks such as espeak's
    # palatalisation ``;`` are not articulations of their own.
    return (_FIRST_LETTER.get(base[0], "schwa" if base[0].isalnum() else "glottal"),)


@dataclass(frozen=True)
class Segments:
    """Viseme segments: ``classes`` (S,), ``centre``/``duration``/``gain`` (S,) in seconds / scale."""

    classes: tuple[str, ...]
    centre: np.ndarray
    duration: np.ndarray
    gain: np.ndarray


def segment(phones: Sequence[Phone], duration: float, lead: float = LEAD) -> Segments:
    """Phones to viseme segments, with silence filling the gaps and both ends of the clip."""
    marked = any(split_symbol(p.symbol)[1] is not None for p in phones)
    classes: list[str] = []
    spans: list[tuple[float, float]] = []
    gains: list[float] = []

    def add(name: str, start: float, end: float, gain: float = 1.0) -> None:
        # Long pauses become several rest segments so that rest dominates all of them.
        pieces = max(1, int(np.ceil((end - start) / MAX_SILENCE_SEGMENT))) if name == "sil" else 1
        step = (end - start) / pieces
        for k in range(pieces):
            classes.append(name)
            spans.append((start + k * step, start + (k + 1) * step))
            gains.append(gain)

    cursor = 0.0
    for phone in sorted(phones, key=lambda p: p.start):
        start, end = max(phone.start - lead, 0.0), max(phone.end - lead, 0.0)
        if start - cursor > 1e-3:
            add("sil", cursor, start)
        parts = classify(phone.symbol)
        _, stress = split_symbol(phone.symbol)
        gain = STRESS_GAIN[stress if stress is not None else (0 if marked else 1)]
        step = (end - start) / len(parts)
        for k, name in enumerate(parts):
            add(name, start + k * step, start + (k + 1) * step, gain if name in VOWELS else 1.0)
        cursor = max(cursor, end)
    if duration - cursor > 1e-3 or not classes:
        add("sil", cursor, max(duration, cursor + 1e-3))
    span = np.array(spans, dtype=np.float64)
    return Segments(tuple(classes), span.mean(axis=1), np.maximum(span[:, 1] - span[:, 0], 1e-3),
                    np.array(gains, dtype=np.float64))


def _falloff(tau: np.ndarray, before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """``exp(-(|tau| / w) ** 1.5)`` with ``w`` = ``before`` for tau > 0, else ``after``: ``(T, S)``."""
    x = np.abs(tau) / np.where(tau > 0, before, after)
    return np.exp(-x * np.sqrt(x))  # x ** DOMINANCE_SHAPE, without the cost of a general power


def _dominance(seg: Segments, times: np.ndarray) -> np.ndarray:
    """Dominance of every segment over every group at every time: ``(G, T, S)``."""
    ids = np.array([_CLASS_NAMES.index(c) for c in seg.classes])
    reach = WIDTH_PER_DURATION * np.maximum(seg.duration, MIN_VISUAL_DURATION) + WIDTH_BASE  # (S,)
    tau = seg.centre[None, :] - times[:, None]  # (T, S): > 0 before the centre
    shape = _falloff(tau, reach * ANTICIPATION, reach)
    rounded = _ROUNDED_TABLE[ids]
    rounding = shape.copy()
    rounding[:, rounded] = _falloff(tau[:, rounded], reach[rounded] * ROUNDING_ANTICIPATION, reach[rounded])
    dom = _DOMINANCE_TABLE[ids].T[:, None, :] * shape[None]  # (G, T, S)
    dom[_ROUNDING] = _DOMINANCE_TABLE[ids, _ROUNDING] * rounding
    return dom


CHUNK_FRAMES = 1024  # frames blended at once: bounds the (G, T, S) dominance to a chunk
NEGLIGIBLE_REACH = 30.0  # reaches from a centre where dominance is exp(-30**1.5) ~ 1e-71: left out


def articulate(seg: Segments, n_frames: int, fps: float, rng: np.random.Generator | None = None) -> np.ndarray:
    """Blended articulation, deviation from rest: ``(n_frames, 174)`` float32.

    Only the controls of :data:`GROUPS` are non-zero. ``rng`` adds token-to-token
    variation of each segment's amplitude (deterministic for a seeded generator).
    Frames are blended a chunk at a time from the segments that reach them, so
    memory and time grow linearly with the length of the clip.
    """
    times = np.arange(n_frames) / fps
    targets = _POSE_TABLE[[_CLASS_NAMES.index(c) for c in seg.classes]]  # (S, 174)
    amplitude = seg.gain.copy()
    if rng is not None:
        amplitude *= 1.0 + TARGET_JITTER * rng.standard_normal(len(seg.classes))
    targets *= amplitude[:, None]
    reach = NEGLIGIBLE_REACH * (WIDTH_PER_DURATION * np.maximum(seg.duration, MIN_VISUAL_DURATION) + WIDTH_BASE)
    first = seg.centre - reach  # the far side of the window (after the centre) is the shorter one
    last = seg.centre + reach * max(ANTICIPATION, ROUNDING_ANTICIPATION)
    out = np.zeros((n_frames, NUM_CONTROLS), dtype=np.float32)
    for start in range(0, n_frames, CHUNK_FRAMES):
        chunk = times[start:start + CHUNK_FRAMES]
        near = np.flatnonzero((last >= chunk[0]) & (first <= chunk[-1]))
        if near.size == 0:
            continue
        dom = _dominance(_select(seg, near), chunk)  # (G, t, s)
        for g, cols in enumerate(_GROUP_COLUMNS):
            weight = dom[g]  # (t, s)
            out[start:start + len(chunk), cols] = (weight @ targets[near][:, cols]) / (
                weight.sum(axis=1, keepdims=True) + REST_DOMINANCE)
    return out


def _select(seg: Segments, keep: np.ndarray) -> Segments:
    """The segments at indices ``keep``."""
    return Segments(tuple(seg.classes[k] for k in keep), seg.centre[keep], seg.duration[keep], seg.gain[keep])


def closure_curve(seg: Segments, n_frames: int, fps: float) -> np.ndarray:
    """How firmly the lips must be sealed at each frame (1 at bilabial centres): ``(T,)``."""
    times = np.arange(n_frames) / fps
    curve = np.zeros(n_frames)
    for k, name in enumerate(seg.classes):
        if name != "bilabial":
            continue
        visual = max(seg.duration[k], MIN_VISUAL_DURATION)
        hold = CLOSURE_HOLD * visual / 2 + 0.5 / fps
        ramp = 0.3 * visual
        dist = np.maximum(np.abs(times - seg.centre[k]) - hold, 0.0)
        curve = np.maximum(curve, np.exp(-((dist / ramp) ** 2)))
    return curve


def apply_closure(values: np.ndarray, closure: np.ndarray) -> np.ndarray:
    """Seal the lips where ``closure`` (T,) is high, on an absolute rig ``(T, 174)``; returns a copy."""
    out = values.copy()
    c = closure[:, None]
    floor = out[:, _FLOOR_COLUMNS]
    out[:, _FLOOR_COLUMNS] = floor + c * np.maximum(CLOSURE_FLOOR[_FLOOR_COLUMNS] - floor, 0.0)
    ceil = out[:, _CEILING_COLUMNS]
    out[:, _CEILING_COLUMNS] = ceil - c * np.maximum(ceil - CLOSURE_CEILING[_CEILING_COLUMNS], 0.0)
    return out
