"""``medtalk eval``: the tiny model end to end, reports, data without splits, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from medtalk.cli import main
from medtalk.eval.report import METRICS, markdown_table
from medtalk.model.checkpoint import load_model


def test_eval_reports_every_test_clip_and_matches_the_training_figures(
    tiny_run: Path, tiny_emoface: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "report.json"
    assert main(["eval", str(tiny_run), str(tiny_emoface), "-o", str(out), "-q"]) == 0
    report = json.loads(out.read_text())
    assert report["selection"] == "test split" and report["arch"] == "medtalk"
    assert len(report["clips"]) == 7 and {r["emotion"] for r in report["clips"]} == {
        "angry", "disgust", "fear", "happy", "neutral", "sad", "surprised"}
    for key in METRICS:
        assert report["overall"][key] == pytest.approx(np.mean([r[key] for r in report["clips"]]), abs=1e-5)
    stored = load_model(tiny_run / "model.pt")[1]["metrics"]["test"]  # the loop evaluates the same way
    assert report["overall"]["MLE"] == pytest.approx(stored["MLE"], abs=1e-5)
    table = capsys.readouterr().out
    assert "| overall | 7 |" in table and "MLE" in table


def test_eval_without_splits_takes_every_clip(model_path: Path, tiny_emoface: Path, tmp_path: Path) -> None:
    data = tmp_path / "capture"  # the real-capture layout: emotion prefixes, no META, no splits
    for sub in ("WAV", "VALID_CTR"):
        (data / sub).mkdir(parents=True)
    for name in ("s000_angry", "s001_sad", "s002_happy"):
        emotion, sentence = name.split("_")[1], name.split("_")[0]
        (data / "WAV" / f"{emotion}_{sentence}.wav").symlink_to(tiny_emoface / "WAV" / f"{name}.wav")
        (data / "VALID_CTR" / f"{emotion}_{sentence}.txt").symlink_to(tiny_emoface / "VALID_CTR" / f"{name}.txt")
    out = tmp_path / "r.json"
    assert main(["eval", str(model_path), str(data), "-o", str(out), "-q", "--cache", str(tmp_path / "c")]) == 0
    report = json.loads(out.read_text())
    assert report["selection"] == "all clips" and report["overall"]["clips"] == 3


def test_eval_errors_are_one_line(model_path: Path, tiny_emoface: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "exists.json"
    out.write_text("keep")
    assert main(["eval", str(model_path), str(tiny_emoface), "-o", str(out)]) == 2
    assert out.read_text() == "keep"  # checked before any work, never overwritten without --force
    assert main(["eval", str(tmp_path / "nope.pt"), str(tiny_emoface)]) == 2
    assert main(["eval", str(model_path), str(tmp_path / "no-data")]) == 2
    assert main(["eval", str(model_path), str(tiny_emoface), "--split", "dev"]) == 2
    assert main(["eval", str(tmp_path), str(tiny_emoface)]) == 2  # a folder without model.pt
    err = capsys.readouterr().err
    assert err.count("medtalk: error:") == 5 and "Traceback" not in err


def test_markdown_table_shows_spread() -> None:
    table = markdown_table({"a": {"clips": 3, "MLE": 0.12345, "MLE_std": 0.01, "MEE": 1.0, "EIE": 2.0, "FRD": 0.0}})
    assert "| a | 3 | 0.1235 ± 0.0100 | 1.0000 |" in table


def test_pauses_are_long_silences_without_their_edges() -> None:
    from medtalk.eval.real import frame_db, pause_frames

    rate, fps = 16000, 60
    t = np.arange(rate) / rate
    tone = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)  # 1 s
    gap = np.zeros(rate // 2, np.float32)  # 0.5 s: a pause
    blip = np.zeros(rate // 10, np.float32)  # 0.1 s: a gap within speech
    wave = np.concatenate([gap, tone, blip, tone, gap, tone, gap])
    pause = pause_frames(frame_db(wave, round(len(wave) / rate * fps), fps), fps)
    seconds = np.flatnonzero(np.diff(np.concatenate([[0], pause.astype(np.int8), [0]]))) / fps
    # the leading and trailing pauses keep their clip-side end; the middle one loses 0.1 s at each end
    assert np.allclose(seconds, [0.0, 0.4, 2.7, 3.0, 4.2, 4.6], atol=2 / fps), seconds
