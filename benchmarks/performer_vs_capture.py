"""How the procedural performer's rigs compare with the one real MetaHuman capture.

Reads ``../shared/reference/real/emoface_angry_gd04_001_021.txt`` (actor's rig,
60 fps, angry Mandarin speech), performs angry English sentences of similar
length with several voices and seeds, and prints per-channel and per-region
statistics side by side (a Markdown table for docs/PERFORMER.md). Writes
``docs/img/performer_vs_capture.png`` unless ``--no-figure``.

    .venv/bin/python benchmarks/performer_vs_capture.py [--clips 12] [--reference DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from medtalk.rig import CONTROLS, index, read_rig
from medtalk.synth.performer import perform

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"
CAPTURE = "real/emoface_angry_gd04_001_021.txt"
FIGURE = ROOT / "docs" / "img" / "performer_vs_capture.png"
MOVING = 0.01  # a channel "moves" when its range over the clip exceeds this
SENTENCES = (
    "I told you a hundred times to stop touching my things, and you never listen!",
    "Who do you think you are, walking in here and making demands like that?",
    "This is the third time the train has been late this week, it is ridiculous.",
    "Give me back the keys right now, before I lose my temper completely.",
)
VOICES = ("en-us+m3", "en-gb+f2", "en-us+f4", "en-gb-x-rp+m1")
CHANNELS = (  # what the reference README names, plus the emotion controls of an angry face
    "C_jaw-translateY", "L_mouth_lowerLipDepress-translateY", "L_mouth_purseU-translateY",
    "L_mouth_towardsU-translateY", "L_mouth_funnelU-translateY", "L_mouth_lipsTogetherD-translateY",
    "L_mouth_pressU-translateY", "L_mouth_stickyOuterD-translateY", "L_mouth_suckBlow-translateY",
    "C_tongue_press-translateY", "L_mouth_lipBiteD-translateY", "L_mouth_dimple-translateY",
    "L_brow_down-translateY", "L_brow_lateral-translateY", "L_brow_raiseIn-translateY",
    "L_eye_squintInner-translateY", "L_eye_blink-translateY", "L_eye_cheekRaise-translateY",
    "L_nose-translateY", "L_mouth_cornerPull-translateY", "L_eyelashes_tweakerIn-translateY",
    "C_eye-translateX",
)
FIGURE_CURVES = ("C_jaw-translateY", "L_mouth_lowerLipDepress-translateY", "L_mouth_purseU-translateY",
                 "L_mouth_lipsTogetherD-translateY", "L_brow_down-translateY", "L_eye_blink-translateY")


def performer_clips(n: int) -> list[np.ndarray]:
    """``n`` angry performances: list of ``(T, 174)`` rigs."""
    return [perform(SENTENCES[i % len(SENTENCES)], "angry", voice=VOICES[i % len(VOICES)], seed=i).rig.values
            for i in range(n)]


def stats(values: np.ndarray) -> dict[str, np.ndarray]:
    """Per-channel min, max, mean, std and range of a ``(T, 174)`` rig."""
    return {"min": values.min(0), "max": values.max(0), "mean": values.mean(0), "std": values.std(0),
            "range": np.ptp(values, axis=0)}


def channel_table(real: dict, synth: list[dict]) -> list[str]:
    rows = ["| channel | capture min..max | capture mean (std) | performer min..max | performer mean (std) |",
            "| --- | --- | --- | --- | --- |"]
    for name in CHANNELS:
        c = index(f"CTRL_{name}")
        lo = np.mean([s["min"][c] for s in synth])
        hi = np.mean([s["max"][c] for s in synth])
        mean = np.mean([s["mean"][c] for s in synth])
        std = np.mean([s["std"][c] for s in synth])
        rows.append(f"| `{name}` | {real['min'][c]:.2f}..{real['max'][c]:.2f} | {real['mean'][c]:.2f} "
                    f"({real['std'][c]:.2f}) | {lo:.2f}..{hi:.2f} | {mean:.2f} ({std:.2f}) |")
    return rows


def region_table(real: dict, synth: list[dict]) -> tuple[list[str], dict[str, tuple[float, float, float, float]]]:
    """Per region: channels, moving channels and mean range, capture vs performer."""
    regions = sorted({c.region for c in CONTROLS} - {"setting"})
    rows = ["| region | channels | moving (capture) | moving (performer) | mean range (capture) | mean range (performer) |",
            "| --- | --- | --- | --- | --- | --- |"]
    figures = {}
    synth_range = np.mean([s["range"] for s in synth], axis=0)
    for region in regions:
        cols = [c.index for c in CONTROLS if c.region == region]
        moving_real = int((real["range"][cols] > MOVING).sum())
        moving_synth = float(np.mean([(s["range"][cols] > MOVING).sum() for s in synth]))
        figures[region] = (real["range"][cols].mean(), synth_range[cols].mean(), moving_real, moving_synth)
        rows.append(f"| {region} | {len(cols)} | {moving_real} | {moving_synth:.1f} | "
                    f"{real['range'][cols].mean():.3f} | {synth_range[cols].mean():.3f} |")
    total_real = int((real["range"] > MOVING).sum())
    total_synth = float(np.mean([(s["range"] > MOVING).sum() for s in synth]))
    rows.append(f"| **all** | 174 | {total_real} | {total_synth:.1f} | {real['range'].mean():.3f} | "
                f"{synth_range.mean():.3f} |")
    return rows, figures


def figure(real: np.ndarray, clip: np.ndarray, regions: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(13, 9), constrained_layout=True)
    grid = fig.add_gridspec(4, 2)
    ax = fig.add_subplot(grid[0, :])
    names = list(regions)
    x = np.arange(len(names))
    ax.bar(x - 0.2, [regions[r][0] for r in names], 0.4, label="capture (angry, Mandarin)")
    ax.bar(x + 0.2, [regions[r][1] for r in names], 0.4, label="performer (angry, English, mean of clips)")
    ax.set_xticks(x, names)
    ax.set_ylabel("mean range per channel")
    ax.set_title("Per-region motion range")
    ax.legend()
    for k, name in enumerate(FIGURE_CURVES):
        a = fig.add_subplot(grid[1 + k // 2, k % 2])
        c = index(f"CTRL_{name}")
        a.plot(np.arange(len(real)) / 60, real[:, c], label="capture")
        a.plot(np.arange(len(clip)) / 60, clip[:, c], label="performer")
        a.set_title(name, fontsize=9)
        a.set_xlabel("s")
        if k == 0:
            a.legend(fontsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    print(f"wrote {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=12, help="performances to average (default 12)")
    parser.add_argument("--reference", type=Path, default=REFERENCE, help="the shared reference folder")
    parser.add_argument("--no-figure", action="store_true", help="print the tables only")
    args = parser.parse_args()
    real = read_rig(args.reference / CAPTURE).values
    clips = performer_clips(args.clips)
    real_stats, synth_stats = stats(real), [stats(c) for c in clips]
    rows, regions = region_table(real_stats, synth_stats)
    print(f"capture: {len(real)} frames; performer: {len(clips)} angry clips, "
          f"{np.mean([len(c) for c in clips]):.0f} frames on average\n")
    print("\n".join(rows))
    print()
    print("\n".join(channel_table(real_stats, synth_stats)))
    if not args.no_figure:
        figure(real, clips[0], regions, FIGURE)


if __name__ == "__main__":
    main()
