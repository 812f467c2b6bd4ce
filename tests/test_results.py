"""The results driver's pieces: the plan, the runner (resumable, ordered), the subset, the markdown."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from medtalk.data.clips import scan_clips
from medtalk.results.markdown import beats, render
from medtalk.results.plan import ABLATION_ROWS, HEADLINE, SEEDS, Budget, Run, plan
from medtalk.results.runner import command, train_all
from medtalk.results.subset import make_subset


def test_plan_trains_every_row_after_what_it_starts_from() -> None:
    runs = plan()
    seen: set[str] = set()
    for run in runs:
        assert run.init is None or run.init in seen
        seen.add(run.name)
    rows = [r.row for r in runs if r.row]
    assert all(rows.count(row) == len(SEEDS) for row in HEADLINE)
    assert all(rows.count(row) == 1 for row in ABLATION_ROWS)
    shared = {r.name: r.init for r in runs}
    assert shared["no-text"] == shared["no-intensity"] == "full-stage2"  # stage 1-2 shared, stage 3 their own
    assert shared["no-overlap"] == "no-overlap-stage2" and shared["no-overlap-stage2"] is None  # they change stage 1
    assert {r.init for r in runs if r.name.startswith("full-seed")} == {"full-stage2", "full-stage2-seed1",
                                                                       "full-stage2-seed2"}
    assert all("--stages" in r.args and r.args[r.args.index("--stages") + 1] == "3" for r in runs if r.row and
               not r.row.startswith(("endtoend", "faceformer")))  # a stage-3 change re-runs stage 3 alone


def test_runner_commands_are_single_threaded_and_resumable(tmp_path: Path) -> None:
    run = Run("b", ("--stages", "2"), init="a")
    cmd = command(run, Path("data"), tmp_path, Budget("tiny", 0.5))
    assert cmd[cmd.index("--threads") + 1] == "1" and "--resume" not in cmd  # nothing to resume yet
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "state.pt").write_bytes(b"")
    assert "--resume" in command(run, Path("data"), tmp_path, Budget("tiny", 0.5))  # an interrupted run
    assert cmd[cmd.index("--init") + 1] == str(tmp_path / "a" / "model.pt")
    assert cmd[cmd.index("--cache") + 1] == str(tmp_path / "cache")  # one feature cache for all runs


@pytest.mark.slow
def test_runner_trains_in_order_and_skips_finished_runs(tiny_emoface: Path, tmp_path: Path) -> None:
    runs = (Run("second", ("--stages", "2"), init="first"), Run("first", ("--stages", "1")))
    seconds = train_all(runs, tiny_emoface, tmp_path, Budget("tiny", 0.05), jobs=2, progress=False)
    assert set(seconds) == {"first", "second"}
    assert (tmp_path / "second" / "model.pt").is_file() and (tmp_path / "second" / "train.log").is_file()
    assert train_all(runs, tiny_emoface, tmp_path, Budget("tiny", 0.05), progress=False) == {}


def test_subset_keeps_whole_sentences_and_an_english_test_one(tiny_emoface: Path, tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(tiny_emoface, source, symlinks=True)
    for path in (source / "META").glob("*.json"):  # name the languages, as the synthetic set does
        meta = json.loads(path.read_text())
        meta["language"] = "en" if meta["sentence_id"] in ("s005", "s001") else "de"
        path.write_text(json.dumps(meta))
    (source / "splits.json").unlink()  # META carries the split
    subset = make_subset(source, tmp_path / "subset", sentences=3)
    infos = scan_clips(subset)
    assert {i.split for i in infos} == {"train", "val", "test"} and len(infos) == 3 * 7
    assert any(i.split == "test" and i.language == "en" for i in infos)
    assert len(list((subset / "ALIGNED_CTR").iterdir())) == 3
    assert make_subset(source, tmp_path / "subset", sentences=3) == subset  # made once


def test_markdown_verdicts_follow_the_numbers() -> None:
    full = {"clips": 5, "MLE": 0.03, "MLE_std": 0.001, "MEE": 0.04, "MEE_std": 0.001, "EIE": 0.05, "FRD": 0.0}
    close = {**full, "MLE": 0.0315, "MEE": 0.06}
    assert not beats(full, close, "MLE") and beats(full, close, "MEE")
    results = {
        "command": "make results", "budget": "full", "epochs_scale": 1.0, "data": "data/synth", "seeds": 3, "machine": "test",
        "timing": {"train_core_minutes": 600.0, "runs": 15, "jobs": 2, "eval_minutes": 12.0},
        "table1": {"all": {"full": full, "faceformer": close}, "en": {"full": full}},
        "table3": {"all": {"full-seed0": full, "no-text": {**full, "EIE": 0.06, "MLE": 0.0305}}, "en": {}},
        "real": {}, "notes": ["- a note"],
    }
    text = render(results, {"A figure": "img/results/a.png"})
    assert "better than FaceFormer-style beyond seed spread: MLE NO, MEE yes" in text
    assert ("w/o text: worse than the full model (seed 0) beyond the seed spread on EIE; "
            "worse only within the seed spread on MLE; not worse on MEE") in text
    assert "600 core-minutes" in text and "about 5.0 h of wall clock" in text
    results["timing"]["train_core_minutes"] = 50.0
    assert "about 25 min of wall clock" in render(results, {})
    assert "| MEDTalk (ours) | 5 | 0.0300 ± 0.0010 |" in text and "![A figure](img/results/a.png)" in text
