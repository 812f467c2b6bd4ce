"""The paper's metrics of a model on the held-out synthetic test split.

Run: .venv/bin/python benchmarks/model_metrics.py [--model PATH] [--data data/synth] [--split test] [--cache DIR]
Prints MLE, MEE, EIE and FRD (SPEC section 1, ``medtalk.eval.metrics``) of the
model, animated exactly as ``medtalk animate`` does with each clip's label and
transcript, per language and overall, next to two references: the training
set's mean pose held still, and the model without the transcript.
The test split holds sentences and voices that training never saw.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from medtalk.eval.metrics import all_metrics

KEYS = ("MLE", "MEE", "EIE", "FRD")


def _row(name: str, rows: list[dict[str, float]]) -> str:
    return f"   {name:28}" + "".join(f"{np.mean([r[k] for r in rows]):>10.5f}" for k in KEYS) + f"{len(rows):>7}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    parser.add_argument("--data", type=Path, default=Path("data/synth"))
    parser.add_argument("--split", default="test")
    parser.add_argument("--cache", type=Path, default=Path("runs/default/cache"),
                        help="feature cache (default: the one `make model` filled)")
    args = parser.parse_args()
    import torch

    import medtalk
    from medtalk.infer import predict, smooth
    from medtalk.train.data import load_dataset

    torch.set_num_threads(1)
    model = medtalk.load_model(args.model)
    data = load_dataset(args.data, args.cache, progress=True)
    mean_pose = np.concatenate([c.rig for c in data.clips["train"]]).mean(axis=0)
    languages = {}
    for path in (args.data / "META").glob("*.json"):
        languages[path.stem] = json.loads(path.read_text()).get("language", "?")
    results: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for clip in data.clips[args.split]:
        truth = clip.rig
        wave = clip.samples.astype(np.float32) / 32768.0
        for name, tokens in (("model", clip.tokens), ("model, no transcript", None)):
            pred = smooth(predict(model, wave, clip.emotion_id, tokens)[0])
            n = min(len(pred), len(truth))
            scores = all_metrics(pred[:n], truth[:n])
            results[name]["all"].append(scores)
            results[name][languages.get(clip.info.id, "?")].append(scores)
        results["mean pose (reference)"]["all"].append(all_metrics(np.tile(mean_pose, (len(truth), 1)), truth))
    print(f"{args.split} split of {args.data}: {' ' * 14}" + "".join(f"{k:>10}" for k in KEYS) + "  clips")
    for name, groups in results.items():
        print(_row(name, groups["all"]))
    for language, rows in sorted(results["model"].items()):
        if language != "all":
            print(_row(f"model, {language}", rows))


if __name__ == "__main__":
    main()
