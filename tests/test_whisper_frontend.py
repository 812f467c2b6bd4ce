"""The frozen Whisper content front-end: the installed tiny.en weights, rebuilt in torch, against ctranslate2;
Whisper's log-mel against a reference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from medtalk.audio import load_audio
from medtalk.errors import MedtalkError
from medtalk.model.config import WHISPER_CONTENT
from medtalk.model.content import audio_features, frozen_frontend, native_bf16
from medtalk.model.whisper import WhisperFeatures, read_ctranslate2
from medtalk.whisper.mel import log_mel, mel_filters
from medtalk.whisper.models import TINY_EN, model_dir

JFK = Path(__file__).resolve().parents[1] / "examples" / "jfk.flac"
# faster-whisper 1.2.1's FeatureExtractor()(chirp(), padding=0)[:, ::5] as float32, saved with
# np.save before faster-whisper left the project: an independent log-mel to check ours against
MEL_REFERENCE = Path(__file__).resolve().parent / "golden" / "whisper_mel_chirp.npy"
WINDOW = 480_000  # samples in Whisper's 30 s window


@pytest.fixture(scope="module")
def tiny() -> WhisperFeatures:
    return WhisperFeatures(model_dir(TINY_EN))


@pytest.fixture(scope="module")
def jfk() -> np.ndarray:
    return load_audio(JFK)


def _cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(-1) / np.linalg.norm(a, axis=-1) / np.linalg.norm(b, axis=-1)


def chirp() -> np.ndarray:
    """1 s at 16 kHz: a sweep from 100 Hz to 8 kHz (every mel band) over a 440 Hz tone."""
    t = np.arange(16000) / 16000
    return (0.5 * np.sin(2 * np.pi * (100 * t + 3950 * t**2)) + 0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def test_the_log_mel_is_whispers():
    reference = np.load(MEL_REFERENCE)
    mel = log_mel(chirp())
    assert mel.shape == (80, 100) and mel.dtype == np.float32
    # the same arithmetic; the last bit of a few values depends on the CPU's vector code (1.2e-7 seen)
    np.testing.assert_allclose(mel[:, ::5], reference, rtol=0, atol=1e-6)
    assert mel_filters().shape == (80, 201)
    batch = log_mel(np.stack([chirp(), chirp()[::-1] * 0.1]))
    assert batch.shape == (2, 80, 100) and np.array_equal(batch[0], mel)
    assert log_mel(np.zeros(100, np.float32)).shape == (80, 0)


def test_the_torch_encoder_matches_ctranslate2_on_a_real_clip(tiny, jfk):
    import ctranslate2

    mel = log_mel(np.pad(jfk, (0, WINDOW - len(jfk))))
    library = ctranslate2.models.Whisper(str(model_dir(TINY_EN)), device="cpu", compute_type="float32",
                                         intra_threads=2)
    theirs = np.array(library.encode(ctranslate2.StorageView.from_array(mel[None])))[0]
    ours = tiny.encoder(torch.from_numpy(mel)[None])[0].numpy()
    assert ours.shape == theirs.shape == (1500, 384)
    assert _cosine(ours.ravel(), theirs.ravel()) >= 0.999
    assert _cosine(ours, theirs).min() >= 0.999  # every frame, not only on average


def test_any_length_and_any_layer(tiny, jfk):
    short = jfk[:16000 + 123]
    out = tiny(torch.from_numpy(short)[None])
    assert out.shape == (1, -(-len(short) // 320), 384)
    assert tiny(torch.zeros(1, 1)).shape == (1, 1, 384)
    two = WhisperFeatures(model_dir(TINY_EN), layer=2)
    assert two.encoder.depth == 4 and len(two.encoder.blocks) == 2 and two.encoder.norm is None
    inner = two(torch.from_numpy(short)[None])
    assert inner.shape == out.shape and not torch.allclose(inner, out)
    # longer than one window: encoded in 30 s pieces that join on the frame grid
    long = np.concatenate([jfk, jfk, jfk])
    assert tiny(torch.from_numpy(long)[None]).shape[1] == -(-len(long) // 320)


def test_the_front_end_is_frozen(tiny):
    assert not any(p.requires_grad for p in tiny.parameters())
    torch.nn.Sequential(tiny).train()  # training a model that holds it leaves it in eval mode
    assert not any(m.training for m in tiny.modules())


def test_the_content_features_of_the_whisper_preset(jfk):
    features = audio_features(jfk[:32000], WHISPER_CONTENT)
    assert features.shape == (100, WHISPER_CONTENT.input_dim) and features.dtype == np.float32
    assert np.isfinite(features).all()


@pytest.mark.skipif(not native_bf16(), reason="this CPU has no native bfloat16: inference stays in float32")
def test_the_bfloat16_front_end_of_inference_stays_close(jfk):
    exact = audio_features(jfk, WHISPER_CONTENT)
    fast = audio_features(jfk, WHISPER_CONTENT, fast=True)
    assert fast.shape == exact.shape and fast.dtype == np.float32
    assert not np.array_equal(fast, exact)  # it did run in bfloat16
    assert _cosine(fast, exact).min() >= 0.998
    assert np.linalg.norm(fast - exact) <= 0.02 * np.linalg.norm(exact)
    # inference's bfloat16 copy leaves the front-end that training reads as it was
    assert np.array_equal(audio_features(jfk, WHISPER_CONTENT), exact)
    encoder = frozen_frontend(WHISPER_CONTENT).encoder
    assert encoder.gelu == "tanh" and encoder.blocks[0].ffn_in.weight.dtype == torch.float32


def test_bad_models_are_one_clear_error(tmp_path):
    with pytest.raises(MedtalkError, match="no CTranslate2 Whisper model"):
        WhisperFeatures(tmp_path)
    (tmp_path / "model.bin").write_bytes(b"\x01\x00\x00\x00\x05\x00junk")
    with pytest.raises(MedtalkError, match="not a CTranslate2"):
        read_ctranslate2(tmp_path / "model.bin")
    with pytest.raises(MedtalkError, match="layer 9 out of range"):
        WhisperFeatures(model_dir(TINY_EN), layer=9)
