"""How much of a loaded-word rise in ``I_t`` reaches the face: the model's own ``I_t`` against the performer's.

Run: .venv/bin/python benchmarks/intensity_oracle.py [--model PATH] [--data data/synth] [--clips 60]

On the English test clips with words loaded with their emotion (as
``emotion_control.py``), prints the rise of the rig's pseudo-intensity
``Int()`` inside loaded words over the other words three ways: the performed
rig; the model as it runs (its CMF's ``I_t``, with the transcript); and the
model with its CMF replaced by the performer's own intensity curve, rescaled
to the mean of the model's ``I_t`` (its scale is the model's own). The last
is what a perfect intensity block would give through ``E_fuse`` and ``D``.
"""

from __future__ import annotations

import argparse
import types
from pathlib import Path

import numpy as np
from _common import load_measured_model
from emotion_control import loaded_ratio, loaded_word_clips


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    parser.add_argument("--data", type=Path, default=Path("data/synth"), help="synthetic dataset (test split)")
    parser.add_argument("--clips", type=int, default=60, help="test clips at most")
    args = parser.parse_args()
    import torch

    from medtalk.data.clips import as_float, read_samples
    from medtalk.emotions import EMOTIONS
    from medtalk.infer import predict, smooth, transcript_inputs
    from medtalk.rig import pseudo_intensity, read_rig

    torch.set_num_threads(2)
    model = load_measured_model(args.model)
    clips = loaded_word_clips(args.data, args.clips)
    rises: dict[str, list[float]] = {"performed rig": [], "model": [], "model with the performer's curve": []}
    for meta, loaded in clips:
        wave = as_float(read_samples(args.data / "WAV" / f"{meta['id']}.wav"))
        label = EMOTIONS.index(meta["emotion"])
        text = transcript_inputs(model, wave, meta["text"])
        rig, own = predict(model, wave, label, text)
        truth = np.asarray(meta["intensity"], dtype=np.float32)
        curve = torch.from_numpy(truth * (own.mean() / max(float(truth.mean()), 1e-6)))

        def performed(self, prosody, mel, num_frames, *rest, **named):  # the CMF's output, replaced
            return torch.nn.functional.interpolate(curve[None, None], size=num_frames, mode="linear")[0]

        model.intensity = types.MethodType(performed, model)
        oracle, _ = predict(model, wave, label, text)
        del model.intensity  # back to the class's method
        target = read_rig(args.data / "VALID_CTR" / f"{meta['id']}.txt").values
        for name, values in zip(rises, (target, smooth(rig), smooth(oracle))):
            rises[name].append(loaded_ratio(pseudo_intensity(values), meta["words"], loaded))
    print(f"rise of Int() inside loaded words over the other words ({len(clips)} English test clips):")
    for name, values in rises.items():
        print(f"   {name:34} {100 * (np.mean(values) - 1):+.1f} %")


if __name__ == "__main__":
    main()
