"""The paper's metrics of a model on the held-out synthetic test split.

Run: .venv/bin/python benchmarks/model_metrics.py [--model PATH] [--data data/synth] [--split test] [--cache DIR]
Prints MLE, MEE, EIE and FRD (SPEC section 1, ``medtalk.eval``) of the model,
animated exactly as ``medtalk animate`` does with each clip's label and
transcript, per language and overall, next to two references: the training
set's mean pose held still, and the model without the transcript.
The test split holds sentences and voices that training never saw.
(``medtalk eval MODEL DATA`` gives the same figures for any model file.)
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from medtalk.eval.report import METRICS, evaluate, model_method

from _common import load_measured_model


def _row(name: str, summary: dict) -> str:
    return f"   {name:28}" + "".join(f"{summary[k]:>10.5f}" for k in METRICS) + f"{summary['clips']:>7}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    parser.add_argument("--data", type=Path, default=Path("data/synth"))
    parser.add_argument("--split", default="test")
    parser.add_argument("--cache", type=Path, default=Path("runs/default/cache"),
                        help="feature cache (default: the one `make model` filled)")
    args = parser.parse_args()
    import torch

    from medtalk.eval.methods import eval_clips

    torch.set_num_threads(1)
    model = load_measured_model(args.model)
    clips, chosen = eval_clips(args.data, args.cache, args.split)
    train, _ = eval_clips(args.data, args.cache, "train", progress=False)
    mean_pose = np.concatenate([c.rig for c in train]).mean(axis=0)
    reports = {
        "model": evaluate(model_method(model), clips, True),
        "model, no transcript": evaluate(model_method(model, text=False), clips, True),
        "mean pose (reference)": evaluate(lambda clip: np.tile(mean_pose, (len(clip.rig), 1)), clips),
    }
    print(f"{chosen} of {args.data}: {' ' * 14}" + "".join(f"{k:>10}" for k in METRICS) + "  clips")
    for name, report in reports.items():
        print(_row(name, report["overall"]))
    for language, summary in reports["model"]["languages"].items():
        print(_row(f"model, {language}", summary))


if __name__ == "__main__":
    main()
