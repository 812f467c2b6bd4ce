"""Animation speed of MEDTalk and the baselines, as ``medtalk eval`` runs them (one thread).

Run: .venv/bin/python benchmarks/eval_speed.py
Prints seconds of CPU per second of speech (real-time factor) for the default
sizes of MEDTalk, the FaceFormer-style baseline (autoregressive: one decoder
pass per 30 fps frame) and the end-to-end baseline, and for the performer
driven by forced alignment (pocketsphinx + rendering), on a 4 s sentence.
Weights are untrained: speed does not depend on them.
"""

from __future__ import annotations

import torch
from _common import best_of

from medtalk.audio import SAMPLE_RATE
from medtalk.eval.performer import animate_aligned
from medtalk.eval.report import animate_wave
from medtalk.model.archs import get_arch
from medtalk.synth.performer import perform

TEXT = "We will go to the market in the morning and buy fresh bread for everyone."


def main() -> None:
    torch.set_num_threads(1)
    take = perform(TEXT, "happy", seed=0)
    wave = take.utterance.audio
    seconds = len(wave) / SAMPLE_RATE
    print(f"{seconds:.2f} s of speech, one thread; real-time factor (CPU s per s of speech, best of 3):")
    for name in ("medtalk", "faceformer", "endtoend"):
        arch = get_arch(name)
        model = arch.build(arch.preset("default")).eval()
        params = sum(p.numel() for p in model.parameters())
        cost = best_of(3, lambda: animate_wave(model, wave, "happy"))
        print(f"   {name:12} {params / 1e6:5.2f} M parameters   {cost / seconds:.3f}")
    cost = best_of(3, lambda: animate_aligned(wave, TEXT, "happy"))
    print(f"   {'performer':12} (alignment + rendering)   {cost / seconds:.3f}")


if __name__ == "__main__":
    main()
