"""How the emotion label and the transcript steer a model.

Run: .venv/bin/python benchmarks/emotion_control.py [--model PATH] [--data data/synth] [--clips 60]
     [--figure docs/img/loaded_words.png]
Prints
1. FACS check on real speech (jfk.flac and the EmoFace clip): per label, the
   mean change against ``neutral`` of the upper-face and mouth-corner controls
   that define each expression, and whether the label's signature holds;
2. label invariance of the lips: mean L1 of the articulation controls
   (``S_ARTIC``: ``S_LIP`` without the expressive mouth controls of ``S_EMO``) between the
   same audio under two labels, against between two different sentences;
3. intensity on emotionally loaded words (synthetic test clips of English
   sentences with words the lexicon loads with the clip's emotion, with their
   word timing): the
   predicted intensity inside loaded words over inside the other words, with
   and without the transcript, next to the ground truth's ratio, and the
   correlation of the predicted per-frame intensity with the true curve. The
   model's ``I_t`` has a scale and offset of its own (``E_fuse`` reads it), so
   the same ratio is also given for what a viewer sees: the pseudo-intensity
   ``Int()`` of the animated rig against that of the performed one.
   ``--figure`` plots the curves of the first three clips, loaded words shaded.
"""

from __future__ import annotations

import argparse
import json
from itertools import combinations
from pathlib import Path

import numpy as np
from _common import REAL, load_measured_model

from medtalk.audio import load_audio
from medtalk.emotions import EMOTIONS
from medtalk.rig import S_ARTIC, index

CLIPS = (REAL / "jfk.flac", REAL / "emoface_angry_gd04_001_021.wav")
FPS = 60


def _both(name: str) -> list[int]:
    return [index(f"CTRL_{side}_{name}-translateY") for side in "LR"]


# (name shown, columns, sign): the expression signature of each label (SPEC section 3)
SIGNATURES: dict[str, list[tuple[str, list[int], float]]] = {
    "happy": [("cheekRaise", _both("eye_cheekRaise"), 1), ("cornerPull", _both("mouth_cornerPull"), 1)],
    "sad": [("browRaiseIn", _both("brow_raiseIn"), 1), ("cornerDepress", _both("mouth_cornerDepress"), 1)],
    "angry": [("browDown", _both("brow_down"), 1), ("squintInner", _both("eye_squintInner"), 1)],
    "surprised": [("browRaiseOut", _both("brow_raiseOut"), 1), ("eyelidU up", _both("eye_eyelidU"), -1)],
    "fear": [("browRaiseIn", _both("brow_raiseIn"), 1), ("stretch", _both("mouth_stretch"), 1)],
    "disgust": [("noseWrinkle", _both("nose_wrinkleUpper") + [index("CTRL_L_nose-translateY"),
                                                              index("CTRL_R_nose-translateY")], 1),
                ("upperLipRaise", _both("mouth_upperLipRaise"), 1)],
}


def facs_and_invariance(model) -> None:
    import medtalk

    print("1. FACS signature per label on real speech (mean change vs neutral):")
    rigs = {}
    for clip in CLIPS:
        wave = load_audio(clip)
        rigs[clip.name] = {e: medtalk.animate(wave, e, model=model).values for e in EMOTIONS}
    for emotion, signature in SIGNATURES.items():
        parts = []
        for name, columns, sign in signature:
            change = np.mean([sign * (r[emotion][:, columns] - r["neutral"][:, columns]).mean() for r in rigs.values()])
            parts.append(f"{name} {change:+.3f} {'ok' if change > 0.02 else 'WEAK'}")
        print(f"   {emotion:10} " + ", ".join(parts))
    print("2. articulation L1 (lip controls without the expressive ones):")
    for clip, by_label in rigs.items():
        pairs = [np.abs(by_label[a][:, S_ARTIC] - by_label[b][:, S_ARTIC]).mean()
                 for a, b in combinations(EMOTIONS, 2)]
        print(f"   {clip:36} between labels: mean {np.mean(pairs):.4f}, max {np.max(pairs):.4f}")
    a, b = (r["neutral"] for r in rigs.values())
    n = min(len(a), len(b))
    print(f"   between the two different sentences (neutral, first {n / FPS:.1f} s): "
          f"{np.abs(a[:n, S_ARTIC] - b[:n, S_ARTIC]).mean():.4f}")


def loaded_word_clips(data: Path, count: int) -> list[tuple[dict, list[bool]]]:
    """English test clips with some words loaded with the clip's emotion: ``(META, loaded per word)``."""
    from medtalk.synth.lexicon import word_loading

    metas = []
    for path in sorted((data / "META").glob("*.json")):
        meta = json.loads(path.read_text())
        if meta.get("split") == "test" and meta.get("language") == "en" and meta["emotion"] != "neutral":
            loaded = [word_loading(w["text"])[0] == meta["emotion"] for w in meta["words"]]
            if any(loaded) and not all(loaded):
                metas.append((meta, loaded))
    return metas[:count]


def loaded_word_intensity(model, data: Path, count: int, figure: Path | None = None) -> None:
    from medtalk.data.clips import as_float, read_samples
    from medtalk.emotions import parse_emotion
    from medtalk.infer import predict, smooth, transcript_inputs
    from medtalk.rig import pseudo_intensity, read_rig

    metas = loaded_word_clips(data, count)
    if not metas:
        print("3. no English test clips with emotionally loaded words found in", data)
        return
    ratios: dict[str, list[float]] = {"truth": [], "with transcript": [], "without transcript": []}
    correlations: dict[str, list[float]] = {name: [] for name in ratios}
    rig_ratios: dict[str, list[float]] = {name: [] for name in ratios}
    examples = []
    for meta, loaded in metas:
        wave = as_float(read_samples(data / "WAV" / f"{meta['id']}.wav"))
        label = EMOTIONS.index(parse_emotion(meta["emotion"]))
        text = transcript_inputs(model, wave, meta["text"])
        runs = {"with transcript": predict(model, wave, label, text),
                "without transcript": predict(model, wave, label, None)}
        curves = {"truth": np.asarray(meta["intensity"], dtype=np.float32), **{k: v[1] for k, v in runs.items()}}
        seen = {"truth": pseudo_intensity(read_rig(data / "VALID_CTR" / f"{meta['id']}.txt").values),
                **{k: pseudo_intensity(smooth(v[0])) for k, v in runs.items()}}
        for name, curve in curves.items():
            n = min(len(curve), len(curves["truth"]))
            correlations[name].append(float(np.corrcoef(curve[:n], curves["truth"][:n])[0, 1]))
            ratios[name].append(loaded_ratio(curve, meta["words"], loaded))
            rig_ratios[name].append(loaded_ratio(seen[name], meta["words"], loaded))
        examples.append((meta, loaded, curves))
    print(f"3. intensity inside loaded words / inside other words ({len(metas)} English test clips):")
    for name, values in ratios.items():
        print(f"   {name:20} mean ratio {np.mean(values):.3f}, higher on loaded words in "
              f"{np.mean(np.array(values) > 1):.0%} of clips; correlation with the true curve "
              f"{np.nanmean(correlations[name]):.3f}")
    print("   the same ratio of the rig's pseudo-intensity Int():")
    for name, values in rig_ratios.items():
        print(f"   {name:20} mean ratio {np.mean(values):.3f}, higher on loaded words in "
              f"{np.mean(np.array(values) > 1):.0%} of clips")


    if figure is not None:
        print(f"   figure: {_plot_curves(examples[:3], figure)}")


def _plot_curves(examples: list, out: Path) -> Path:
    """Predicted ``I_t`` with and without the transcript against the performer's curve (rescaled to
    the prediction's mean: ``I_t`` has a scale of its own), one panel per clip, loaded words shaded."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from medtalk.files import save_figure

    fig, axes = plt.subplots(len(examples), 1, figsize=(10, 2.4 * len(examples)), squeeze=False)
    for ax, (meta, loaded, curves) in zip(axes[:, 0], examples):
        scale = curves["with transcript"].mean() / max(float(curves["truth"].mean()), 1e-6)
        for name, style in (("truth", "k-"), ("with transcript", "C3-"), ("without transcript", "C0--")):
            curve = curves[name] * (scale if name == "truth" else 1.0)
            ax.plot(np.arange(len(curve)) / FPS, curve, style, label=name if name != "truth" else "performer (rescaled)")
        for word, is_loaded in zip(meta["words"], loaded):
            if is_loaded:
                ax.axvspan(word["start"], word["end"], color="C1", alpha=0.25)
        ax.set_title(f"{meta['emotion']}: {meta['text']}", fontsize=9)
        ax.set_ylabel("intensity")
    axes[0, 0].legend(fontsize=8, loc="lower right")
    axes[-1, 0].set_xlabel("seconds (loaded words shaded)")
    fig.tight_layout()
    return save_figure(fig, out, force=True, dpi=90)


def loaded_ratio(curve: np.ndarray, words: list[dict], loaded: list[bool]) -> float:
    """Mean of ``curve`` inside the loaded words over its mean inside the other words."""
    def mean_over(want: bool) -> float:
        return float(np.mean([curve[round(w["start"] * FPS): round(w["end"] * FPS) + 1].mean()
                              for w, is_loaded in zip(words, loaded) if is_loaded == want]))
    return mean_over(True) / max(mean_over(False), 1e-6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    parser.add_argument("--data", type=Path, default=Path("data/synth"), help="synthetic dataset (test split)")
    parser.add_argument("--clips", type=int, default=60, help="test clips for the loaded-word figure")
    parser.add_argument("--figure", type=Path, help="write the intensity curves of three clips here (PNG)")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(2)
    model = load_measured_model(args.model)
    if REAL.is_dir():
        facs_and_invariance(model)
    loaded_word_intensity(model, args.data, args.clips, args.figure)


if __name__ == "__main__":
    main()
