"""Baselines: each learned one trains (tiny) through the loop and comes back from its file;
the FaceFormer masks; the alignment-driven performer follows the speech."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from medtalk.errors import MedtalkError
from medtalk.eval.report import animate_wave
from medtalk.infer import load_model as load_for_animation
from medtalk.model.archs import get_arch
from medtalk.model.checkpoint import load_model, save_model
from medtalk.model.faceformer import FaceFormer, alignment_mask, biased_causal_mask
from medtalk.train.loop import TrainOptions, train


@pytest.mark.parametrize("arch", ["faceformer", "endtoend"])
def test_baseline_trains_and_round_trips(arch: str, tiny_emoface: Path, tmp_path: Path) -> None:
    path = train(TrainOptions(tiny_emoface, tmp_path / arch, preset="tiny", arch=arch, epochs_scale=0.1,
                              progress=False, cache=tmp_path / "cache"))
    model, info = load_model(path)
    assert type(model).__name__ == type(get_arch(arch).build(get_arch(arch).preset("tiny"))).__name__
    assert model.config == get_arch(arch).preset("tiny")
    assert info["data"]["arch"] == arch and np.isfinite(info["metrics"]["test"]["MLE"])
    wave = np.random.default_rng(0).standard_normal(16000).astype(np.float32) * 0.1
    first = animate_wave(model, wave, "angry")
    assert first.shape == (60, 174) and np.isfinite(first).all()
    again_path = save_model(tmp_path / "again.pt", model)  # weights already float16-exact: a lossless trip
    again = load_model(again_path)[0]
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), again.state_dict().values()))
    assert np.array_equal(animate_wave(again, wave, "angry"), first)
    with pytest.raises(MedtalkError, match="medtalk eval"):  # animate takes MEDTalk models only
        load_for_animation(path)


def test_baselines_refuse_what_they_cannot_do(tiny_emoface: Path, tmp_path: Path) -> None:
    with pytest.raises(MedtalkError, match="ablations"):
        train(TrainOptions(tiny_emoface, tmp_path / "x", preset="tiny", arch="faceformer", ablation="no-text"))
    with pytest.raises(MedtalkError, match="unknown architecture"):
        get_arch("wav2lip")
    model = get_arch("faceformer").build(get_arch("faceformer").preset("tiny"))
    with pytest.raises(MedtalkError, match="labels only"):
        model(torch.zeros(1, 50, 80), None, None, torch.tensor([0]), 30, guidance=torch.zeros(1, 8))


def test_faceformer_mask_is_causal_windowed_and_biased_by_period() -> None:
    mask = biased_causal_mask(10, heads=2, period=3, context=5)
    assert mask.shape == (2, 10, 10)
    assert torch.isinf(mask[:, 2, 3]).all()  # the future
    assert torch.isinf(mask[:, 9, 4]).all() and torch.isfinite(mask[:, 9, 5]).all()  # beyond the window
    assert mask[0, 6, 6] == 0 and mask[0, 6, 4] == 0 and mask[0, 6, 3] < 0  # one step of bias per period
    assert mask[0, 9, 5] < mask[0, 9, 8] and mask[1, 9, 5] > mask[0, 9, 5]  # steeper for the first head
    assert torch.isfinite(alignment_mask(4)).sum() == 4


def test_faceformer_decodes_autoregressively_as_trained() -> None:
    """With its own outputs fed back, the autoregressive pass equals a teacher-forced pass on them."""
    torch.manual_seed(0)
    model = FaceFormer(get_arch("faceformer").preset("tiny")).eval()
    torch.nn.init.normal_(model.out.weight, std=0.1)  # an untrained model outputs the rest pose only
    audio, emotion = torch.randn(1, 100, 80), torch.tensor([2])
    with torch.no_grad():
        rig = model(audio, None, None, emotion, 60).rig  # 1 s: 30 decoder steps
        batch = {"rig": rig, "audio": audio, "audio_mask": torch.ones(1, 100, dtype=torch.bool), "emotion": emotion}
        forced = model.train_forward(batch)
    assert torch.allclose(forced, rig, atol=1e-4)


def test_performer_baseline_follows_the_aligned_speech() -> None:
    from medtalk.eval.performer import animate_aligned
    from medtalk.rig import index
    from medtalk.synth.performer import perform

    text = "My mother baked a lemon pie on a windy Monday morning."
    take = perform(text, "happy", seed=3)
    values = animate_aligned(take.utterance.audio, text, "happy")
    truth = take.rig.values
    assert values.shape == truth.shape
    jaw = index("CTRL_C_jaw-translateY")
    assert np.corrcoef(values[:, jaw], truth[:, jaw])[0, 1] > 0.6  # the lips follow the aligned phones


def test_performer_on_recognised_phones_follows_english_speech() -> None:
    from medtalk.eval.performer import animate_recognised
    from medtalk.rig import index
    from medtalk.synth.performer import perform

    take = perform("My mother baked a lemon pie on a windy Monday morning.", "neutral", seed=3)
    values = animate_recognised(take.utterance.audio, "neutral")
    truth = take.rig.values
    assert values.shape == truth.shape
    jaw = index("CTRL_C_jaw-translateY")
    assert np.corrcoef(values[:, jaw], truth[:, jaw])[0, 1] > 0.5  # no transcript: the phones as heard (measured 0.71)
