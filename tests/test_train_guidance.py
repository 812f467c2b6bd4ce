"""Stage 4: training P_text, P_image and E_fuse on descriptions and synthesised face descriptors."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import torch

from medtalk.data.clips import load_dataset
from medtalk.errors import MedtalkError
from medtalk.model import preset
from medtalk.model.checkpoint import load_model
from medtalk.train import loop
from medtalk.train.guidance_data import (
    DESCRIPTIONS_PER_CLIP,
    GuidedCrops,
    clip_descriptions,
)


@pytest.mark.parametrize("more", ["4", None])  # --stages 4, or all stages (`make model` on an older run)
def test_a_finished_run_takes_stage_4_on_resume(more: str | None, tiny_emoface: Path, tmp_path: Path) -> None:
    opts = dict(data=tiny_emoface, run=tmp_path / "run", preset="tiny", epochs_scale=0.1, progress=False, threads=1)
    before, _ = load_model(loop.train(loop.TrainOptions(stages="1,2,3", **opts)))
    assert not before.guidance.trained
    with pytest.raises(MedtalkError, match="--resume"):
        loop.train(loop.TrainOptions(stages=more, **opts))
    after, info = load_model(loop.train(loop.TrainOptions(stages=more, resume=True, **opts)))
    assert after.guidance.trained
    assert info["data"]["stages"][-1] == "4-guidance" and len(info["data"]["stages"]) == 6
    rows = list(csv.DictReader((tmp_path / "run" / "losses.csv").open()))
    assert rows[-1]["stage"] == "4-guidance" and float(rows[-1]["train_text_sim"]) >= 0
    a, b = before.state_dict(), after.state_dict()
    changed = {k for k in a if not torch.equal(a[k], b[k])}
    # only P_text, P_image and E_fuse train in stage 4
    assert changed and all(k.startswith(("guidance.", "fim.fuse.")) for k in changed), changed
    assert any(k.startswith("guidance.text") for k in changed) and any(k.startswith("fim.fuse") for k in changed)
    cached = sorted((tmp_path / "run" / "cache" / "descriptions").glob("*.npz"))
    assert len(cached) == 35  # train and val clips, embedded once
    with pytest.raises(MedtalkError, match="differ"):  # the finished run does not take stage 3 again
        loop.train(loop.TrainOptions(stages="3", resume=True, **opts))


def test_guided_batches_carry_a_description_and_a_descriptor(tiny_emoface: Path, tmp_path: Path) -> None:
    data = load_dataset(tiny_emoface, tmp_path / "cache", progress=False)
    clips = data.clips["train"][:4]
    texts = clip_descriptions(clips[0])
    assert len(texts) == DESCRIPTIONS_PER_CLIP and texts == clip_descriptions(clips[0])  # seeded per clip
    crops = GuidedCrops(clips, preset("tiny"), 2.0, tmp_path / "cache", augment=0.0, progress=False)
    again = GuidedCrops(clips, preset("tiny"), 2.0, tmp_path / "cache", augment=0.0, progress=False)
    assert all(np.array_equal(crops.embeddings[k], again.embeddings[k]) for k in crops.embeddings)  # from the cache
    batch = crops.batch(np.arange(4), np.random.default_rng(0))
    assert batch["description"].shape == (4, 384) and batch["descriptor"].shape == (4, 39)
    assert torch.allclose(batch["description"].norm(dim=1), torch.ones(4), atol=1e-2)
    other = crops.batch(np.arange(4), np.random.default_rng(1))
    assert not torch.equal(batch["descriptor"], other["descriptor"])  # a new face every time


def test_descriptions_embedded_on_two_threads_match_one_at_a_time(tiny_emoface: Path, tmp_path: Path, monkeypatch) -> None:
    import medtalk.train.guidance_data as guidance_data
    from medtalk.text import default_text_encoder

    clips = load_dataset(tiny_emoface, tmp_path / "cache", progress=False).clips["train"][:5]
    monkeypatch.setattr(guidance_data, "CHUNK_CLIPS", 1)  # five chunks shared by the threads
    embedded = guidance_data.description_embeddings(clips, tmp_path / "cache", progress=False)
    assert list(embedded) == [c.info.id for c in clips]
    for clip in clips:
        alone = default_text_encoder().sentences(clip_descriptions(clip))
        np.testing.assert_allclose(embedded[clip.info.id], alone, atol=2e-3)  # stored as float16
