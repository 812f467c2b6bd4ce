"""The model modules on small random tensors: shapes, masks, config round trips, checkpoints."""

from __future__ import annotations

import pytest
import torch

from medtalk.errors import MedtalkError
from medtalk.model import MEDTalk, ModelConfig, preset
from medtalk.model.checkpoint import load_model, save_model
from medtalk.model.conv import Conv1d
from medtalk.model.intensity import intensity_rescale
from medtalk.model.medtalk import pseudo_intensity as torch_pseudo_intensity
from medtalk.model.medtalk import resample_time


def _inputs(batch: int = 2, frames: int = 150, tokens: int = 5, seed: int = 0) -> dict:
    g = torch.Generator().manual_seed(seed)
    return {
        "audio": torch.randn(batch, frames, 80, generator=g),
        "prosody": torch.randn(batch, frames, 14, generator=g),
        "text": torch.randn(batch, tokens, 384, generator=g),
    }


@pytest.fixture
def tiny() -> MEDTalk:
    torch.manual_seed(0)
    return MEDTalk(preset("tiny")).eval()


def test_forward_shapes_at_rig_rate(tiny: MEDTalk) -> None:
    x = _inputs(frames=150)  # 1.5 s of features -> 90 rig frames at 60 fps
    out = tiny(x["audio"], x["prosody"], x["audio"], torch.tensor([0, 4]), 90, text=x["text"])
    assert out.rig.shape == (2, 90, 174)
    assert out.content.shape == out.emotion.shape == (2, 90, 16)
    assert out.intensity.shape == (2, 90) and (out.intensity >= 0).all()


def test_padding_does_not_change_real_frames(tiny: MEDTalk) -> None:
    x = _inputs(batch=1, frames=120)
    alone = tiny(x["audio"], x["prosody"], x["audio"], torch.tensor([2]), 71).rig
    padded_audio = torch.cat([x["audio"], torch.randn(1, 60, 80)], dim=1)
    padded_prosody = torch.cat([x["prosody"], torch.randn(1, 60, 14)], dim=1)
    mask = torch.zeros(1, 180, dtype=torch.bool)
    mask[:, :120] = True
    padded = tiny(padded_audio, padded_prosody, padded_audio, torch.tensor([2]), 71, audio_mask=mask).rig
    # the CMF queries see a short convolution across the boundary; content must be exact
    assert torch.allclose(tiny.content(x["audio"], 71), tiny.content(padded_audio, 71, mask), atol=1e-5)
    assert (alone - padded).abs()[:, :60].max() < 1e-2


@pytest.mark.parametrize("gru_hidden, envelope", [(0, 0), (8, 12)])
def test_content_mapping_variants_ignore_padding(gru_hidden: int, envelope: int) -> None:
    from dataclasses import replace

    config = preset("tiny")
    config = replace(config, content=replace(config.content, gru_hidden=gru_hidden, envelope_coeffs=envelope))
    torch.manual_seed(0)
    model = MEDTalk(config).eval()
    x = _inputs(batch=1, frames=120)["audio"]
    padded = torch.cat([x, torch.randn(1, 40, 80)], dim=1)
    mask = torch.arange(160)[None] < 120
    assert torch.allclose(model.content(x, 71), model.content(padded, 71, mask), atol=1e-5)


def test_missing_transcript_uses_no_text_token(tiny: MEDTalk) -> None:
    x = _inputs(batch=1)
    f = tiny.fim.label(torch.tensor([3]))
    none = tiny.intensity(x["prosody"], x["audio"], 90, None, emotion=f)
    masked = tiny.intensity(x["prosody"], x["audio"], 90, x["text"], torch.zeros(1, 5, dtype=torch.bool), emotion=f)
    assert torch.allclose(none, masked, atol=1e-6)
    with_text = tiny.intensity(x["prosody"], x["audio"], 90, x["text"], emotion=f)
    assert not torch.allclose(none, with_text)


def test_label_norm_is_the_intensity() -> None:
    f = torch.tensor([[3.0, 4.0], [0.0, 0.0]])
    level = torch.tensor([[0.5, 2.0], [1.0, 1.0]])
    out = intensity_rescale(f, level)
    assert torch.allclose(out[0].norm(dim=-1), level[0])
    assert torch.isfinite(out).all()


def test_intensity_scale_zero_gives_the_same_face_for_every_label(tiny: MEDTalk) -> None:
    x = _inputs(batch=1)
    rigs = [tiny(x["audio"], x["prosody"], x["audio"], torch.tensor([e]), 90, intensity_scale=0.0).rig
            for e in range(7)]
    assert all(torch.allclose(rigs[0], r) for r in rigs[1:])


def test_resample_time_is_linear_in_time() -> None:
    x = torch.arange(100, dtype=torch.float32).view(1, 100, 1)  # value = frame index at 100 Hz
    out = resample_time(x, 100.0, 60.0, 60)
    assert torch.allclose(out[0, :, 0], torch.arange(60) * 100 / 60, atol=1e-4)


def test_pseudo_intensity_matches_numpy_metric() -> None:
    from medtalk.rig import pseudo_intensity

    rig = torch.rand(2, 30, 174) * 2 - 1
    assert torch.allclose(torch_pseudo_intensity(rig), torch.from_numpy(pseudo_intensity(rig.numpy())), atol=1e-5)


def test_config_round_trip_and_unknown_keys() -> None:
    config = preset("default")
    assert ModelConfig.from_dict(config.to_dict()) == config
    data = config.to_dict()
    data["content"]["channelz"] = 3
    with pytest.raises(MedtalkError, match="channelz"):
        ModelConfig.from_dict(data)
    with pytest.raises(MedtalkError, match="unknown preset"):
        preset("huge")


def test_checkpoint_round_trip(tmp_path, tiny: MEDTalk) -> None:
    path = save_model(tmp_path / "m.pt", tiny, data={"clips": 3}, metrics={"MLE": 0.1})
    model, info = load_model(path)
    assert model.config == tiny.config and info["data"] == {"clips": 3} and info["metrics"] == {"MLE": 0.1}
    x = _inputs(batch=1)
    a = tiny(x["audio"], x["prosody"], x["audio"], torch.tensor([1]), 90).rig
    b = model(x["audio"], x["prosody"], x["audio"], torch.tensor([1]), 90).rig
    assert (a - b).abs().max() < 5e-3  # weights are stored in float16
    with pytest.raises(MedtalkError, match="exists"):
        save_model(path, tiny)


def test_damaged_or_foreign_checkpoints_fail_in_one_line(tmp_path, tiny: MEDTalk) -> None:
    path = save_model(tmp_path / "m.pt", tiny)
    payload = torch.load(path, weights_only=True)
    next(iter(payload["state_dict"].values())).view(-1)[0] += 1
    torch.save(payload, tmp_path / "bad.pt")
    with pytest.raises(MedtalkError, match="checksum"):
        load_model(tmp_path / "bad.pt")
    (tmp_path / "junk.pt").write_text("not a model")
    with pytest.raises(MedtalkError, match="not a medtalk model"):
        load_model(tmp_path / "junk.pt")
    with pytest.raises(MedtalkError, match="no such"):
        load_model(tmp_path / "missing.pt")


@pytest.mark.parametrize(
    ("kernel", "dilation", "stride", "padding", "batch", "frames"),
    [(3, 1, 1, "same", 1, 78), (3, 4, 1, "same", 1, 78), (9, 9, 1, "same", 2, 155), (5, 1, 2, 2, 1, 41),
     (1, 1, 1, 0, 3, 7), (4, 2, 1, "same", 1, 20), (3, 8, 1, 0, 1, 17)],
)
def test_conv1d_inference_is_nn_conv1d(kernel: int, dilation: int, stride: int, padding, batch: int,
                                       frames: int) -> None:
    torch.manual_seed(kernel + dilation)
    conv = Conv1d(12, 7, kernel, dilation=dilation, stride=stride, padding=padding)
    x = torch.randn(batch, 12, frames)
    with torch.inference_mode():
        fast, reference = conv(x), torch.nn.Conv1d.forward(conv, x)
    assert fast.shape == reference.shape
    torch.testing.assert_close(fast, reference, rtol=0, atol=1e-5)
    assert torch.equal(conv(x), torch.nn.Conv1d.forward(conv, x))  # with gradients: nn.Conv1d's own path


def test_conv1d_too_short_for_its_kernel_is_nn_conv1ds_error() -> None:
    conv = Conv1d(4, 4, 5)
    with torch.inference_mode(), pytest.raises(RuntimeError):
        conv(torch.randn(1, 4, 3))
