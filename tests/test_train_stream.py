"""The stream stage: windows cut as ``medtalk.live`` cuts them; it trains the audio branch alone."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import numpy as np
import pytest
import torch
from model_fixtures import tiny_emoface  # noqa: F401  (session fixture)

from medtalk.data.clips import as_float, load_dataset
from medtalk.data.frozen import cache_frozen
from medtalk.errors import MedtalkError
from medtalk.infer import window_inputs
from medtalk.model import preset
from medtalk.model.checkpoint import load_model, save_model
from medtalk.model.config import WHISPER_CONTENT
from medtalk.model.medtalk import MEDTalk
from medtalk.train import loop
from medtalk.train.stages import ARCH_STAGES, STREAM, select_stages
from medtalk.train.windows import StreamWindows


def _tiny_whisper():
    """The tiny preset over tiny.en's first two blocks."""
    content = dataclasses.replace(WHISPER_CONTENT, channels=32, dilations=(1, 2), whisper_layer=2)
    return dataclasses.replace(preset("tiny"), content=content)


@pytest.mark.parametrize("frontend", ["log_mel", "whisper"])
def test_a_window_holds_what_the_stream_computes_on_its_audio(tiny_emoface: Path, tmp_path: Path,
                                                              frontend: str, monkeypatch) -> None:
    # in float32, as training reads it: inference runs the front-end in bfloat16 where the CPU has
    # it natively (tests/test_whisper_frontend.py bounds that difference)
    monkeypatch.setattr("medtalk.model.content.native_bf16", lambda: False)
    config = preset("tiny") if frontend == "log_mel" else _tiny_whisper()
    clips = load_dataset(tiny_emoface, tmp_path / "cache", progress=False).clips["train"][:3]
    cache_frozen(clips, config.content, tmp_path / "cache", progress=False)
    model = MEDTalk(config)
    windows = StreamWindows(clips, config, crop_seconds=1.0, share=1.0, augment=0.0)
    for k, clip in enumerate(clips * 2):
        rng = np.random.default_rng(k)
        rng.random()  # the draw that makes the item a window
        start, final, end = windows.window(clip, rng)
        item = windows.item(clip, np.random.default_rng(k))
        stream = window_inputs(model, as_float(clip.samples), start, end, None)  # what Stream._step feeds the model
        assert np.array_equal(item["audio"], stream["audio"]) and np.array_equal(item["prosody"], stream["prosody"])
        assert np.array_equal(item["rig"], clip.rig[start:end])
        assert end - final <= windows.hop + windows.max_lookahead and start <= max(0, final - windows.context)
        assert item["edge"].sum() == end - final and item["edge"][-1] and not item["edge"][: final - start].any()
        if frontend == "whisper":  # a cut window's states are not a slice of the whole clip's
            first = round(start * config.content.input_rate / config.fps)
            whole = clip.frozen[first : first + len(item["audio"])].astype(np.float32)
            assert np.abs(whole[-3:] - item["audio"][-3:]).max() > 0.1


def test_batches_mix_windows_and_crops(tiny_emoface: Path, tmp_path: Path) -> None:
    clips = load_dataset(tiny_emoface, tmp_path / "cache", progress=False).clips["train"]
    batch = StreamWindows(clips, preset("tiny"), crop_seconds=1.0, share=0.5).batch(np.arange(16),
                                                                                     np.random.default_rng(0))
    edges = batch["edge_mask"].sum(dim=1)
    assert 0 < int((edges > 0).sum()) < 16  # some items are windows, some crops
    assert not (batch["edge_mask"] & ~batch["mask"]).any()


def test_the_stream_stage_is_asked_for_by_name() -> None:
    stages = ARCH_STAGES["medtalk"]
    assert STREAM not in select_stages(None, available=stages)  # `medtalk train` alone: the paper's four
    assert [s.name for s in select_stages("stream", available=stages)] == ["5-stream"]
    assert select_stages("5", available=stages) == select_stages("stream", available=stages)
    with pytest.raises(MedtalkError, match="--stages"):
        select_stages("streaming", available=stages)


def test_the_stream_stage_trains_the_audio_branch_and_nothing_else(tiny_emoface: Path, tmp_path: Path) -> None:
    torch.manual_seed(0)
    init = tmp_path / "init.pt"
    save_model(init, MEDTalk(preset("tiny")))
    path = loop.train(loop.TrainOptions(data=tiny_emoface, run=tmp_path / "run", init=init, stages="stream",
                                        epochs_scale=0.13, progress=False, threads=1, cache=tmp_path / "cache"))
    before, after = load_model(init)[0].state_dict(), load_model(path)[0].state_dict()
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    assert changed and all(k.startswith("acm.") for k in changed)
    rows = list(csv.DictReader((tmp_path / "run" / "losses.csv").open()))
    assert {r["stage"] for r in rows} == {"5-stream"} and all(float(r["train_edge"]) > 0 for r in rows)
