"""The figures of docs/RESULTS.md (the paper's Figures 4-7, on our data), as PNGs.

Each function takes what it draws from (models, held-out clips) and writes one
file; ``medtalk.results.__main__`` decides which clips and models.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from medtalk.data.clips import Clip, as_float
from medtalk.emotions import EMOTIONS
from medtalk.eval.real import JAW, load_capture
from medtalk.files import save_figure
from medtalk.infer import predict, smooth, transcript_inputs
from medtalk.rig import DEFAULT_FPS, index

TSNE_FRAMES_PER_CLIP = 20
TSNE_CLIPS = 210  # 30 per emotion on average
BROW = index("CTRL_L_brow_raiseIn-translateY")
CORNER = index("CTRL_L_mouth_cornerPull-translateY")


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, out: Path) -> Path:
    return save_figure(fig, out, force=True, dpi=110, bbox_inches="tight")


def intensity_curve(model, clip: Clip, out: Path) -> Path:
    """Predicted ``I_t`` over a held-out sentence, its words marked, against the generator's curve."""
    plt = _plt()
    wave = as_float(clip.samples)
    text = transcript_inputs(model, wave, clip.info.text, clip.tokens)
    _, curve = predict(model.eval(), wave, clip.emotion_id, text)
    t = np.arange(len(curve)) / model.config.fps
    words = json.loads(clip.info.meta.read_text()).get("words", []) if clip.info.meta else []
    fig, ax = plt.subplots(figsize=(10, 3.2))
    ax.plot(t, curve, color="C3", label="predicted intensity $I_t$")
    if clip.intensity is not None:
        ref = clip.intensity * (curve.mean() / max(float(clip.intensity.mean()), 1e-6))
        ax.plot(np.arange(len(ref)) / DEFAULT_FPS, ref, color="0.5", ls="--",
                label="performed intensity (rescaled to the same mean)")
    for k, word in enumerate(words if isinstance(words, list) else []):
        ax.axvspan(word["start"], word["end"], color="C0", alpha=0.07 if k % 2 else 0.14, lw=0)
        ax.text((word["start"] + word["end"]) / 2, 1.01, word["text"], transform=ax.get_xaxis_transform(),
                ha="center", va="bottom", fontsize=8, rotation=30)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("intensity")
    ax.set_title(f"{clip.info.emotion}: \"{clip.info.text}\"", fontsize=9, pad=28)
    ax.legend(loc="lower right", fontsize=8)
    return _save(fig, out)


@torch.no_grad()
def latent_tsne(model, clips: list[Clip], out: Path, seed: int = 0) -> Path:
    """2D t-SNE of ``E_c`` (content) and ``E_e`` (emotion) codes of held-out rig frames, coloured by emotion."""
    from sklearn.manifold import TSNE

    plt = _plt()
    rng = np.random.default_rng(seed)
    frames, labels = [], []
    if len(clips) > TSNE_CLIPS:  # t-SNE time grows fast with the points; a sample of clips shows the structure
        clips = [clips[i] for i in sorted(rng.choice(len(clips), TSNE_CLIPS, replace=False))]
    for clip in clips:
        pick = rng.choice(len(clip.rig), size=min(TSNE_FRAMES_PER_CLIP, len(clip.rig)), replace=False)
        frames.append(clip.rig[pick])
        labels += [clip.emotion_id] * len(pick)
    rig = torch.from_numpy(np.concatenate(frames))
    codes = {"content codes $E_c$": model.disentangle.encode_content(rig).numpy(),
             "emotion codes $E_e$": model.disentangle.encode_emotion(rig).numpy()}
    labels = np.array(labels)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.6))
    for ax, (title, x) in zip(axes, codes.items()):
        xy = TSNE(2, perplexity=min(30.0, (len(x) - 1) / 3), init="pca", random_state=seed).fit_transform(x)
        for e, name in enumerate(EMOTIONS):
            ax.scatter(*xy[labels == e].T, s=5, label=name, alpha=0.7)
        ax.set_title(title)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[1].legend(markerscale=3, fontsize=8, loc="best")
    return _save(fig, out)


def emotion_swap(model, clip: Clip, emotions: tuple[str, str], out: Path) -> Path:
    """The same speech with two labels: the jaw (lips) stays, the brows and mouth corners change."""
    plt = _plt()
    curves = {}
    wave = as_float(clip.samples)
    text = transcript_inputs(model, wave, clip.info.text, clip.tokens)
    for name in emotions:
        values, _ = predict(model.eval(), wave, EMOTIONS.index(name), text)
        curves[name] = smooth(values)
    t = np.arange(len(next(iter(curves.values())))) / model.config.fps
    fig, axes = plt.subplots(3, 1, figsize=(10, 6), sharex=True)
    for ax, (column, title) in zip(axes, ((JAW, "jaw open (lips)"), (BROW, "inner brow raise"),
                                          (CORNER, "mouth corner pull"))):
        for k, (name, values) in enumerate(curves.items()):
            ax.plot(t, values[:, column], color=f"C{k}", ls="-" if k == 0 else "--", label=name)
        ax.set_ylabel(title, fontsize=8)
    axes[0].legend(fontsize=8)
    axes[0].set_title(f"emotion swap on \"{clip.info.text}\"", fontsize=9)
    axes[-1].set_xlabel("time (s)")
    return _save(fig, out)


def methods_sheet(animations: dict[str, np.ndarray], out: Path) -> Path:
    """One frame (the ground truth's most expressive) from each method on one sentence."""
    from medtalk.preview.sheet import pick_frame, render_sheet
    from medtalk.rig import RigSequence

    truth = next(iter(animations.values()))
    frame = pick_frame(RigSequence(truth, DEFAULT_FPS))
    panels = [(name, values[min(frame, len(values) - 1)]) for name, values in animations.items()]
    return render_sheet(panels, out, size=256, force=True)


def real_jaw(animations: dict[str, np.ndarray], reference: Path, out: Path) -> Path:
    """Jaw-open of each method against the actor's on the EmoFace capture."""
    plt = _plt()
    _, truth = load_capture(reference)
    fig, ax = plt.subplots(figsize=(10, 3.2))
    t = np.arange(len(truth)) / DEFAULT_FPS
    ax.plot(t, truth[:, JAW], color="k", lw=2, label="captured actor")
    for k, (name, values) in enumerate(animations.items()):
        n = min(len(values), len(truth))
        ax.plot(t[:n], values[:n, JAW], color=f"C{k}", label=name)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("jaw open")
    ax.legend(fontsize=8, ncol=4)
    ax.set_title("EmoFace capture (Mandarin, angry): jaw open", fontsize=9)
    return _save(fig, out)
