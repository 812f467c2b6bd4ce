"""Emotions as FACS-based face-board templates, scaled by a per-frame intensity.

Each emotion is a set of action units written as board controls (values at
full intensity, deviation from rest). *Primary* controls carry the emotion at
any intensity; *secondary* ones join only as it grows (they follow
``intensity ** SECONDARY_EXPONENT``), so a mild emotion is not just a scaled
copy of a strong one. Emotions also change how the mouth articulates
(:func:`articulation_gain`): happy widens spread vowels, sad shrinks the jaw,
angry tightens the lips, surprised opens more, fear stretches, disgust raises
the upper lip.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from medtalk.emotions import EMOTIONS
from medtalk.rig import NUM_CONTROLS
from medtalk.synth.noise import smooth_noise
from medtalk.synth.poses import mask, pose


@dataclass(frozen=True)
class Template:
    """One emotion: primary and secondary controls (short names, see :mod:`poses`) at full intensity."""

    primary: dict[str, float]
    secondary: dict[str, float]


TEMPLATES: dict[str, Template] = {
    "neutral": Template({}, {}),
    "happy": Template(  # AU6 cheek raiser + AU12 lip corner puller (+ AU14 dimpler)
        {"eye_cheekRaise": 0.6, "mouth_cornerPull": 0.55, "mouth_sharpCornerPull": 0.2,
         "mouth_corner-translateY": 0.15, "nose_nasolabialDeepen": 0.3},
        {"mouth_dimple": 0.3, "eye_squintInner": 0.25, "eye_blink": 0.12, "brow_raiseOut": 0.08,
         "mouth_corner-translateX": 0.1, "mouth_upperLipRaise": 0.06, "eye_eyelidD": -0.15},
    ),
    "sad": Template(  # AU1 inner brow raiser + AU15 lip corner depressor (+ AU4, AU17, drooping lids)
        {"brow_raiseIn": 0.6, "mouth_cornerDepress": 0.5, "mouth_corner-translateY": -0.2,
         "brow_lateral": 0.25},
        {"eye_blink": 0.18, "eye_eyelidU": 0.2, "jaw_ChinRaiseD": 0.3, "jaw_ChinRaiseU": 0.2,
         "C_eye-translateY": -0.12, "brow_down": 0.05, "mouth_lipsRollD": -0.1},
    ),
    "angry": Template(  # AU4 brow lowerer + AU7 lid tightener + AU23/24 lip tightener/presser
        {"brow_down": 0.7, "brow_lateral": 0.8, "eye_squintInner": 0.75, "eye_blink": -0.3,
         "mouth_pressU": 0.15, "mouth_pressD": 0.16, "mouth_tightenU": 0.2, "mouth_tightenD": 0.2},
        {"eye_faceScrunch": 0.45, "nose-translateY": 0.45, "nose_nasolabialDeepen": 0.35,
         "jaw_clench": 0.2, "mouth_upperLipRaise": 0.1, "mouth_dimple": 0.35, "nose-translateX": 0.2,
         "eye_cheekRaise": 0.25, "mouth_sharpCornerPull": 0.15, "mouth_cornerPull": 0.08,
         "mouth_cornerDepress": 0.05, "ear_up": 0.05, "mouth_lipSticky": 0.1},
    ),
    "surprised": Template(  # AU1+2 brow raisers + AU5 upper lid raiser + AU26 jaw drop
        {"brow_raiseIn": 0.6, "brow_raiseOut": 0.7, "eye_blink": -0.45, "eye_eyelidU": -0.3,
         "C_jaw": 0.12},
        {"mouth_lowerLipDepress": 0.15, "mouth_funnelU": 0.1, "mouth_funnelD": 0.1,
         "ear_up": 0.1, "eye_eyelidD": -0.1},
    ),
    "fear": Template(  # AU1+2+4 brows + AU5 lids + AU20 lip stretcher
        {"brow_raiseIn": 0.6, "brow_lateral": 0.45, "eye_blink": -0.45, "eye_eyelidU": -0.2,
         "mouth_stretch": 0.5, "mouth_corner-translateX": 0.2},
        {"brow_raiseOut": 0.25, "mouth_cornerDepress": 0.15, "neck_stretch": 0.3, "C_jaw": 0.05,
         "mouth_lowerLipDepress": 0.2, "nose-translateX": 0.1},
    ),
    "disgust": Template(  # AU9 nose wrinkler + AU10 upper lip raiser (+ AU4, AU15, AU17), one-sided
        {"nose-translateY": 0.55, "nose_wrinkleUpper": 0.5, "mouth_upperLipRaise": 0.5,
         "brow_down": 0.35, "L_mouth_upperLipRaise": 0.62},
        {"brow_lateral": 0.2, "eye_squintInner": 0.35, "eye_cheekRaise": 0.35,
         "mouth_cornerDepress": 0.25, "jaw_ChinRaiseD": 0.25, "nose_nasolabialDeepen": 0.4,
         "eye_blink": 0.15, "L_nose_wrinkleUpper": 0.62},
    ),
}
assert set(TEMPLATES) == set(EMOTIONS)

SECONDARY_EXPONENT = 1.8  # secondary controls follow intensity ** this
CONTROL_WOBBLE = 0.3  # relative slow variation of each control's share of the expression
WOBBLE_TIMESCALE = 0.9  # s
EMPHASIS_GAIN = 0.5  # extra expression on an emphasised syllable, relative to the primary pose

# Articulation groups and each emotion's gain on them at full intensity (1 = unchanged).
ARTICULATION_GROUPS: dict[str, tuple[str, ...]] = {
    "jaw": ("C_jaw", "mouth_lowerLipDepress"),
    "spread": ("mouth_stretch", "mouth_corner-translateX", "mouth_cornerPull"),
    "rounding": ("mouth_purseU", "mouth_purseD", "mouth_towardsU", "mouth_towardsD",
                 "mouth_funnelU", "mouth_funnelD"),
    "upper_lip": ("mouth_upperLipRaise",),
}
ARTICULATION_GAIN: dict[str, dict[str, float]] = {
    "neutral": {},
    "happy": {"spread": 1.5, "jaw": 1.05, "rounding": 0.9},
    "sad": {"jaw": 0.65, "spread": 0.8, "rounding": 0.85, "upper_lip": 0.8},
    "angry": {"jaw": 1.12, "rounding": 1.1, "upper_lip": 1.4, "spread": 1.1},
    "surprised": {"jaw": 1.35, "rounding": 1.1},
    "fear": {"spread": 1.5, "jaw": 0.9},
    "disgust": {"upper_lip": 1.7, "jaw": 0.85, "rounding": 0.8},
}
assert set(ARTICULATION_GAIN) == set(EMOTIONS)
_GROUP_COLUMNS = {g: mask(names) for g, names in ARTICULATION_GROUPS.items()}


def expression_pose(emotion: str) -> tuple[np.ndarray, np.ndarray]:
    """Primary and secondary ``(174,)`` pose vectors of ``emotion`` at full intensity.

    A side-specific name (``L_...``) overrides the both-sides value on its side.
    """
    template = TEMPLATES[emotion]
    return _pose_with_overrides(template.primary), _pose_with_overrides(template.secondary)


def _pose_with_overrides(spec: dict[str, float]) -> np.ndarray:
    both = {k: v for k, v in spec.items() if not k.startswith(("L_", "R_"))}
    one_side = {k: v for k, v in spec.items() if k.startswith(("L_", "R_"))}
    out = pose(both)
    sided = pose(one_side)
    return np.where(sided != 0, sided, out)


def render_expression(emotion: str, intensity: np.ndarray, fps: float, rng: np.random.Generator,
                      emphasis: np.ndarray | None = None) -> np.ndarray:
    """The expression over time, deviation from rest: ``(T, 174)`` float32 for ``intensity`` ``(T,)``.

    ``emphasis`` ``(T,)`` 0..1 marks stressed syllables, where the emotion
    flares (an angry speaker frowns harder on the words they hit). Each active
    control wobbles slowly around its share (``CONTROL_WOBBLE``), so the
    controls of one emotion do not move in perfect lockstep.
    """
    primary, secondary = expression_pose(emotion)
    level = np.clip(intensity, 0.0, 1.0)[:, None]
    if emphasis is not None:
        level = np.clip(level * (1.0 + EMPHASIS_GAIN * emphasis[:, None]), 0.0, 1.0)
    out = primary[None, :] * level + secondary[None, :] * level ** SECONDARY_EXPONENT
    active = np.flatnonzero(primary + secondary)
    if active.size:
        wobble = smooth_noise(len(intensity), fps, WOBBLE_TIMESCALE, rng, active.size)
        out[:, active] *= 1.0 + CONTROL_WOBBLE * wobble
    return out.astype(np.float32)


def articulation_gain(emotion: str, intensity: np.ndarray) -> np.ndarray:
    """Per-frame multiplier of the articulation deviation: ``(T, 174)`` float32, 1 where unchanged."""
    gain = np.ones((len(intensity), NUM_CONTROLS), dtype=np.float32)
    level = np.clip(intensity, 0.0, 1.0)[:, None]
    for group, value in ARTICULATION_GAIN[emotion].items():
        gain[:, _GROUP_COLUMNS[group]] = 1.0 + (value - 1.0) * level
    return gain
