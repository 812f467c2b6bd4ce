"""Lip articulation under text or image guidance vs under the label, on held-out synthetic clips.

Run: .venv/bin/python benchmarks/guidance_lips.py [--model PATH] [--data data/synth] [--per-emotion 10]
On ``--per-emotion`` clips per emotion of the data's test split (never
trained on), with their transcripts, the model animates each clip four ways:

- **label**: the clip's emotion label;
- **text (generated)**: a description of the clip written by the training
  generator (``describe_clip``; the clip itself is unseen);
- **text (held-out)**: a line of ``docs/guidance/heldout_descriptions.txt``
  for the clip's emotion (written apart from the generator);
- **image**: a synthesised face photo of the pose the clip holds
  (``tonic_pose`` -> ``synth_landmarks`` with a random head pose, identity and
  landmark noise -> descriptor), the same path a real photo takes after MediaPipe.

Prints the mean MLE (lip controls, vs the ground truth), the same over the
articulation controls alone (``S_ARTIC``: the lip controls without the mouth
corners and lip tension, which carry the emotion) and MEE per way, the
MLE between each guided output and the label-driven one, and the correlation
over time of the mouth controls between guided and label-driven output
(Pearson per lip control that moves, averaged over controls and clips).
"""

from __future__ import annotations

import argparse
import zlib
from pathlib import Path

import numpy as np
from _common import load_measured_model

ROOT = Path(__file__).resolve().parents[1]
HELDOUT = ROOT / "docs" / "guidance" / "heldout_descriptions.txt"
MOVING = 1e-3  # std below which a lip control counts as still (no correlation to speak of)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model file (default: the installed model)")
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "synth")
    parser.add_argument("--per-emotion", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import torch

    from medtalk.data.clips import _compute, as_float, scan
    from medtalk.emotions import EMOTIONS
    from medtalk.eval.metrics import mee, mle
    from medtalk.guidance.actions import tonic_pose
    from medtalk.guidance.describe import describe_clip
    from medtalk.guidance.face_model import synth_descriptors
    from medtalk.guidance.guide import Guide, description_guide, guide_vector
    from medtalk.infer import predict, smooth, transcript_inputs
    from medtalk.rig import S_ARTIC, S_LIP

    torch.set_num_threads(1)
    model = load_measured_model(args.model)
    if not bool(model.guidance.trained):
        raise SystemExit("this model has no stage 4 (train it with --stages 4)")
    rng = np.random.default_rng(args.seed)
    heldout: dict[str, list[str]] = {}
    for line in HELDOUT.read_text(encoding="utf-8").splitlines():
        emotion, text = line.split("\t")
        heldout.setdefault(emotion, []).append(text)
    infos, _ = scan(args.data)
    tests = [i for i in infos if i.split == "test"]
    chosen = [i for e in EMOTIONS for i in sorted((i for i in tests if i.emotion == e), key=lambda i: i.id)
              [: args.per_emotion]]
    ways = ("label", "text (generated)", "text (held-out)", "image")
    columns = ("MLE", "artic.", "MEE", "MLE vs label", "corr")
    scores: dict[str, dict[str, list[float]]] = {w: {k: [] for k in columns} for w in ways}
    for n, info in enumerate(chosen):
        arrays = _compute(info)
        rig, curve = arrays["rig"].astype(np.float32), arrays.get("intensity")
        wave = as_float(arrays["samples"])
        cached = arrays["tokens"].astype(np.float32) if "tokens" in arrays else None
        text = transcript_inputs(model, wave, info.text, cached)
        clip_rng = np.random.default_rng(zlib.crc32(info.id.encode()) + args.seed)
        level = curve if curve is not None else np.full(len(rig), 0.5)
        guides = {
            "label": Guide("label", info.emotion),
            "text (generated)": description_guide(describe_clip(rig, info.emotion, level, clip_rng)),
            "text (held-out)": description_guide(heldout[info.emotion][n % len(heldout[info.emotion])]),
        }
        vectors = {w: guide_vector(model, g) for w, g in guides.items()}
        descriptor = torch.from_numpy(synth_descriptors(tonic_pose(rig)[None], rng))
        with torch.no_grad():
            vectors["image"] = model.guidance.image(descriptor)[0]
        outputs = {}
        for way in ways:
            values, _ = predict(model, wave, 0, text, guidance=vectors[way])
            outputs[way] = smooth(values)[: len(rig)]
        frames = min(len(rig), *(len(v) for v in outputs.values()))
        gt, label = rig[:frames], outputs["label"][:frames]
        moving = [c for c in S_LIP if label[:, c].std() > MOVING]
        for way in ways:
            out = outputs[way][:frames]
            scores[way]["MLE"].append(mle(out, gt))
            scores[way]["artic."].append(float(np.abs(out[:, S_ARTIC] - gt[:, S_ARTIC]).mean()))
            scores[way]["MEE"].append(mee(out, gt))
            scores[way]["MLE vs label"].append(mle(out, label))
            scores[way]["corr"].append(float(np.mean([np.corrcoef(out[:, c], label[:, c])[0, 1] for c in moving
                                                      if out[:, c].std() > MOVING] or [np.nan])))
    print(f"{len(chosen)} test clips ({args.per_emotion} per emotion) of {args.data}")
    print(f"{'guidance':18s} {'MLE':>8s} {'artic.':>8s} {'MEE':>8s} {'MLE vs label':>13s} "
          f"{'mouth corr. with label':>23s}")
    for way in ways:
        s = {k: np.nanmean(v) for k, v in scores[way].items()}
        print(f"{way:18s} {s['MLE']:8.4f} {s['artic.']:8.4f} {s['MEE']:8.4f} {s['MLE vs label']:13.4f} "
              f"{s['corr']:23.3f}")


if __name__ == "__main__":
    main()
