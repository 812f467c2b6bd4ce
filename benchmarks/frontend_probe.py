"""Which frozen features carry lip shapes from synthetic to real speech: a linear probe.

Run: .venv/bin/python benchmarks/frontend_probe.py DATA [--clips 1000] [--features log_mel tiny.en:4 base:6 ...]

For each feature set (``log_mel``, or ``MODEL:LAYER`` of a Whisper encoder
run on the whole clip, MODEL an installed name or a CTranslate2 folder), a
ridge regression from the frames (+-``CONTEXT`` frames stacked, at 50/s) to
the rig's lip aperture (jaw-open plus lower-lip depression) and rounding
(purse, funnel, towards) is fitted on synthetic clips of DATA (a
``medtalk synth dataset`` folder), then scored on real English speech never
trained on: the LibriVox readings of pocketsphinx-testdata and jfk.flac,
phones placed by forced alignment. Per phone segment, as
``benchmarks/real_speech.py`` scores a model:
- place AUC: the minimum aperture is lower at m/b/p than at t/d/n/k/g;
- rounding AUC: the maximum rounding is higher at uw/ow/w/ao than at iy/ae/eh/ih.
Prints one line per feature set with both AUCs and the encoder's cost.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from _common import JFK, JFK_TEXT

from medtalk.audio import SAMPLE_RATE, load_audio
from medtalk.data.clips import as_float, read_samples
from medtalk.rig import index, indices, read_rig, resample_frames

RATE = 50.0  # frames/s of every feature set (log-mel is pooled to it)
CONTEXT = 4  # frames either side stacked into each probe input
RIDGE = 10.0
LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")
JAW = index("CTRL_C_jaw-translateY")
LOWER_LIP = indices("lowerLipDepress")
ROUNDING = indices("purse", "funnel", "towardsU", "towardsD")
CLOSED, OPEN = {"M", "B", "P"}, {"T", "D", "N", "K", "G"}
ROUND, SPREAD = {"UW", "OW", "W", "AO"}, {"IY", "AE", "EH", "IH"}


def targets(rig: np.ndarray, fps: float, frames: int) -> np.ndarray:
    """``(T_rig, 174)`` -> ``(frames, 2)``: aperture and rounding at ``RATE``."""
    y = np.stack([rig[:, JAW] + rig[:, LOWER_LIP].mean(1), rig[:, ROUNDING].mean(1)], 1)
    return resample_frames(y, fps, RATE, frames).astype(np.float32)


def featurizer(spec: str):
    """``(N,)`` samples -> ``(T, F)`` at ``RATE`` for one feature spec."""
    if spec == "log_mel":
        from medtalk.features import log_mel

        return lambda wave: _pool(log_mel(wave), 2)
    from medtalk.model.whisper import WhisperFeatures
    from medtalk.whisper.models import model_dir

    name, layer = spec.rsplit(":", 1)
    frontend = WhisperFeatures(model_dir(name), int(layer))
    return lambda wave: frontend(torch.from_numpy(wave.astype(np.float32))[None])[0].numpy()


def _pool(x: np.ndarray, k: int) -> np.ndarray:
    x = x[: len(x) // k * k] if len(x) >= k else x
    return x.reshape(-1, k, x.shape[1]).mean(1) if len(x) >= k else x


def stacked(x: np.ndarray) -> np.ndarray:
    """``(T, F) -> (T, (2 CONTEXT + 1) F)``: each frame with its neighbours (edges repeated)."""
    idx = np.clip(np.arange(len(x))[:, None] + np.arange(-CONTEXT, CONTEXT + 1)[None], 0, len(x) - 1)
    return x[idx].reshape(len(x), -1)


def real_clips() -> list[tuple[np.ndarray, str]]:
    lines = (LIBRIVOX / "transcription").read_text().splitlines()
    clips = []
    for line in lines:
        text, name = line.replace("<s>", "").replace("</s>", "").rsplit("(", 1)
        clips.append((load_audio(LIBRIVOX / f"{name.strip(') ')}.wav"), text.strip()))
    if JFK.is_file():
        clips.append((load_audio(JFK), JFK_TEXT))
    return clips


def auc(positive: list[float], negative: list[float]) -> float:
    """P(a positive scores above a negative), ties half."""
    p, n = np.asarray(positive)[:, None], np.asarray(negative)[None, :]
    return float((p > n).mean() + 0.5 * (p == n).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--clips", type=int, default=1000, help="synthetic training clips (default 1000)")
    parser.add_argument("--features", nargs="+", default=["log_mel", "tiny.en:2", "tiny.en:3", "tiny.en:4",
                                                          "base:3", "base:4", "base:5", "base:6"])
    args = parser.parse_args()
    torch.set_num_threads(2)
    from medtalk.asr import align

    metas = sorted((args.data / "META").glob("*.json"))[: args.clips]
    train = []
    for meta in metas:
        info = json.loads(meta.read_text())
        rig = read_rig(args.data / "VALID_CTR" / f"{meta.stem}.txt").values
        train.append((as_float(read_samples(args.data / "WAV" / f"{meta.stem}.wav")), rig, float(info.get("fps", 60.0))))
    real = [(wave, align(wave, text)[1]) for wave, text in real_clips()]
    print(f"{len(train)} synthetic clips from {args.data}; {len(real)} real clips "
          f"({sum(len(w) for w, _ in real) / SAMPLE_RATE:.0f} s)")
    for spec in args.features:
        features = featurizer(spec)
        start, seconds = time.perf_counter(), 0.0
        xs, ys = [], []
        for wave, rig, fps in train:
            x = features(wave)
            xs.append(stacked(x))
            ys.append(targets(rig, fps, len(x)))
            seconds += len(wave) / SAMPLE_RATE
        cost = (time.perf_counter() - start) / seconds
        x, y = np.concatenate(xs), np.concatenate(ys)
        mean, std = x.mean(0), x.std(0) + 1e-6
        x = (x - mean) / std
        w = np.linalg.solve(x.T @ x + RIDGE * len(x) / 1000 * np.eye(x.shape[1]), x.T @ (y - y.mean(0)))
        scores = {"closed": [], "open": [], "round": [], "spread": []}
        for wave, phones in real:
            pred = ((stacked(features(wave)) - mean) / std) @ w
            for p in phones:
                a, b = int(p.start * RATE), max(int(p.end * RATE), int(p.start * RATE) + 1)
                seg = pred[a:b]
                if not len(seg):
                    continue
                for group, members, value in (("closed", CLOSED, seg[:, 0].min()), ("open", OPEN, seg[:, 0].min()),
                                              ("round", ROUND, seg[:, 1].max()), ("spread", SPREAD, seg[:, 1].max())):
                    if p.symbol in members:
                        scores[group].append(float(value))
        place = auc([-v for v in scores["closed"]], [-v for v in scores["open"]])
        rounding = auc(scores["round"], scores["spread"])
        print(f"{spec:>10}: place AUC {place:.3f}, rounding AUC {rounding:.3f} "
              f"({len(scores['closed'])}/{len(scores['open'])}, {len(scores['round'])}/{len(scores['spread'])} "
              f"segments); features {1 / cost:.0f}x real time", flush=True)


if __name__ == "__main__":
    main()
