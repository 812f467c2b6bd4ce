"""The numbers of the results: every row on the held-out split (all clips and the English ones),
mean and spread over seeds, and the real-clip jaw figures. One dict, written as ``results.json``
and rendered into ``RESULTS.md``."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from medtalk.eval.report import METRICS, evaluate
from medtalk.files import atomic_output
from medtalk.results.plan import Run

ENGLISH = "en"
SEED0 = "full-seed0"


def _spread(samples: list[dict[str, float]], keys: tuple[str, ...]) -> dict[str, float]:
    """Mean of each key over samples, plus ``<key>_std`` (sample std) when there are several."""
    out: dict[str, float] = {"samples": len(samples)}
    for key in keys:
        values = [s[key] for s in samples if key in s and np.isfinite(s[key])]
        if not values:
            continue
        out[key] = round(float(np.mean(values)), 6)
        if len(values) > 1:
            out[f"{key}_std"] = round(float(np.std(values, ddof=1)), 6)
    return out


def _summary(rows: list[dict]) -> dict[str, float]:
    out = _spread(rows, METRICS)
    out["clips"] = rows[0].get("clips", 0) if rows else 0
    return out


def model_rows(plan: tuple[Run, ...], runs: Path) -> dict[str, dict[str, dict]]:
    """``{"all"|"en": {row: summary over its seeds}}`` from the test figures stored in each model file."""
    from medtalk.model.checkpoint import read_model_file

    samples: dict[str, dict[str, list]] = {"all": defaultdict(list), ENGLISH: defaultdict(list)}
    for run in plan:
        if run.row is None:
            continue
        test = read_model_file(runs / run.name / "model.pt")["metrics"]["test"]
        # seed 0 of the full model alone too: the ablations share its stages (Table 3)
        for row in (run.row, SEED0) if run.name == SEED0 else (run.row,):
            samples["all"][row].append(test)
            if ENGLISH in test.get("languages", {}):
                samples[ENGLISH][row].append(test["languages"][ENGLISH])
    return {subset: {row: _summary(rows) for row, rows in by_row.items()} for subset, by_row in samples.items()}


def performer_row(clips: list, cache_file: Path, progress: bool = True) -> dict[str, float]:
    """The alignment-driven performer on the English test clips (cached in ``cache_file``)."""
    if cache_file.is_file():
        return json.loads(cache_file.read_text())
    from medtalk.eval.performer import performer_method

    summary = evaluate(performer_method(), clips, progress, desc="performer")["overall"]
    with atomic_output(cache_file, force=True) as tmp:
        tmp.write_text(json.dumps(summary))
    return summary


def real_rows(plan: tuple[Run, ...], runs: Path, reference: Path) -> dict[str, dict]:
    """EmoFace jaw correlation and L1 of every row (mean and spread over seeds)."""
    from medtalk.eval.real import emoface_jaw
    from medtalk.eval.report import animate_wave
    from medtalk.model.checkpoint import load_model

    samples: dict[str, list] = defaultdict(list)
    for run in plan:
        if run.row is None:
            continue
        model = load_model(runs / run.name / "model.pt")[0]
        samples[run.row].append(emoface_jaw(lambda w, e: animate_wave(model, w, e), reference))
    keys = ("jaw_corr", "jaw_l1", "lip_corr")
    out = {row: _spread(rows, keys) for row, rows in samples.items()}
    if samples:  # a property of the audio alone: the same for every row
        out["energy envelope"] = {"jaw_corr": next(iter(samples.values()))[0]["energy_corr"]}
    return out
