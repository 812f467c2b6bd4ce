"""Facial actions read off a rig, and how each is worded in every register.

An action (FACS-style: "cheeks raised", "lips pressed") is a weighted sum of
board-control deviations from rest, measured per side; it is *active* when
that sum passes a threshold on either side. Thresholds sit above what a
performer's personal rest offsets and idle motion reach
(:func:`medtalk.synth.idle.speaker_style`: brow_lateral <= 0.1, |eye_blink|
<= 0.08), so only real expression is described.

For a clip, :func:`tonic_pose` summarises the frames: speech opens and closes
the mouth, blinks and brow beats come and go, so the per-control median (and a
low percentile for the jaw, open half the time in speech) is what the face
*holds*.

Each action has phrasings per register (:data:`REGISTERS`): plain nominal
phrases, FACS-style clinical ones, vivid participial ones (literary and
screenplay) and casual ones. No phrase contains another action's phrase, so a
description's actions can be read back by substring.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from medtalk.rig import REST_POSE
from medtalk.synth.poses import columns

REGISTERS = ("plain", "clinical", "literary", "screenplay", "casual")
TONIC_PERCENTILE = 50.0  # per-control percentile of a clip's frames that counts as held
JAW_PERCENTILE = 20.0  # the jaw is open for speech about half the time: only a low percentile is tonic
ONE_SIDED_RATIO = 0.4  # weaker side below this share of the stronger: the action is one-sided


@dataclass(frozen=True)
class FacialAction:
    """One action: ``weights`` over short control names (see :mod:`medtalk.synth.poses`)."""

    name: str
    weights: dict[str, float]
    threshold: float  # board units of the weighted deviation
    plain: tuple[str, ...]
    clinical: tuple[str, ...]
    vivid: tuple[str, ...]
    casual: tuple[str, ...]

    def phrases(self, register: str) -> tuple[str, ...]:
        """Phrasings for one of :data:`REGISTERS` (literary and screenplay share the vivid ones)."""
        return getattr(self, "vivid" if register in ("literary", "screenplay") else register)

    @property
    def all_phrases(self) -> tuple[str, ...]:
        return self.plain + self.clinical + self.vivid + self.casual


ACTIONS: tuple[FacialAction, ...] = (
    FacialAction(
        "brows_raised", {"brow_raiseOut": 1.0}, 0.12,
        ("raised eyebrows", "brows lifted high", "arched brows"),
        ("outer brow raiser (AU2) present", "bilateral brow elevation, AU1+2"),
        ("brows arching upward", "eyebrows climbing toward the hairline", "brows shooting up"),
        ("eyebrows way up", "brows up high"),
    ),
    FacialAction(
        "inner_brows_up", {"brow_raiseIn": 1.0, "brow_raiseOut": -1.0}, 0.12,
        ("inner brows drawn up", "the inner ends of the brows tilted upward", "slanted, upturned brows"),
        ("inner brow raiser (AU1)", "medial brow elevation, AU1"),
        ("the inner corners of the brows pulling upward", "brows tilting into a pleading slant"),
        ("puppy-dog brows", "brows tilted up in the middle"),
    ),
    FacialAction(
        "brows_lowered", {"brow_down": 1.0}, 0.12,
        ("lowered brows", "brows pulled down", "a heavy brow"),
        ("brow lowerer (AU4)", "brow depression, AU4"),
        ("brows bearing down over the eyes", "the brow dropping low and hard"),
        ("eyebrows down", "brows scrunched down"),
    ),
    FacialAction(
        "brows_knit", {"brow_lateral": 1.0}, 0.15,
        ("knitted brows", "brows drawn together", "a furrow between the brows"),
        ("corrugator contraction, brows drawn medially", "glabellar furrowing"),
        ("brows knotting together", "a hard crease forming between the brows"),
        ("scrunched-together eyebrows",),
    ),
    FacialAction(
        "eyes_wide", {"eye_blink": -1.0, "eye_eyelidU": -0.5}, 0.12,
        ("wide-open eyes", "eyes opened wide", "the whites of the eyes showing"),
        ("upper lid raiser (AU5)", "palpebral fissure widened, AU5"),
        ("eyes flying wide open", "eyes widening, lids pulled back"),
        ("big wide eyes", "eyes popping"),
    ),
    FacialAction(
        "eyes_narrowed", {"eye_squintInner": 1.0}, 0.12,
        ("narrowed eyes", "squinting eyes", "tightened lids"),
        ("lid tightener (AU7)", "orbital tightening, AU7"),
        ("eyes narrowing to slits", "lids tightening around the eyes"),
        ("squinty eyes", "eyes squinched"),
    ),
    FacialAction(
        "lids_heavy", {"eye_blink": 1.0, "eye_eyelidU": 0.5}, 0.12,
        ("heavy, drooping eyelids", "half-lowered lids", "downcast, hooded eyes"),
        ("upper lid droop (AU43 partial)", "ptosis-like lid lowering"),
        ("eyelids sinking low", "lids growing heavy over the eyes"),
        ("droopy eyes", "sleepy-looking lids"),
    ),
    FacialAction(
        "cheeks_raised", {"eye_cheekRaise": 1.0}, 0.12,
        ("raised cheeks", "cheeks lifted", "crinkled eyes"),
        ("cheek raiser (AU6)", "orbicularis oculi contraction, AU6"),
        ("cheeks rising and crinkling the eyes", "crow's feet gathering at the eyes"),
        ("cheeks pushed up", "crinkly eyes"),
    ),
    FacialAction(
        "nose_wrinkled", {"nose-translateY": 0.5, "nose_wrinkleUpper": 0.5}, 0.1,
        ("a wrinkled nose", "nose scrunched up", "creased nose bridge"),
        ("nose wrinkler (AU9)", "levator labii alaeque nasi activation, AU9"),
        ("the nose wrinkling", "the bridge of the nose creasing"),
        ("scrunched-up nose", "nose all wrinkled"),
    ),
    FacialAction(
        "corners_up", {"mouth_cornerPull": 1.0}, 0.1,
        ("a smile", "mouth corners turned up", "upturned lips"),
        ("lip corner puller (AU12)", "zygomatic lip-corner elevation, AU12"),
        ("the corners of the mouth curling up", "a smile spreading over the lips"),
        ("smiling", "grinning"),
    ),
    FacialAction(
        "corners_down", {"mouth_cornerDepress": 1.0}, 0.1,
        ("mouth corners turned down", "a downturned mouth", "a frown"),
        ("lip corner depressor (AU15)", "depressed oral commissures, AU15"),
        ("the corners of the mouth sagging", "the mouth tugging downward at the edges"),
        ("frowny mouth", "mouth all turned down"),
    ),
    FacialAction(
        "lips_pressed", {"mouth_pressU": 0.5, "mouth_pressD": 0.5, "mouth_tightenU": 0.5, "mouth_tightenD": 0.5},
        0.08,
        ("pressed lips", "lips clamped together", "a thin, hard mouth"),
        ("lip presser and tightener (AU23/24)", "lip compression, AU24"),
        ("lips pressing into a hard line", "the mouth clamping shut"),
        ("lips squished tight", "mouth clamped"),
    ),
    FacialAction(
        "lips_stretched", {"mouth_stretch": 1.0}, 0.12,
        ("lips stretched sideways", "a tense, stretched mouth", "the mouth pulled wide and flat"),
        ("lip stretcher (AU20)", "horizontal lip stretch, AU20"),
        ("lips drawing back tautly", "the mouth pulling tight toward the ears"),
        ("mouth stretched out", "lips pulled back"),
    ),
    FacialAction(
        "upper_lip_raised", {"mouth_upperLipRaise": 1.0}, 0.15,
        ("a raised upper lip", "upper lip curled up", "a sneer"),
        ("upper lip raiser (AU10)", "upper lip elevation, AU10"),
        ("the upper lip curling back", "the lip lifting in a sneer"),
        ("lip curled up", "sneering"),
    ),
    FacialAction(
        "jaw_dropped", {"C_jaw": 1.0}, 0.08,
        ("a dropped jaw", "mouth hanging open", "an open mouth"),
        ("jaw drop (AU26)", "mandibular depression, AU26"),
        ("the jaw falling slack", "the mouth dropping open"),
        ("jaw on the floor", "mouth hanging"),
    ),
    FacialAction(
        "chin_raised", {"jaw_ChinRaiseD": 1.0}, 0.1,
        ("a raised, dimpled chin", "chin pushed up", "a puckered chin"),
        ("chin raiser (AU17)", "mentalis contraction, AU17"),
        ("the chin bunching and quivering", "the chin puckering up"),
        ("wobbly chin", "chin all bunched up"),
    ),
)
ACTION_NAMES = tuple(a.name for a in ACTIONS)


@dataclass(frozen=True)
class ActiveAction:
    """An action that passed its threshold: ``strength`` of the stronger side, board units."""

    action: FacialAction
    strength: float
    one_sided: bool


def _side_columns(weights: dict[str, float]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per side (L, R): columns and weights; a centre control counts on both sides."""
    sides = []
    for side in range(2):
        cols, w = [], []
        for name, weight in weights.items():
            found = columns(name)
            cols.append(found[side] if len(found) == 2 else found[0])
            w.append(weight)
        sides.append((np.array(cols), np.array(w)))
    return sides


_SIDES = {a.name: _side_columns(a.weights) for a in ACTIONS}
_JAW_COLUMNS = np.array(columns("C_jaw"))


def tonic_pose(rig_values: np.ndarray) -> np.ndarray:
    """What a clip's face holds: ``(T, 174) -> (174,)`` (median per control, a low percentile for the jaw)."""
    assert rig_values.ndim == 2 and rig_values.shape[1] == REST_POSE.shape[0], rig_values.shape
    held = np.percentile(rig_values, TONIC_PERCENTILE, axis=0)
    held[_JAW_COLUMNS] = np.percentile(rig_values[:, _JAW_COLUMNS], JAW_PERCENTILE, axis=0)
    return held.astype(np.float32)


def active_actions(values: np.ndarray) -> list[ActiveAction]:
    """Actions a pose ``(174,)`` shows, strongest (relative to its threshold) first."""
    assert values.shape == REST_POSE.shape, values.shape
    deviation = values - REST_POSE
    found = []
    for action in ACTIONS:
        per_side = [float(deviation[cols] @ w) for cols, w in _SIDES[action.name]]
        strong, weak = max(per_side), min(per_side)
        if strong >= action.threshold:
            found.append(ActiveAction(action, strong, weak < ONE_SIDED_RATIO * strong))
    return sorted(found, key=lambda a: -a.strength / a.action.threshold)


def _check_phrases_distinct() -> None:
    """No phrase may contain another action's phrase (descriptions are read back by substring)."""
    for a in ACTIONS:
        for b in ACTIONS:
            if a is b:
                continue
            for p in a.all_phrases:
                clash = [q for q in b.all_phrases if q in p]
                assert not clash, f"{a.name} phrase {p!r} contains {b.name} phrase {clash[0]!r}"


_check_phrases_distinct()
