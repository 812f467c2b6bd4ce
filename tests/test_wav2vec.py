"""The optional Wav2Vec2 front-end, loaded through the real code path from a tiny random model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from medtalk.errors import MedtalkError
from medtalk.model.wav2vec import Wav2Vec2Features

STRIDE = 5 * 4  # conv_stride of the tiny model: 800 frames/s at 16 kHz


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from transformers import Wav2Vec2Config, Wav2Vec2Model

    torch.manual_seed(0)
    config = Wav2Vec2Config(
        hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=37,
        conv_dim=(8, 8), conv_stride=(5, 4), conv_kernel=(10, 4),
        num_conv_pos_embeddings=8, num_conv_pos_embedding_groups=2, vocab_size=12,
    )
    folder = tmp_path_factory.mktemp("tiny_wav2vec2")
    Wav2Vec2Model(config).save_pretrained(folder)
    return folder


def test_shapes_rate_and_layers(tiny_dir: Path) -> None:
    frontend = Wav2Vec2Features(tiny_dir)
    assert frontend.dim == 32 and frontend.rate == 16000 / STRIDE
    wave = torch.randn(2, 16000)
    out = frontend(wave)
    expected_frames = ((16000 - 10) // 5 + 1 - 4) // 4 + 1
    assert out.shape == (2, expected_frames, 32) and torch.isfinite(out).all()
    first = Wav2Vec2Features(tiny_dir, layer=1)(wave)
    assert first.shape == out.shape and not torch.allclose(first, out)
    torch.testing.assert_close(Wav2Vec2Features(tiny_dir, layer=2)(wave), out)


def test_frozen_and_deterministic_even_in_train_mode(tiny_dir: Path) -> None:
    frontend = Wav2Vec2Features(tiny_dir)
    assert not any(p.requires_grad for p in frontend.parameters())
    parent = torch.nn.Sequential(frontend).train()
    assert not frontend.model.training
    wave = torch.randn(1, 4000, requires_grad=True)
    out = parent(wave)
    assert not out.requires_grad
    torch.testing.assert_close(parent(wave), out)


def test_input_is_normalised_and_tiny_input_works(tiny_dir: Path) -> None:
    frontend = Wav2Vec2Features(tiny_dir)
    wave = torch.randn(1, 3000)
    torch.testing.assert_close(frontend(wave * 0.01), frontend(wave), atol=1e-4, rtol=1e-4)
    assert frontend(torch.zeros(1, 1)).shape == (1, 1, 32)


def test_reads_do_normalize(tiny_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    folder.mkdir()
    for item in tiny_dir.iterdir():
        (folder / item.name).write_bytes(item.read_bytes())
    (folder / "preprocessor_config.json").write_text(json.dumps({"do_normalize": False}))
    raw = Wav2Vec2Features(folder)
    wave = torch.randn(1, 3000)
    assert not torch.allclose(raw(wave * 0.01), raw(wave), atol=1e-3)


def test_clear_errors(tiny_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(MedtalkError, match="no such"):
        Wav2Vec2Features(tmp_path / "missing")
    with pytest.raises(MedtalkError, match="no config.json"):
        Wav2Vec2Features(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "bert", "hidden_size": 8}))
    with pytest.raises(MedtalkError, match="not wav2vec2"):
        Wav2Vec2Features(tmp_path)
    with pytest.raises(MedtalkError, match="layer 5 out of range"):
        Wav2Vec2Features(tiny_dir, layer=5)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text((tiny_dir / "config.json").read_text())
    with pytest.raises(MedtalkError, match="cannot load"):
        Wav2Vec2Features(broken)
