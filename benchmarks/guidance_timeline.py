"""A timeline on real speech: does each segment show its own emotion, with smooth hand-overs?

Run: .venv/bin/python benchmarks/guidance_timeline.py [--model PATH] [--figure PNG --force]
Animates the JFK example (11 s, with its transcript) along a timeline of a
label (sad, 0-3 s), a description ("seething with anger, glaring", 3-6 s)
and a photo (the RAVDESS smile, or a preview drawing of one without the
reference folder, 6-9 s), the rest falling back to the blend
happy:0.5,surprised:0.5. Prints the mean mouth-corner pull, corner depress
and brow lowering per stretch; ``--figure`` plots them over time with the
segment boundaries.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from _common import REAL, load_measured_model

ROOT = Path(__file__).resolve().parents[1]
AUDIO = ROOT / "examples" / "jfk.flac"
FALLBACK = "happy:0.5,surprised:0.5"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model file (default: the installed model)")
    parser.add_argument("--figure", type=Path, help="write the curves here (.png)")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()

    import torch

    from medtalk.infer import animate
    from medtalk.rig import index

    torch.set_num_threads(1)
    model = load_measured_model(args.model)
    with tempfile.TemporaryDirectory() as folder:
        photo = REAL / "ravdess_01-01-03-02-01-01-24.png"
        if not photo.is_file():
            from medtalk.preview import render_frame
            from medtalk.rig import REST_POSE
            from medtalk.synth.poses import pose

            photo = Path(folder) / "smile.png"
            render_frame(REST_POSE + pose({"mouth_cornerPull": 0.8, "eye_cheekRaise": 0.6}), 512).save(photo)
        plan = [{"start": 0, "end": 3, "label": "sad"},
                {"start": 3, "end": 6, "description": "seething with anger, glaring"},
                {"start": 6, "end": 9, "image": str(photo)}]
        rig = animate(AUDIO, FALLBACK, AUDIO.with_suffix(".txt").read_text(), model=model, timeline=plan)
    curves = {
        "mouth corner pull": [index(f"CTRL_{s}_mouth_cornerPull-translateY") for s in "LR"],
        "mouth corner depress": [index(f"CTRL_{s}_mouth_cornerDepress-translateY") for s in "LR"],
        "brow down": [index(f"CTRL_{s}_brow_down-translateY") for s in "LR"],
    }
    values = {name: rig.values[:, cols].mean(axis=1) for name, cols in curves.items()}
    stretches = [(0, 3, "sad"), (3, 6, "description"), (6, 9, "photo"), (9, rig.duration, FALLBACK)]
    print(f"{AUDIO.name} ({rig.duration:.1f} s) along a timeline; means per stretch, both sides")
    print(f"{'stretch':32s}" + "".join(f"{name:>22s}" for name in curves))
    for start, end, what in stretches:
        part = slice(round(start * rig.fps), round(end * rig.fps))
        print(f"{f'{start:g}-{end:.3g} s {what}':32s}" + "".join(f"{v[part].mean():22.3f}" for v in values.values()))
    if args.figure is not None:
        _plot(values, stretches, rig.fps, args.figure, args.force)
        print(f"wrote {args.figure}")


def _plot(values: dict[str, np.ndarray], stretches: list, fps: float, path: Path, force: bool) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from medtalk.files import save_figure

    fig, ax = plt.subplots(figsize=(9, 3.2), dpi=120)
    t = np.arange(len(next(iter(values.values())))) / fps
    for name, v in values.items():
        ax.plot(t, v, label=name)
    for start, end, what in stretches:
        ax.axvline(start, color="0.6", lw=0.8, ls="--")
        ax.text((start + end) / 2, 1.02, what, ha="center", va="bottom", fontsize=8, transform=ax.get_xaxis_transform())
    ax.set_xlabel("time (s)")
    ax.set_ylabel("control value")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    save_figure(fig, path, force=force)


if __name__ == "__main__":
    main()
