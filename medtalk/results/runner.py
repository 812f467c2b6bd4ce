"""Running the plan: ``medtalk train`` processes, at most ``jobs`` at a time, each on one thread.

A run whose ``model.pt`` exists is skipped; an interrupted one continues
(``--resume``), so ``make results`` picks up where it stopped. All runs share
one feature cache. Each run's output goes to ``RUN/train.log``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tqdm import tqdm

from medtalk.errors import MedtalkError
from medtalk.results.plan import Budget, Run

POLL_SECONDS = 2.0


def command(run: Run, data: Path, runs: Path, budget: Budget) -> list[str]:
    """The ``medtalk train`` command line of ``run``."""
    folder = runs / run.name
    # an interrupted run continues; `--resume` with nothing to resume is an error
    resume = ["--resume"] if any((folder / f).is_file() for f in ("state.pt", "model.pt")) else []
    cmd = [sys.executable, "-m", "medtalk", "train", str(data), "-o", str(folder), *resume, "--quiet",
           "--threads", "1", "--preset", budget.preset, "--epochs-scale", str(budget.epochs_scale),
           "--cache", str(runs / "cache"), *run.args]
    if run.init:
        cmd += ["--init", str(runs / run.init / "model.pt")]
    return cmd


def train_all(plan: tuple[Run, ...], data: Path, runs: Path, budget: Budget, jobs: int = 2,
              progress: bool = True) -> dict[str, float]:
    """Train every run not yet finished; ``{run name: wall seconds}`` of those trained now."""
    pending = [r for r in plan if not (runs / r.name / "model.pt").is_file()]
    running: dict[str, tuple[subprocess.Popen, float]] = {}
    seconds: dict[str, float] = {}
    bar = tqdm(total=len(plan), initial=len(plan) - len(pending), desc="training runs", unit="run",
               disable=not progress)
    try:
        while pending or running:
            for name, (proc, start) in list(running.items()):
                if proc.poll() is None:
                    continue
                del running[name]
                if proc.returncode != 0:
                    raise MedtalkError(f"training {name} failed (exit {proc.returncode}); see {runs / name}/train.log")
                seconds[name] = round(time.time() - start, 1)
                bar.update(1)
            for run in list(pending):
                if len(running) >= jobs:
                    break
                if run.init and not (runs / run.init / "model.pt").is_file():
                    continue  # waits for the run it starts from
                pending.remove(run)
                (runs / run.name).mkdir(parents=True, exist_ok=True)
                log = (runs / run.name / "train.log").open("a")
                proc = subprocess.Popen(command(run, data, runs, budget), stdout=log, stderr=subprocess.STDOUT)
                running[run.name] = (proc, time.time())
                bar.set_postfix_str(", ".join(running))
            if running:
                time.sleep(POLL_SECONDS)
            elif pending:
                raise MedtalkError(f"cannot start {pending[0].name}: it needs {pending[0].init}, which is not planned")
    finally:
        for proc, _ in running.values():  # an interrupted driver leaves no orphan trainings (they resume)
            proc.terminate()
        bar.close()
    return seconds
