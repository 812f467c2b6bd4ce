"""Lip-sync of a model on freshly synthesised speech, per voice engine.

Run: .venv/bin/python benchmarks/synthetic_lips.py [--model PATH] [--voices en-us+m3,flite:kal16,flite:slt]
For 16 new corpus sentences per voice (neutral), prints the jaw-open
correlation with the performer's own rig and the mean lipsTogether at the
centres of p/b/m (the performer seals the lips there at ~0.55).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from _common import load_measured_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    parser.add_argument("--voices", default="en-us+m3,flite:kal16,flite:slt")
    parser.add_argument("--sentences", type=int, default=16)
    args = parser.parse_args()
    import torch

    import medtalk
    from medtalk.eval.real import JAW
    from medtalk.rig import indices
    from medtalk.synth import visemes
    from medtalk.synth.corpus import english_sentences
    from medtalk.synth.performer import perform

    torch.set_num_threads(1)
    together = indices("lipsTogether")
    model = load_measured_model(args.model)
    sentences = english_sentences(args.sentences, 7)  # seed 7: not the dataset's sentences
    for voice in args.voices.split(","):
        corr, closed, truth = [], [], []
        for seed, text in enumerate(sentences):
            perf = perform(text, "neutral", voice=voice, seed=seed)
            pred = medtalk.animate(perf.utterance.audio, "neutral", model=model).values
            n = min(len(pred), perf.rig.num_frames)
            corr.append(np.corrcoef(pred[:n, JAW], perf.rig.values[:n, JAW])[0, 1])
            for phone in perf.utterance.phones:
                if visemes.classify(phone.symbol) == ("bilabial",):
                    frame = min(n - 1, round((phone.start + phone.end) / 2 * 60))
                    closed.append(pred[frame, together].mean())
                    truth.append(perf.rig.values[frame, together].mean())
        print(f"{voice:14} jaw-open correlation {np.mean(corr):.3f}; lipsTogether at p/b/m {np.mean(closed):.3f} "
              f"(performer {np.mean(truth):.3f}; above 0.3 in {np.mean(np.array(closed) > 0.3):.0%})")


if __name__ == "__main__":
    main()
