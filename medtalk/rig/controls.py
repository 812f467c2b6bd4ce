"""The 174 MetaHuman face-board controls and rig sequences.

Column order is the published EmoFace/MEDTalk order (``controls.txt``). The
published list names columns 25-26 and 27-28 both ``CTRL_C_tongue_tip``; we
keep the column order and call the first pair ``CTRL_C_tongue_roll`` so every
column has a unique name (see docs/RIG.md).

Control sets used by the paper's metrics are derived here, once, from names:

- ``S_LIP``: every mouth and jaw control (lip articulation, MLE);
- ``S_EMO``: brows, eyelids, cheeks, nose and the mouth-corner/lip-tension
  controls that carry expression (MEE);
- ``S_UP``: the upper face, brows, eyelids, cheeks and nose, without gaze,
  pupils and eyelashes (FRD);
- ``S_ARTIC``: ``S_LIP`` without the expressive mouth controls of ``S_EMO``:
  articulation alone (how far the lips depend on the emotion guidance);
- ``S_INT``: the 14 controls of the pseudo-intensity ``Int()`` (SPEC section 1,
  :func:`pseudo_intensity`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

import numpy as np

from medtalk.errors import MedtalkError

NUM_CONTROLS = 174
DEFAULT_FPS = 60.0
# Captured rigs stray slightly past their nominal range (the EmoFace take has
# one-sided controls at -0.009); beyond this margin a value is an error.
RANGE_TOLERANCE = 0.05

CONTROL_NAMES: tuple[str, ...] = tuple(
    files("medtalk").joinpath("controls.txt").read_text().split()
)
assert len(CONTROL_NAMES) == NUM_CONTROLS and len(set(CONTROL_NAMES)) == NUM_CONTROLS

# Controls whose board slider runs -1..1 (INTEGRATION.md: they split into a
# positive and a negative curve); matched on the part after the side prefix.
_TWO_SIDED = (
    "eye-translateX", "eye-translateY", "eye_blink", "eye_eyelidU", "eye_eyelidD",
    "eye_pupil", "eyelashes_tweaker", "jaw-translateX", "jaw_fwdBack",
    "mouth-translateX", "mouth-translateY", "mouth_corner-translate",
    "mouth_lipShift", "mouth_suckBlow", "mouth_lipsRoll", "mouth_pushPull",
    "mouth_thickness", "mouth_cornerSharpness", "nose-translate",
    "tongue-translate", "tongue_tip", "tongue_roll", "tongue_inOut",
    "tongue_narrowWide", "teeth", "neck_digastricUpDown",
    "neck_throatExhaleInhale", "neck_throatUpDown",
)

_REGION_BY_PART = (
    # (name fragment, region), first match wins
    ("eye_cheekRaise", "cheek"),
    ("brow", "brow"),
    ("eyelashes", "eye"),
    ("eye", "eye"),
    ("nose", "nose"),
    ("ear_", "ear"),
    ("jaw", "jaw"),
    ("mouth", "mouth"),
    ("teeth", "teeth"),
    ("tongue", "tongue"),
    ("neckCorrectives", "setting"),
    ("lookAtSwitch", "setting"),
    ("neck", "neck"),
)

# Mouth controls that carry expression rather than (only) articulation.
_EXPRESSIVE_MOUTH = (
    "cornerPull", "cornerDepress", "sharpCornerPull", "dimple", "stretch-",
    "mouth_corner-", "upperLipRaise", "mouth_pressU", "mouth_pressD", "lipsPressU", "tighten",
)
_UPPER_FACE_SKIP = ("eye-translate", "parallelLook", "pupil", "eyelashes")

INT_CONTROL_NAMES = tuple(
    f"CTRL_{side}_{part}-translateY"
    for side in "LR"
    for part in (
        "brow_down", "brow_lateral", "brow_raiseIn", "brow_raiseOut",
        "eye_blink", "eye_squintInner", "mouth_cornerPull",
    )
)


@dataclass(frozen=True)
class Control:
    """One face-board channel: ``side`` is L, R or C; ``lo..hi`` its range."""

    index: int
    name: str
    side: str
    region: str
    lo: float
    hi: float

    @property
    def two_sided(self) -> bool:
        return self.lo < 0


def _describe(index: int, name: str) -> Control:
    body = name.removeprefix("CTRL_")
    side = body[0] if body[:2] in ("L_", "R_", "C_") else "C"
    part = body[2:] if body[:2] in ("L_", "R_", "C_") else body
    region = next(r for frag, r in _REGION_BY_PART if frag in part)
    lo = -1.0 if any(part.startswith(p) or p in part for p in _TWO_SIDED) else 0.0
    return Control(index, name, side, region, lo, 1.0)


CONTROLS: tuple[Control, ...] = tuple(_describe(i, n) for i, n in enumerate(CONTROL_NAMES))
_INDEX = {n: i for i, n in enumerate(CONTROL_NAMES)}


def index(name: str) -> int:
    """Column of a control; accepts ``CTRL_x.ty``-style Maya names too."""
    key = name.replace(".tx", "-translateX").replace(".ty", "-translateY")
    try:
        return _INDEX[key]
    except KeyError:
        raise MedtalkError(f"unknown MetaHuman control {name!r}") from None


def indices(*fragments: str) -> np.ndarray:
    """Columns whose name contains any of the fragments, in column order."""
    return np.array([c.index for c in CONTROLS if any(f in c.name for f in fragments)], dtype=np.int64)


def _select(keep) -> np.ndarray:
    return np.array([c.index for c in CONTROLS if keep(c)], dtype=np.int64)


S_LIP = _select(lambda c: c.region in ("mouth", "jaw"))
S_EMO = _select(
    lambda c: c.region in ("brow", "eye", "cheek", "nose")
    and not any(s in c.name for s in _UPPER_FACE_SKIP)
    or (c.region == "mouth" and any(s in c.name for s in _EXPRESSIVE_MOUTH))
)
S_UP = _select(
    lambda c: c.region in ("brow", "eye", "cheek", "nose")
    and not any(s in c.name for s in _UPPER_FACE_SKIP)
)
S_ARTIC = np.setdiff1d(S_LIP, S_EMO)
S_INT = np.array(sorted(index(n) for n in INT_CONTROL_NAMES), dtype=np.int64)
assert S_INT.tolist() == [29, 30, 31, 32, 36, 43, 53, 98, 99, 100, 101, 105, 112, 122]

RANGE_LO = np.array([c.lo for c in CONTROLS], dtype=np.float32)
RANGE_HI = np.array([c.hi for c in CONTROLS], dtype=np.float32)

# Settings that are not animation (INTEGRATION.md): the neck-corrective
# multipliers rest at 0.8/0.5/0.2 (U/M/D) on a MetaHuman board.
REST_POSE = np.zeros(NUM_CONTROLS, dtype=np.float32)
for _suffix, _value in (("U", 0.8), ("M", 0.5), ("D", 0.2)):
    REST_POSE[index(f"CTRL_neckCorrectivesMultiplyer{_suffix}-translateY")] = _value


@dataclass
class RigSequence:
    """A face-board animation: ``values`` is ``(T, 174)`` float32 at ``fps``."""

    values: np.ndarray
    fps: float = DEFAULT_FPS
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.values = np.ascontiguousarray(self.values, dtype=np.float32)
        validate(self.values)
        if not (self.fps > 0 and math.isfinite(self.fps)):
            raise MedtalkError(f"frame rate must be positive, got {self.fps}")

    @property
    def num_frames(self) -> int:
        return self.values.shape[0]

    @property
    def duration(self) -> float:
        return self.num_frames / self.fps

    def __getitem__(self, name: str) -> np.ndarray:
        """The ``(T,)`` curve of one control by name."""
        return self.values[:, index(name)]

    def resample(self, fps: float, num_frames: int | None = None) -> RigSequence:
        """Linear resampling to another frame rate; frames = round(duration * fps)."""
        n = num_frames if num_frames is not None else max(1, round(self.duration * fps))
        return RigSequence(resample_frames(self.values, self.fps, fps, n), fps, dict(self.metadata))

    @classmethod
    def rest(cls, num_frames: int, fps: float = DEFAULT_FPS) -> RigSequence:
        return cls(np.tile(REST_POSE, (num_frames, 1)), fps)


def pseudo_intensity(values: np.ndarray) -> np.ndarray:
    """``Int(R)_t = 0.1 * sum_j |R_t[S_INT]|`` (MEDTalk's pseudo-intensity): ``(..., T, 174) -> (..., T)``."""
    return 0.1 * np.abs(values[..., S_INT]).sum(axis=-1)


def resample_frames(values: np.ndarray, fps_in: float, fps_out: float, num_frames: int) -> np.ndarray:
    """Resample ``(T, C)`` frames linearly in time to ``num_frames`` frames at ``fps_out``."""
    t_in = np.arange(values.shape[0]) / fps_in
    t_out = np.arange(num_frames) / fps_out
    out = np.empty((num_frames, values.shape[1]), dtype=np.float32)
    for c in range(values.shape[1]):
        out[:, c] = np.interp(t_out, t_in, values[:, c])
    return out


def validate(values: np.ndarray, source: str = "rig") -> None:
    """Raise a one-line :class:`MedtalkError` unless ``values`` is a valid (T, 174) rig."""
    if values.ndim != 2 or values.shape[1] != NUM_CONTROLS:
        raise MedtalkError(f"{source}: expected {NUM_CONTROLS} controls per frame, got shape {values.shape}")
    if values.shape[0] == 0:
        raise MedtalkError(f"{source}: no frames")
    bad = ~np.isfinite(values)
    if bad.any():
        t, c = np.argwhere(bad)[0]
        raise MedtalkError(f"{source}: frame {t} control {CONTROL_NAMES[c]} is {values[t, c]}")
    low = values < RANGE_LO - RANGE_TOLERANCE
    high = values > RANGE_HI + RANGE_TOLERANCE
    if low.any() or high.any():
        t, c = np.argwhere(low | high)[0]
        raise MedtalkError(
            f"{source}: frame {t} control {CONTROL_NAMES[c]} = {values[t, c]:.4g} is outside "
            f"its range [{RANGE_LO[c]:g}, {RANGE_HI[c]:g}]"
        )


def clip_to_range(values: np.ndarray) -> np.ndarray:
    """Clamp ``(..., 174)`` values to each control's board range."""
    return np.clip(values, RANGE_LO, RANGE_HI)


__all__ = [
    "CONTROLS", "CONTROL_NAMES", "Control", "DEFAULT_FPS", "NUM_CONTROLS", "REST_POSE",
    "RigSequence", "S_ARTIC", "S_EMO", "S_INT", "S_LIP", "S_UP", "clip_to_range", "index", "indices",
    "validate",
]
