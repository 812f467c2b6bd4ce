"""Training over a frozen Whisper front-end: features cached once, crops aligned with the rig, --whisper."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from medtalk.data.clips import load_dataset
from medtalk.data.frozen import cache_frozen, frozen_key
from medtalk.model import preset
from medtalk.model.checkpoint import load_model
from medtalk.model.config import WHISPER_CONTENT
from medtalk.model.content import audio_features
from medtalk.train import loop
from medtalk.train.batches import AudioCrops


def _tiny_whisper():
    """The tiny preset over tiny.en's first two blocks: small and quick."""
    tiny = preset("tiny")
    content = dataclasses.replace(WHISPER_CONTENT, channels=32, dilations=(1, 2), whisper_layer=2)
    return dataclasses.replace(tiny, content=content)


def test_features_are_cached_once_and_crops_read_them_in_step(tiny_emoface: Path, tmp_path: Path) -> None:
    config = _tiny_whisper()
    data = load_dataset(tiny_emoface, tmp_path / "cache", progress=False)
    clips = data.clips["train"][:4]
    cache_frozen(clips, config.content, tmp_path / "cache", progress=False)
    folder = tmp_path / "cache" / frozen_key(config.content)
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert len(stamps) == 4
    clip = clips[0]
    fresh = audio_features(clip.samples.astype(np.float32) / 32768.0, config.content)
    assert clip.frozen.shape == fresh.shape and np.allclose(clip.frozen, fresh, atol=2e-2)
    cache_frozen(clips, config.content, tmp_path / "cache", progress=False)  # read back, not recomputed
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamps

    crops = AudioCrops(clips, config, crop_seconds=1.0, augment=0.0)
    item = crops.item(clip, np.random.default_rng(3))
    start = next(s for s in range(len(clip.frozen)) if np.array_equal(clip.frozen[s : s + len(item["audio"])],
                                                                          item["audio"].astype(np.float16)))
    assert start % 5 == 0  # crops start on the 0.1 s grid shared by the rig, the mel and the states
    rng = np.random.default_rng(0)
    for _ in range(3):  # with silence, speed perturbation and noise, the states still span the rig's time
        batch = AudioCrops(clips, config, crop_seconds=1.0, augment=1.0).batch(np.arange(4), rng)
        for i in range(4):
            audio_s, rig_s = batch["audio_mask"][i].sum().item() / 50, batch["mask"][i].sum().item() / 60
            assert abs(audio_s - rig_s) <= 0.03


@pytest.mark.slow
def test_a_new_front_end_trains_its_acm_on_a_model(tiny_emoface: Path, tmp_path: Path) -> None:
    opts = dict(data=tiny_emoface, epochs_scale=0.05, progress=False, threads=1, cache=tmp_path / "cache")
    base = loop.train(loop.TrainOptions(run=tmp_path / "base", preset="tiny", stages="1", **opts))
    path = loop.train(loop.TrainOptions(run=tmp_path / "whisper", preset="tiny", init=base, stages="2",
                                        whisper="tiny.en", whisper_layer=2, **opts))
    model = load_model(path)[0]
    assert model.config.content.frontend == "whisper" and model.config.content.input_dim == 384
    before = load_model(base)[0].state_dict()
    after = model.state_dict()
    assert all(np.array_equal(before[k].numpy(), after[k].numpy()) for k in before if k.startswith("disentangle."))
