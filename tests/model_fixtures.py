"""Shared, session-cached fixtures for the model tests: a tiny EmoFace folder and a tiny trained model.

The folder is hand-made so the tests do not depend on the synthetic generator:
"speech" is a buzz whose loudness follows a random syllable envelope and the
rig's jaw follows the same envelope, so there is something real to learn.
Builders are idempotent on disk, so importing the fixtures into several test
modules still builds each thing once per session.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from medtalk.audio import SAMPLE_RATE, write_wav
from medtalk.emotions import EMOTIONS
from medtalk.infer import _runs  # runs of True: the syllables, said as an open vowel
from medtalk.rig import REST_POSE, RigSequence, index, write_rig

FPS = 60
JAW = index("CTRL_C_jaw-translateY")
BROW = index("CTRL_L_brow_raiseIn-translateY")


def _envelope(rng: np.random.Generator, frames: int) -> np.ndarray:
    """Syllable-like 0..1 openings: ``(frames,)``."""
    env = np.zeros(frames, dtype=np.float32)
    t = int(rng.integers(10, 20))
    while t < frames - 20:
        length = int(rng.integers(8, 18))
        env[t : t + length] = np.sin(np.linspace(0, np.pi, length)) * rng.uniform(0.4, 1.0)
        t += length + int(rng.integers(2, 12))
    return env


def write_emoface(root: Path, sentences: int = 6, seed: int = 0) -> Path:
    """``sentences`` x 7 emotions of buzz speech with matching rigs, META, ALIGNED_CTR, splits."""
    rng = np.random.default_rng(seed)
    for sub in ("WAV", "VALID_CTR", "META", "ALIGNED_CTR"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    splits: dict[str, list[str]] = {"train": [], "val": [], "test": []}
    for s in range(sentences):
        frames = int(rng.integers(120, 200))
        env = _envelope(rng, frames)
        sentence = f"s{s:03d}"
        (root / "ALIGNED_CTR" / sentence).mkdir(exist_ok=True)
        split = "test" if s == sentences - 1 else "val" if s == sentences - 2 else "train"
        for e, emotion in enumerate(EMOTIONS):
            values = np.tile(REST_POSE, (frames, 1))
            values[:, JAW] = 0.5 * env
            values[:, BROW] = e / len(EMOTIONS)
            write_rig(RigSequence(values, FPS), root / "ALIGNED_CTR" / sentence / f"{emotion}.txt")
            clip = f"{sentence}_{emotion}"
            write_rig(RigSequence(values, FPS), root / "VALID_CTR" / f"{clip}.txt")
            n = round(frames / FPS * SAMPLE_RATE)
            t = np.arange(n) / SAMPLE_RATE
            loud = np.interp(t, np.arange(frames) / FPS, env)
            buzz = np.sign(np.sin(2 * np.pi * (110 + 20 * e) * t)) * 0.3 + 0.05 * rng.standard_normal(n)
            write_wav(root / "WAV" / f"{clip}.wav", (buzz * loud).astype(np.float32))
            text = f"sentence number {s} said in a {emotion} way"
            edges = np.linspace(0.1, frames / FPS - 0.1, len(text.split()) + 1)
            meta = {"text": text, "emotion": emotion, "sentence_id": sentence, "fps": FPS, "split": split,
                    "words": [{"start": a, "end": b - 0.02} for a, b in zip(edges[:-1], edges[1:])],
                    "intensity": np.round(0.2 + 0.6 * env, 4).tolist(),  # follows the jaw, to check alignment
                    "phonemes": [{"phoneme": "a", "start": a / FPS, "end": b / FPS} for a, b in _runs(env > 1e-6)]}
            (root / "META" / f"{clip}.json").write_text(json.dumps(meta))
            splits[split].append(clip)
    (root / "splits.json").write_text(json.dumps(splits))
    return root


@pytest.fixture(scope="session")
def tiny_emoface(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.getbasetemp() / "tiny_emoface"
    if not (root / "splits.json").is_file():
        write_emoface(root)
    return root


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory: pytest.TempPathFactory, tiny_emoface: Path) -> Path:
    """A run folder with the tiny preset trained through every stage (about a minute)."""
    from medtalk.train.loop import TrainOptions, train

    run = tmp_path_factory.getbasetemp() / "tiny_run"
    if not (run / "model.pt").is_file():
        train(TrainOptions(tiny_emoface, run, preset="tiny", epochs_scale=0.5, progress=False, threads=1))
    return run


@pytest.fixture(scope="session")
def model_path(tiny_run: Path) -> Path:
    """The tiny trained model file."""
    return tiny_run / "model.pt"


@pytest.fixture(scope="session")
def speech(tiny_emoface: Path) -> Path:
    """One speech-like clip of the tiny EmoFace folder."""
    return sorted((tiny_emoface / "WAV").glob("*.wav"))[0]


@pytest.fixture(scope="session")
def model(model_path: Path):
    """The tiny trained model, loaded (the live tests share it)."""
    from medtalk.infer import load_model

    return load_model(model_path)


@pytest.fixture(scope="session")
def wave(speech: Path) -> np.ndarray:
    """The samples of ``speech``, 16 kHz."""
    from medtalk.audio import load_audio

    return load_audio(speech)
