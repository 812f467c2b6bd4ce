"""Lip-sync on a captured clip: how a method's jaw follows an actor's (evaluation only).

The EmoFace capture (Mandarin, angry, 60 fps rig solved from video) is real
speech with a real face: the jaw-open control is the clearest lip-sync signal
in it. ``emoface_jaw`` returns the correlation and L1 of the predicted jaw-open
curve against the actor's, the mean correlation over the lip controls that
move, and the floor an energy envelope of the audio reaches.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from medtalk.audio import load_audio
from medtalk.features import FEATURE_RATE, SILENT_DB, loudness_db
from medtalk.rig import DEFAULT_FPS, S_LIP, index, read_rig

EMOFACE_CLIP = "emoface_angry_gd04_001_021"  # in ../shared/reference/real (.wav, .txt)
JAW = index("CTRL_C_jaw-translateY")
MOVING_STD = 0.02  # lip controls that move less than this in the capture carry no signal
PAUSE_DB = SILENT_DB  # frames this far below a loud frame are silent
MIN_PAUSE_S = 0.25  # shorter silences are gaps within speech, not pauses
PAUSE_EDGE_S = 0.1  # each pause's ends are left out (the mouth is allowed to get there)
Animate = Callable[[np.ndarray, str], np.ndarray]  # (16 kHz wave, emotion) -> (T, 174) at 60 fps


def frame_db(wave: np.ndarray, frames: int, fps: float = DEFAULT_FPS) -> np.ndarray:
    """Frame energy in dB relative to a loud frame (95th percentile), at the rig rate: ``(frames,)``."""
    db = loudness_db(wave)
    return np.interp(np.arange(frames) / fps, np.arange(len(db)) / FEATURE_RATE, db)


def pause_frames(db: np.ndarray, fps: float = DEFAULT_FPS) -> np.ndarray:
    """The frames in pauses of a ``frame_db`` curve: silent stretches of at least ``MIN_PAUSE_S``,
    ``(frames,)`` bool.

    ``PAUSE_EDGE_S`` is left out at each end of a pause, except at the ends of
    the clip, where the mouth has nothing to get there from.
    """
    quiet = np.append(db < PAUSE_DB, False)
    edges = np.flatnonzero(np.diff(np.concatenate([[False], quiet]).astype(np.int8)))
    pause = np.zeros(len(db), dtype=bool)
    edge = round(PAUSE_EDGE_S * fps)
    for start, stop in zip(edges[::2], edges[1::2]):
        if stop - start >= MIN_PAUSE_S * fps:
            pause[start + edge if start > 0 else 0 : stop - edge if stop < len(db) else stop] = True
    return pause


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of two curves, 0.0 when the first does not move."""
    return float(np.corrcoef(a, b)[0, 1]) if a.std() > 0 else 0.0


def load_capture(folder: Path, clip: str = EMOFACE_CLIP) -> tuple[np.ndarray, np.ndarray]:
    """``(wave (N,), rig (T, 174))`` of a captured clip."""
    return load_audio(folder / f"{clip}.wav"), read_rig(folder / f"{clip}.txt").values


def emoface_jaw(animate: Animate, folder: Path, emotion: str = "angry") -> dict[str, float]:
    """Jaw-open correlation (over the clip, and over its speech frames, ``frame_db`` at least
    ``PAUSE_DB``) and L1 against the capture, lip correlation, energy floor."""
    wave, truth = load_capture(folder)
    pred = animate(wave, emotion)
    n = min(len(truth), len(pred))
    pred, truth = pred[:n], truth[:n]
    speech = frame_db(wave, n) >= PAUSE_DB
    moving = [j for j in S_LIP if truth[:, j].std() > MOVING_STD and pred[:, j].std() > 1e-4]
    lips = float(np.mean([np.corrcoef(pred[:, j], truth[:, j])[0, 1] for j in moving])) if moving else float("nan")
    return {
        "frames": n,
        "jaw_corr": _corr(pred[:, JAW], truth[:, JAW]),
        "jaw_corr_speech": _corr(pred[speech, JAW], truth[speech, JAW]),
        "jaw_l1": float(np.abs(pred[:, JAW] - truth[:, JAW]).mean()),
        "lip_corr": lips,
        "energy_corr": float(np.corrcoef(frame_db(wave, n), truth[:, JAW])[0, 1]),
    }
