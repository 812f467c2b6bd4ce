"""``python -m medtalk.results``: train every row, evaluate, and write docs/RESULTS.md, docs/results.json
and the figures in docs/img/results/ (``make results``). Re-runnable: finished runs are skipped,
interrupted ones resume."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import signal
import sys
import time
from dataclasses import replace
from pathlib import Path

from medtalk.errors import MedtalkError
from medtalk.files import atomic_output

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "real"  # developers' checkout only
NOTES = [
    "- Full model: stage 1 is trained once (`full-stage1`); each seed trains its own stage 2 (`full-stage2`, "
    "`full-stage2-seed1`, `full-stage2-seed2`) and then stage 3 (`full-seed0`, ...).",
    "- `no-intensity` and `no-text` change only stage 3, so they start from seed 0's stages 1-2 "
    "(`full-stage2`) and train stage 3 (their FIM starts untrained, as the full model's does).",
    "- `no-overlap` and `no-cycle` change stage 1: they train their own stages 1-2 (`no-overlap-stage2`, "
    "`no-cycle-stage2`) and then stage 3.",
    "- FaceFormer-style and end-to-end baselines train one stage with the epochs of our stages 2 + 3 "
    "({baseline_epochs} audio epochs before the budget's scale) on the same crops, augmentation and "
    "learning-rate schedule.",
    "- The performer baseline is the synthetic generator itself, driven by a pocketsphinx alignment of "
    "the clip's transcript (its own speaker style and intensity plan redrawn): on this data it is a "
    "reference for the lips rather than a fair competitor; it cannot run without a transcript or on "
    "non-English speech.",
]


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m medtalk.results", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("data/synth"), help="dataset (default data/synth)")
    parser.add_argument("--runs", type=Path, help="run folders (default runs/results or runs/results-smoke)")
    parser.add_argument("--budget", default="full", help="full (the documented results) or smoke (a minute)")
    parser.add_argument("--docs", type=Path, help="where RESULTS.md goes (default docs/, or RUNS/docs for smoke)")
    parser.add_argument("--reference", type=Path, default=REFERENCE, help="the real reference clips folder")
    parser.add_argument("--epochs-scale", type=float, help="override the budget's scale of every stage's epochs")
    parser.add_argument("--jobs", type=int, default=2, help="trainings at a time (one thread each)")
    parser.add_argument("-q", "--quiet", action="store_true")
    return parser.parse_args(argv)


def _train_minutes(runs: Path, names: list[str]) -> float:
    import csv

    total = 0.0
    for name in names:
        path = runs / name / "losses.csv"
        if path.is_file():
            total += sum(float(r["seconds"]) for r in csv.DictReader(path.open()))
    return total / 60


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    from medtalk.results.plan import ABLATION_ROWS, BUDGETS, SEEDS, plan

    if args.budget not in BUDGETS:
        raise MedtalkError(f"unknown budget {args.budget!r}; choose one of {', '.join(BUDGETS)}")
    budget = BUDGETS[args.budget]
    if args.epochs_scale is not None:
        budget = replace(budget, epochs_scale=args.epochs_scale)
    runs = args.runs or Path("runs/results" if args.budget == "full" else "runs/results-smoke")
    docs = args.docs or (Path("docs") if args.budget == "full" else runs / "docs")
    if not (args.data / "WAV").is_dir():
        raise MedtalkError(f"{args.data}: no dataset (run `make model` first)")
    import torch

    from medtalk.eval.methods import eval_clips
    from medtalk.model.checkpoint import load_model
    from medtalk.results import collect, figures
    from medtalk.results.markdown import NAMES, render
    from medtalk.results.runner import train_all
    from medtalk.results.subset import make_subset

    torch.set_num_threads(max(1, args.jobs))
    runs.mkdir(parents=True, exist_ok=True)
    data = make_subset(args.data, runs / "data", budget.sentences) if budget.sentences else args.data
    runs_plan = plan()
    train_all(runs_plan, data, runs, budget, args.jobs, not args.quiet)
    start = time.time()  # evaluation and figures; training time comes from each run's losses.csv

    progress = not args.quiet
    test, _ = eval_clips(data, runs / "cache", "test", progress=progress)
    english = [c for c in test if c.info.language == collect.ENGLISH]
    table = collect.model_rows(runs_plan, runs)
    table[collect.ENGLISH]["performer"] = collect.performer_row(english, runs / "performer.json", progress)
    real = collect.real_rows(runs_plan, runs, args.reference) if args.reference.is_dir() else {}

    img = docs / "img" / "results"
    img.mkdir(parents=True, exist_ok=True)
    from medtalk.eval.performer import animate_aligned
    from medtalk.eval.real import load_capture
    from medtalk.eval.report import animate_wave, model_method
    from medtalk.train.stages import ARCH_STAGES

    models = {row: load_model(runs / f"{row}-seed0" / "model.pt")[0] for row in ("full", "faceformer", "endtoend")}
    clip = max(english, key=lambda c: (c.info.emotion != "neutral", len(c.info.text or "")))
    made = {
        "Intensity over a held-out sentence": figures.intensity_curve(models["full"], clip, img / "intensity.png"),
        "t-SNE of content and emotion codes": figures.latent_tsne(models["full"], test, img / "tsne.png"),
        "Emotion swap keeps the lips": figures.emotion_swap(
            models["full"], clip, (clip.info.emotion, "happy" if clip.info.emotion != "happy" else "sad"),
            img / "swap.png"),
        "One frame from each method on one sentence": figures.methods_sheet(
            {"ground truth": clip.rig, **{NAMES[row]: model_method(m)(clip) for row, m in models.items()},
             NAMES["performer"]: animate_aligned(clip.samples / 32768.0, clip.info.text, clip.info.emotion)},
            img / "methods.png"),
    }
    if real:
        made["Jaw open on the EmoFace capture"] = figures.real_jaw(
            {NAMES[row]: animate_wave(m, load_capture(args.reference)[0], "angry") for row, m in models.items()},
            args.reference, img / "real_jaw.png")

    missing = [str(path) for path in made.values() if not path.is_file()]
    if missing:
        raise MedtalkError(f"figures not written: {', '.join(missing)}")
    trained = [r.name for r in runs_plan]
    results = {
        "command": shlex.join(["python", "-m", "medtalk.results", *(sys.argv[1:] if argv is None else argv)]),
        "budget": args.budget, "epochs_scale": budget.epochs_scale, "data": str(args.data), "seeds": len(SEEDS),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {sys.version.split()[0]}",
        "timing": {"runs": len(trained), "jobs": args.jobs,
                   "train_core_minutes": round(_train_minutes(runs, trained), 1),
                   "eval_minutes": round((time.time() - start) / 60, 1)},
        "table1": {subset: {k: v for k, v in rows.items() if k not in (*ABLATION_ROWS, collect.SEED0)}
                   for subset, rows in table.items()},
        "table3": {subset: {k: rows[k] for k in (collect.SEED0, *ABLATION_ROWS) if k in rows}
                   for subset, rows in table.items()},
        "real": real, "notes": [n.format(baseline_epochs=ARCH_STAGES["faceformer"][0].epochs) for n in NOTES],
        "figures": {title: str(path.relative_to(docs)) for title, path in made.items()},
    }
    with atomic_output(docs / "results.json", force=True) as tmp:
        tmp.write_text(json.dumps(results, indent=2))
    with atomic_output(docs / "RESULTS.md", force=True) as tmp:
        tmp.write_text(render(results, results["figures"]))
    if not args.quiet:
        print(f"wrote {docs / 'RESULTS.md'}, {docs / 'results.json'} and {len(made)} figures in {img}")
    return 0


if __name__ == "__main__":
    # a kill (session end, `kill PID`) unwinds like Ctrl-C, so the trainings it started stop with it
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        sys.exit(main())
    except MedtalkError as err:
        print(f"medtalk.results: error: {err}", file=sys.stderr)
        sys.exit(2)
