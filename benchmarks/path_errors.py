"""Where a MEDTalk model's error comes from: each path with the other given its true code.

Run: .venv/bin/python benchmarks/path_errors.py [--model PATH] [--data data/synth] [--language en] [--cache DIR]
Prints MLE, MEE, EIE and FRD on the held-out test split of four decodings by
the frozen ``D``: the full model ``D(E_fuse(f_t), ACM(A))``; the content path
alone ``D(E_e(R), ACM(A))`` (the emotion code of the true rig); the emotion
path alone ``D(E_fuse(f_t), E_c(R))`` (the content code of the true rig); and
stage 1's reconstruction ``D(E_e(R), E_c(R))``, the ceiling of the space.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from medtalk.eval.report import METRICS, score, summarise
from medtalk.features import log_mel, power_spectrogram, prosody
from medtalk.infer import smooth
from medtalk.data.clips import as_float

from _common import load_measured_model


@torch.no_grad()
def decodings(model, clip) -> dict[str, np.ndarray]:
    wave = as_float(clip.samples)
    power = power_spectrogram(wave)
    mel = torch.from_numpy(log_mel(power=power))[None]
    pros = torch.from_numpy(prosody(wave, power=power))[None]
    rig = torch.from_numpy(clip.rig)[None]
    n = rig.shape[1]
    tokens = None if clip.tokens is None else torch.from_numpy(clip.tokens)[None]
    net = model.disentangle
    content = model.content(mel, n)
    f = model.fim.label(torch.tensor([clip.emotion_id]))
    emotion = model.fim.emotion_latent(f, model.intensity(pros, mel, n, tokens, None, None, f))
    true_content, true_emotion = net.encode_content(rig), net.encode_emotion(rig)
    out = {
        "full model": net.decode(emotion, content),
        "content path (true emotion code)": net.decode(true_emotion, content),
        "emotion path (true content code)": net.decode(emotion, true_content),
        "stage 1 (both codes true)": net.decode(true_emotion, true_content),
    }
    return {k: smooth(v[0].numpy()) for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    parser.add_argument("--data", type=Path, default=Path("data/synth"))
    parser.add_argument("--language", help="only this META language")
    parser.add_argument("--cache", type=Path, default=Path("runs/default/cache"))
    args = parser.parse_args()
    from medtalk.eval.methods import eval_clips

    torch.set_num_threads(1)
    model = load_measured_model(args.model).eval()
    clips, chosen = eval_clips(args.data, args.cache, "test", args.language)
    rows: dict[str, list] = {}
    for clip in clips:
        for name, values in decodings(model, clip).items():
            rows.setdefault(name, []).append(score(values, clip.rig))
    print(f"{chosen} of {args.data}:{' ' * 22}" + "".join(f"{k:>9}" for k in METRICS))
    for name, scores in rows.items():
        s = summarise(scores)
        print(f"   {name:40}" + "".join(f"{s[k]:>9.4f}" for k in METRICS))


if __name__ == "__main__":
    main()
