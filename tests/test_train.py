"""Training: the tiny preset through every stage, resuming, run-folder safety, data layouts."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from model_fixtures import JAW

from medtalk.data.clips import Clip, ClipInfo, load_dataset, repeat_loaded, scan
from medtalk.errors import MedtalkError
from medtalk.model import preset
from medtalk.model.checkpoint import load_model
from medtalk.rig import read_rig
from medtalk.train import epochs, loop
from medtalk.train.batches import AudioCrops, RigPairs
from medtalk.train.stages import STAGES, select_stages


@pytest.mark.slow
def test_tiny_preset_trains_through_all_stages(tiny_run: Path) -> None:
    rows = list(csv.DictReader((tiny_run / "losses.csv").open()))
    assert [s.name for s in STAGES] == list(dict.fromkeys(r["stage"] for r in rows))
    assert (tiny_run / "losses.png").stat().st_size > 1000
    content = [float(r["train_total"]) for r in rows if r["stage"] == "2-content"]
    assert content[-1] < content[0]  # the content mapping learns
    model, info = load_model(tiny_run / "model.pt")
    assert info["metrics"]["test"]["clips"] == 7 and np.isfinite(info["metrics"]["test"]["MLE"])
    assert not (tiny_run / "model.unscored.pt").exists()  # model.pt is written once scored
    assert info["data"]["clips"] == {"train": 28, "val": 7, "test": 7}
    assert model.config == preset("tiny")


def _stop_after(calls: int, real):
    count = {"n": 0}

    def epoch(*args, **kwargs):
        if count["n"] == calls:
            raise KeyboardInterrupt
        count["n"] += 1
        return real(*args, **kwargs)

    return epoch


def test_resume_after_interruption_gives_the_same_weights(tiny_emoface: Path, tmp_path: Path, monkeypatch) -> None:
    opts = dict(data=tiny_emoface, preset="tiny", stages="1,2", epochs_scale=0.1, progress=False, threads=1)
    straight = loop.train(loop.TrainOptions(run=tmp_path / "a", **opts))
    monkeypatch.setattr(loop, "_train_epoch", _stop_after(2, loop._train_epoch))
    with pytest.raises(KeyboardInterrupt):
        loop.train(loop.TrainOptions(run=tmp_path / "b", **opts))
    monkeypatch.undo()
    assert not (tmp_path / "b" / "model.pt").exists()
    with pytest.raises(MedtalkError, match="--resume"):
        loop.train(loop.TrainOptions(run=tmp_path / "b", **opts))
    resumed = loop.train(loop.TrainOptions(run=tmp_path / "b", resume=True, **opts))
    a, b = load_model(straight)[0].state_dict(), load_model(resumed)[0].state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    rows = list(csv.DictReader((tmp_path / "b" / "losses.csv").open()))
    assert len(rows) == sum(s.epochs for s in select_stages("1,2", 0.1))  # one per epoch, none repeated


def test_audio_crops_keep_audio_and_rig_aligned(tiny_emoface: Path, tmp_path: Path) -> None:
    data = load_dataset(tiny_emoface, tmp_path / "cache", progress=False)
    crops = AudioCrops(data.clips["train"], preset("tiny"), crop_seconds=2.0, augment=0.0)
    batch = crops.batch(np.arange(8), np.random.default_rng(0))
    assert batch["rig"].shape[0] == 8 and batch["rig"].shape[1] <= 120
    for i in range(8):
        frames = int(batch["mask"][i].sum())
        loudness = batch["mel"][i, : int(batch["audio_mask"][i].sum())].mean(dim=-1).numpy()
        at_rig = np.interp(np.arange(frames) / 60, np.arange(len(loudness)) / 100, loudness)
        jaw = batch["rig"][i, :frames, JAW].numpy()
        assert np.corrcoef(at_rig, jaw)[0, 1] > 0.6  # the buzz is loud exactly when the jaw opens


def test_intensity_curve_stays_aligned_through_augmentation(tiny_emoface: Path, tmp_path: Path) -> None:
    import medtalk.train.batches as batches

    data = load_dataset(tiny_emoface, tmp_path / "cache", progress=False)
    crops = AudioCrops(data.clips["train"], preset("tiny"), crop_seconds=2.0, augment=1.0)
    rng = np.random.default_rng(1)
    for _ in range(3):  # speed perturbation and silence padding edit rig and curve alike
        batch = crops.batch(np.arange(8), rng)
        for i in range(8):
            frames = batch["mask"][i] & batch["intensity_mask"][i]
            jaw, curve = batch["rig"][i, frames, JAW].numpy(), batch["intensity"][i, frames].numpy()
            assert np.allclose(curve, 0.2 + 1.2 * jaw, atol=0.01)
    assert batches.P_SILENCE > 0


def test_batches_made_ahead_in_a_thread_are_the_batches_made_in_turn(tiny_emoface: Path, tmp_path: Path) -> None:
    data = load_dataset(tiny_emoface, tmp_path / "cache", progress=False)
    crops = AudioCrops(data.clips["train"], preset("tiny"), crop_seconds=2.0, augment=1.0)
    chunks = [np.arange(i, i + 3) % len(crops) for i in range(0, 12, 3)]
    rng = np.random.default_rng(5)
    in_turn = [crops.batch(c, rng) for c in chunks]
    ahead = list(epochs.prefetched(crops, chunks, np.random.default_rng(5)))
    assert len(ahead) == len(in_turn) == 4
    for a, b in zip(ahead, in_turn):
        assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    assert list(epochs.prefetched(crops, [], rng)) == []


def test_clips_loaded_with_their_emotion_are_repeated() -> None:
    def clip(name: str, emotion: str, text: str | None) -> Clip:
        info = ClipInfo(name, Path(f"{name}.wav"), Path(f"{name}.txt"), emotion, "train", text=text)
        return Clip(info, np.zeros(16, np.int16), np.zeros((1, 174), np.float32), np.zeros((1, 4), np.float32), None)

    clips = [clip("a", "angry", "They were Furious!"), clip("b", "happy", "They were furious."),
             clip("c", "angry", "The boat was blue."), clip("d", "angry", None)]
    assert repeat_loaded(clips, 1) == clips
    counts = {c.info.id: n for c in clips if (n := sum(x is c for x in repeat_loaded(clips, 3)))}
    assert counts == {"a": 3, "b": 1, "c": 1, "d": 1}
    assert next(s for s in STAGES if s.name == "3-intensity").loaded_repeat > 1


def test_rig_pairs_use_aligned_sentences(tiny_emoface: Path, tmp_path: Path) -> None:
    data = load_dataset(tiny_emoface, tmp_path / "cache", progress=False)
    assert set(data.aligned) == {"s000", "s001", "s002", "s003"}  # val/test sentences held out
    pairs = RigPairs(data.aligned, data.clips["train"], crop_frames=60)
    batch = pairs.batch(np.arange(len(pairs)), np.random.default_rng(0))
    aligned = batch["has_content_pair"]
    assert aligned[: 4 * 7].all() and not aligned[4 * 7 :].any()
    # same sentence: the jaw (content) agrees, the emotion marker differs
    same = batch["pair_mask"][0]
    assert torch.allclose(batch["rig"][0, same, JAW], batch["content_pair"][0, same, JAW], atol=1e-3)


def test_capture_layout_without_meta(tiny_emoface: Path, tmp_path: Path) -> None:
    root = tmp_path / "capture"
    (root / "WAV").mkdir(parents=True)
    (root / "VALID_CTR").mkdir()
    for clip in sorted((tiny_emoface / "WAV").glob("*.wav"))[:10]:
        sentence, emotion = clip.stem.split("_")
        shutil.copy(clip, root / "WAV" / f"{emotion}_{sentence}.wav")
        shutil.copy(tiny_emoface / "VALID_CTR" / f"{clip.stem}.txt", root / "VALID_CTR" / f"{emotion}_{sentence}.txt")
    infos, aligned = scan(root)
    assert len(infos) == 10 and not aligned
    assert {i.split for i in infos} == {"train", "val", "test"}
    assert all(i.text is None and i.emotion == i.id.split("_")[0] for i in infos)
    data = load_dataset(root, tmp_path / "cache", progress=False)
    assert all(c.tokens is None for split in data.clips.values() for c in split)
    (root / "VALID_CTR" / "mystery.txt").write_text((root / "VALID_CTR" / f"{infos[0].id}.txt").read_text())
    shutil.copy(infos[0].wav, root / "WAV" / "mystery.wav")
    with pytest.raises(MedtalkError, match="mystery: no emotion"):
        scan(root)


def test_bad_layouts_and_options_fail_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(MedtalkError, match="EmoFace"):
        scan(tmp_path)
    with pytest.raises(MedtalkError, match="no stage"):
        select_stages("5")
    with pytest.raises(MedtalkError, match="epochs-scale"):
        select_stages(None, 0)
    assert [s.epochs for s in select_stages("2", 0.01)] == [1]
    for bad in ({"preset": "timed"}, {"stages": "5"}, {"arch": "nope"}, {"init": tmp_path / "missing.pt"}):
        with pytest.raises(MedtalkError):
            loop.train(loop.TrainOptions(tmp_path, tmp_path / "run", progress=False, **bad))
        assert not (tmp_path / "run").exists()  # nothing is made for a run that cannot start


def test_rig_fixture_is_valid(tiny_emoface: Path) -> None:
    rig = read_rig(next((tiny_emoface / "VALID_CTR").glob("*.txt")))
    assert rig.values[:, JAW].max() > 0.1
