"""Data-parallel training: epoch time on 1 and 2 processes, and the seed spread of a 2-process run.

**Epoch time.** Trains stages 1 and 2 of the default preset for a few epochs
under ``torchrun --nproc_per_node=N`` (gloo, CPU) for each N, on a generated
EmoFace folder (the tests' buzz speech, ``--sentences`` x 7 emotions), and
prints the median epoch time of each stage from ``losses.csv`` (the loop's
own clock: one epoch's steps plus rank 0's validation) and the speed-up.
The machine is shared, so the load average is printed before and after.

**Seed spread** (``--seeds 0,1,2``): the held-out MLE of the tiny preset
trained through every stage by 2 processes (``--epochs-scale 0.1``, the
slow test's run) for each seed: how far two runs that differ only by chance
are apart, which is what a resumed run is held to in the tests.

    .venv/bin/python benchmarks/train_ddp.py                       # epoch time, 1 and 2 processes
    .venv/bin/python benchmarks/train_ddp.py --processes 1,2 --sentences 60 --epochs-scale 0.15
    .venv/bin/python benchmarks/train_ddp.py --seeds 0,1,2,3       # MLE spread over seeds
    .venv/bin/python benchmarks/train_ddp.py --figure docs/img/ddp_losses.png   # and the loss curves
"""

from __future__ import annotations

import argparse
import csv
import os
import socket
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TORCHRUN = Path(sys.executable).with_name("torchrun")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def train(data: Path, run: Path, processes: int, *options: str) -> Path:
    """``medtalk train`` under torchrun on ``processes`` CPU processes; returns the run folder."""
    command = [str(TORCHRUN), f"--nproc_per_node={processes}", "--master_addr=127.0.0.1",
               f"--master_port={_free_port()}", "-m", "medtalk", "train", str(data), "-o", str(run),
               "--cache", str(run.parent / "cache"), "--device", "cpu", "-q", "--force", *options]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "GLOO_SOCKET_IFNAME": "lo"}  # loopback only
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"training failed: {done.stderr.strip().splitlines()[-1]}")
    return run


def epoch_seconds(run: Path) -> dict[str, float]:
    """Median seconds per epoch of each stage (the first epoch of a stage is left out when
    there are more: it pays for warming up)."""
    rows = list(csv.DictReader((run / "losses.csv").open()))
    out = {}
    for stage in dict.fromkeys(r["stage"] for r in rows):
        times = [float(r["seconds"]) for r in rows if r["stage"] == stage]
        out[stage] = statistics.median(times[1:] if len(times) > 1 else times)
    return out


def plot_losses(runs: dict[int, Path], path: Path) -> None:
    """Training and validation loss per epoch of each world size, one panel per stage: a seeded
    run makes the same steps on the same items on any number of processes, so the curves meet."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from medtalk.files import save_figure

    tables = {n: list(csv.DictReader((run / "losses.csv").open())) for n, run in runs.items()}
    stages = list(dict.fromkeys(r["stage"] for rows in tables.values() for r in rows))
    fig, axes = plt.subplots(1, len(stages), figsize=(3.2 * len(stages), 3), squeeze=False)
    for ax, stage in zip(axes[0], stages):
        for i, (n, rows) in enumerate(tables.items()):
            mine = [r for r in rows if r["stage"] == stage]
            epochs = [int(r["epoch"]) + 1 for r in mine]
            width = 5 if i == 0 else 1.5  # the first world size broad and pale: the others are drawn over it
            alpha = 0.35 if i == 0 else 1.0
            ax.plot(epochs, [float(r["train_total"]) for r in mine], "-", color="C0", lw=width, alpha=alpha,
                    label=f"train, {n} proc.")
            ax.plot(epochs, [float(r["val_total"]) for r in mine], "--", color="C3", lw=width, alpha=alpha,
                    label=f"val, {n} proc.")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_title(stage)
        ax.set_xlabel("epoch")
        ax.set_yscale("log")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    save_figure(fig, path, force=True, dpi=100)
    print(f"wrote {path}")


def make_data(root: Path, sentences: int) -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    from model_fixtures import write_emoface

    return write_emoface(root, sentences=sentences)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", default="1,2", help="world sizes to time (default 1,2)")
    parser.add_argument("--sentences", type=int, default=60, help="sentences of the generated data (x 7 clips)")
    parser.add_argument("--preset", default="default")
    parser.add_argument("--stages", default="1,2")
    parser.add_argument("--epochs-scale", default="0.15", help="of every stage (default 0.15: 3 epochs each)")
    parser.add_argument("--seeds", help="instead: the MLE spread of 2-process tiny runs over these seeds")
    parser.add_argument("--figure", type=Path, help="also plot the loss curves of each world size here (PNG)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="medtalk-ddp-") as tmp:
        tmp = Path(tmp)
        if args.seeds:
            data = make_data(tmp / "data", 6)  # the tests' tiny_emoface
            print(f"load average before: {_load()}")
            from medtalk.model.checkpoint import load_model

            scores = {}
            for seed in args.seeds.split(","):
                run = train(data, tmp / f"seed{seed}", 2, "--preset", "tiny", "--epochs-scale", "0.1", "--seed", seed)
                scores[seed] = load_model(run / "model.pt")[1]["metrics"]["test"]["MLE"]
                print(f"seed {seed}: held-out MLE {scores[seed]:.4f}")
            values = list(scores.values())
            mean = statistics.mean(values)
            print(f"MLE {min(values):.4f}-{max(values):.4f}, mean {mean:.4f}, spread (max - min) "
                  f"{max(values) - min(values):.4f} = {(max(values) - min(values)) / mean:.1%} of the mean")
            print(f"load average after: {_load()}")
            return
        data = make_data(tmp / "data", args.sentences)
        print(f"data: {args.sentences * 7} clips; preset {args.preset}; stages {args.stages}; "
              f"epochs scale {args.epochs_scale}; {os.cpu_count()} cores")
        figures, runs = {}, {}
        for n in (int(p) for p in args.processes.split(",")):
            print(f"load average before {n}: {_load()}")
            run = train(data, tmp / f"n{n}", n, "--preset", args.preset, "--stages", args.stages,
                        "--epochs-scale", args.epochs_scale)
            figures[n], runs[n] = epoch_seconds(run), run
            print(f"{n} process(es): " + ", ".join(f"{s} {t:.2f} s/epoch" for s, t in figures[n].items()))
        print(f"load average after: {_load()}")
        if args.figure:
            plot_losses(runs, args.figure)
        base = min(figures)
        for n, times in figures.items():
            if n != base:
                print(f"speed-up {base} -> {n}: " + ", ".join(
                    f"{s} {figures[base][s] / t:.2f}x" for s, t in times.items()))


if __name__ == "__main__":
    main()
