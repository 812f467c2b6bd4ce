"""Loss curves of a run: ``losses.csv`` (one row per epoch) and ``losses.png``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from medtalk.files import atomic_output, save_figure

FIXED_COLUMNS = ("stage", "epoch", "lr", "seconds", "world_size")


def write_csv(rows: list[dict[str, float | str]], path: Path) -> None:
    """All epochs so far; columns are the union of every stage's terms (blank where absent)."""
    terms = sorted({k for row in rows for k in row} - set(FIXED_COLUMNS))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[*FIXED_COLUMNS, *terms], restval="")
    writer.writeheader()
    writer.writerows(rows)
    with atomic_output(path, force=True) as tmp:
        tmp.write_text(buf.getvalue())


def plot(rows: list[dict[str, float | str]], path: Path) -> None:
    """One panel per stage: every train (solid) and validation (dashed) term against epoch, log scale."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    stages = list(dict.fromkeys(str(r["stage"]) for r in rows))
    if not stages:
        return
    fig, axes = plt.subplots(1, len(stages), figsize=(4 * len(stages), 3.2), squeeze=False)
    for ax, stage in zip(axes[0], stages):
        mine = [r for r in rows if r["stage"] == stage]
        epochs = [int(r["epoch"]) + 1 for r in mine]
        terms = sorted({k for r in mine for k in r} - set(FIXED_COLUMNS))
        for term in terms:
            values = [float(r[term]) for r in mine if term in r]
            if values and min(values) > 0:
                style = "--" if term.startswith("val_") else "-"
                ax.plot(epochs[-len(values):], values, style, label=term, linewidth=1.2)
        ax.set_yscale("log")
        ax.set_title(stage)
        ax.set_xlabel("epoch")
        ax.legend(fontsize=6)
    fig.tight_layout()
    save_figure(fig, path, force=True, dpi=100)
