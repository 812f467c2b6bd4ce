"""Small deterministic rigs and the golden-file check shared by the export tests."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from medtalk.rig import REST_POSE, RigSequence, clip_to_range, index

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("MEDTALK_UPDATE_GOLDEN") == "1"  # rewrite golden files instead of comparing

# frame -> {control: value}; covers splits, phases, eyes, sums, clamping and a setting
_GOLDEN_FRAMES = [
    {},
    {"CTRL_L_eye_blink.ty": 1.0, "CTRL_R_eye_blink.ty": -0.5, "CTRL_C_jaw.ty": 0.4,
     "CTRL_L_mouth_lipsTogetherU.ty": 0.8, "CTRL_R_mouth_lipsTogetherU.ty": 0.8,
     "CTRL_L_mouth_lipsTogetherD.ty": 0.8, "CTRL_R_mouth_lipsTogetherD.ty": 0.8,
     "CTRL_C_eye.tx": 0.3, "CTRL_L_eye.tx": 0.2, "CTRL_C_mouth.tx": -0.6, "CTRL_C_tongue_inOut.ty": -0.5,
     "CTRL_L_mouth_lipSticky.ty": 0.5, "CTRL_C_neck_swallow.ty": 0.3},
    {"CTRL_L_mouth_cornerPull.ty": 0.9, "CTRL_R_mouth_cornerPull.ty": 0.7, "CTRL_L_brow_raiseIn.ty": 0.6,
     "CTRL_R_brow_raiseIn.ty": 0.2, "CTRL_C_jaw.tx": -0.3, "CTRL_L_nose.ty": 0.5,
     "CTRL_L_mouth_suckBlow.ty": 0.8, "CTRL_R_mouth_pressU.ty": 1.0, "CTRL_R_mouth_pressD.ty": 0.5,
     "CTRL_C_eye.ty": -0.4},
    {"CTRL_L_eye_blink.ty": 1.04, "CTRL_C_jaw.ty": -0.02, "CTRL_lookAtSwitch.ty": 1.0},
]


def golden_rig() -> RigSequence:
    """Four frames at 60 fps exercising the mapping rules."""
    values = np.tile(REST_POSE, (len(_GOLDEN_FRAMES), 1))
    for t, frame in enumerate(_GOLDEN_FRAMES):
        for name, value in frame.items():
            values[t, index(name)] = value
    return RigSequence(values, 60.0)


def random_rig(num_frames: int, seed: int = 0, fps: float = 60.0) -> RigSequence:
    """A seeded rig with every channel moving within its range."""
    rng = np.random.default_rng(seed)
    values = np.tile(REST_POSE, (num_frames, 1)) + rng.uniform(-0.5, 0.5, size=(num_frames, len(REST_POSE)))
    return RigSequence(clip_to_range(values.astype(np.float32)), fps)


def assert_golden(name: str, text: str) -> None:
    """``text`` equals ``tests/golden/<name>`` (set MEDTALK_UPDATE_GOLDEN=1 to rewrite it)."""
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert path.is_file(), f"missing golden file {path} (run with MEDTALK_UPDATE_GOLDEN=1)"
    expected = path.read_text()
    if text != expected:
        got, want = text.splitlines(), expected.splitlines()
        line = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        raise AssertionError(f"{name} differs from the golden file at line {line + 1}")
