"""The synthetic dataset: layout, determinism across jobs, resuming, splits, refusals."""

from __future__ import annotations

import json
import shutil
import wave
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from medtalk.cli import main
from medtalk.emotions import EMOTIONS, emotion_from_filename
from medtalk.errors import MedtalkError
from medtalk.rig import NUM_CONTROLS, read_rig
from medtalk.synth.corpus import TRAIN_ONLY_VOICES, VOICES
from medtalk.synth.dataset import generate_dataset, plan

SENTENCES, SEED = 3, 7


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ds") / "out"
    return generate_dataset(out, SENTENCES, SEED, jobs=1, progress=False)


def test_layout_is_emoface_compatible(dataset):
    clips = sorted(p.stem for p in (dataset / "WAV").glob("*.wav"))
    assert len(clips) == SENTENCES * len(EMOTIONS)
    assert sorted(p.stem for p in (dataset / "VALID_CTR").glob("*.txt")) == clips
    assert sorted(p.stem for p in (dataset / "META").glob("*.json")) == clips
    for clip in clips:
        emotion, speaker, sentence = clip.split("_")
        assert emotion_from_filename(clip) == emotion and len(sentence) == 5
    index = [json.loads(line) for line in (dataset / "meta.jsonl").read_text().splitlines()]
    assert sorted(row["id"] for row in index) == clips
    row = index[0]
    with wave.open(str(dataset / "WAV" / f"{row['id']}.wav")) as wav:
        assert (wav.getframerate(), wav.getnchannels()) == (16000, 1)
        assert wav.getnframes() / 16000 == pytest.approx(row["duration"], abs=1e-3)
    rig = read_rig(dataset / "VALID_CTR" / f"{row['id']}.txt")
    assert rig.values.shape == (row["num_frames"], NUM_CONTROLS)
    assert row["num_frames"] == round(row["duration"] * 60)
    meta = json.loads((dataset / "META" / f"{row['id']}.json").read_text())
    assert meta["text"] == row["text"] and meta["emotion"] == row["emotion"] and meta["split"] == row["split"]
    assert meta["phonemes"] and len(meta["intensity"]) == row["num_frames"]
    # all seven emotions of a sentence share text and voice; their audio differs (emotional prosody)
    by_sentence = {}
    for r in index:
        by_sentence.setdefault(r["sentence_id"], []).append(r)
    for rows in by_sentence.values():
        assert {r["emotion"] for r in rows} == set(EMOTIONS)
        assert len({(r["text"], r["voice"]) for r in rows}) == 1
        assert len({r["num_frames"] for r in rows}) > 1


def test_aligned_rigs_share_timing_and_differ_in_emotion(dataset):
    folders = sorted((dataset / "ALIGNED_CTR").iterdir())
    assert [f.name for f in folders] == [f"{i:05d}" for i in range(SENTENCES)]
    rigs = {e: read_rig(folders[0] / f"{e}.txt").values for e in EMOTIONS}
    assert len({r.shape for r in rigs.values()}) == 1
    assert np.abs(rigs["happy"] - rigs["sad"]).max() > 0.1


def test_splits_are_disjoint_in_sentences_and_voices(dataset):
    splits = json.loads((dataset / "splits.json").read_text())
    sentences = [set(splits[f"{s}_sentences"]) for s in ("train", "val", "test")]
    voices = [set(splits[f"{s}_voices"]) for s in ("train", "val", "test")]
    assert all(sentences) and all(voices)
    for i in range(3):
        for j in range(i + 1, 3):
            assert not sentences[i] & sentences[j] and not voices[i] & voices[j]
    assert sum(len(splits[s]) for s in ("train", "val", "test")) == SENTENCES * len(EMOTIONS)


def test_plan_at_scale_keeps_test_voices_and_sentences_unseen():
    units = plan(300, seed=1, languages=("en", "cmn"))
    assert [u.language for u in units[:4]] == ["en", "cmn", "en", "cmn"]
    assert all(u.voice in VOICES[u.language] + TRAIN_ONLY_VOICES.get(u.language, ()) for u in units)
    assert all(u.split == "train" for u in units if u.voice not in VOICES[u.language])
    share = Counter(u.split for u in units)
    assert share["train"] == 240 and share["val"] == share["test"] == 30
    voices = {s: {u.voice for u in units if u.split == s} for s in ("train", "val", "test")}
    assert not voices["train"] & (voices["val"] | voices["test"]) and not voices["val"] & voices["test"]
    texts = {s: {u.text for u in units if u.split == s} for s in ("train", "test")}
    assert not texts["train"] & texts["test"]
    assert plan(300, seed=1, languages=("en", "cmn")) == units


def test_jobs_do_not_change_a_single_byte(dataset, tmp_path):
    parallel = generate_dataset(tmp_path / "par", SENTENCES, SEED, jobs=2, progress=False)
    assert snapshot(parallel) == snapshot(dataset)


def test_resume_regenerates_exactly_the_missing_files(dataset, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(dataset, out)
    original = snapshot(out)
    victims = [
        sorted((out / "WAV").glob("*.wav"))[4],
        sorted((out / "META").glob("*.json"))[9],
        out / "ALIGNED_CTR" / "00001" / "fear.txt",
        out / "meta.jsonl",
    ]
    for path in victims:
        path.unlink()
    (out / "WAV" / ".angry_x.wav.abc.tmp.wav").write_bytes(b"half")  # left by a killed worker
    untouched = {p: p.stat().st_mtime_ns for p in out.rglob("*.txt") if p not in victims}
    generate_dataset(out, SENTENCES, SEED, jobs=1, progress=False)
    assert snapshot(out) == original
    assert {p: p.stat().st_mtime_ns for p in untouched} == untouched


def test_refuses_foreign_or_different_folders(dataset, tmp_path):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(MedtalkError, match="not a medtalk dataset"):
        generate_dataset(foreign, SENTENCES, SEED, progress=False)
    with pytest.raises(MedtalkError, match="different arguments.*seed"):
        generate_dataset(dataset, SENTENCES, SEED + 1, progress=False)
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    with pytest.raises(MedtalkError, match="not a folder"):
        generate_dataset(not_a_folder, SENTENCES, SEED, progress=False)
    with pytest.raises(MedtalkError):
        generate_dataset(tmp_path / "new", 0, SEED, progress=False)
    assert not (tmp_path / "new").exists()


def test_force_regenerates_and_drops_clips_of_the_old_config(dataset, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(dataset, out)
    generate_dataset(out, 2, SEED, jobs=1, progress=False, force=True)
    assert len(list((out / "WAV").glob("*.wav"))) == 2 * len(EMOTIONS)
    assert sorted(p.name for p in (out / "ALIGNED_CTR").iterdir()) == ["00000", "00001"]
    assert len((out / "meta.jsonl").read_text().splitlines()) == 2 * len(EMOTIONS)


def test_cli(tmp_path, capsys):
    out = tmp_path / "cli"
    assert main(["synth", "dataset", str(out), "--sentences", "1", "--seed", "3", "-j", "1", "-q"]) == 0
    assert len(list((out / "VALID_CTR").glob("*.txt"))) == len(EMOTIONS)
    assert capsys.readouterr().out == ""
    assert main(["synth", "dataset", str(out), "--sentences", "1", "--languages", "en,klingon", "-q"]) == 2
    assert "unknown language klingon" in capsys.readouterr().err
