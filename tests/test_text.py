"""MiniLM transcript features: the real shipped model, offline."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import medtalk
from medtalk.errors import MedtalkError
from medtalk.text import MAX_TOKENS, TEXT_DIM, TextEncoder, default_text_encoder


@pytest.fixture(scope="module")
def encoder() -> TextEncoder:
    return default_text_encoder()


def test_default_encoder_is_cached(encoder: TextEncoder) -> None:
    assert default_text_encoder() is encoder and encoder.dim == TEXT_DIM


def test_tokens_and_word_alignment(encoder: TextEncoder) -> None:
    text = "Hello, wonderful world!"
    states = encoder.tokens(text)
    words = encoder.token_words(text)
    assert states.shape == (len(words), TEXT_DIM) and states.dtype == np.float32
    assert words[0] == 0 and words[-1] == 2 and words == sorted(words)
    assert set(words) == {0, 1, 2}
    assert np.isfinite(states).all()


def test_empty_text_is_one_zero_row(encoder: TextEncoder) -> None:
    for text in ("", "   "):
        assert encoder.tokens(text).shape == (1, TEXT_DIM)
        assert not encoder.tokens(text).any()
        assert encoder.token_words(text) == [-1]


def test_tokens_are_contextual(encoder: TextEncoder) -> None:
    """The same word gets different states in different sentences."""
    a = encoder.tokens("i am so happy today")
    b = encoder.tokens("i am so angry today")
    assert not np.allclose(a[0], b[0], atol=1e-3)


def test_long_text_is_windowed(encoder: TextEncoder) -> None:
    text = " ".join(["and so my fellow americans ask not what your country can do for you"] * 40)
    states = encoder.tokens(text)
    words = encoder.token_words(text)
    assert len(states) == len(words) > MAX_TOKENS
    assert words[-1] == len(text.split()) - 1
    assert np.isfinite(states).all()


def test_sentence_embedding_is_unit_norm_and_semantic(encoder: TextEncoder) -> None:
    furious, angry, train = encoder.sentences(
        ["she is furious with him", "he is very angry", "the train leaves at noon"]
    )
    assert np.linalg.norm(furious) == pytest.approx(1.0, abs=1e-5)
    assert furious @ angry > 0.4 > 0.1 > furious @ train
    np.testing.assert_allclose(encoder.sentence("he is very angry"), angry, atol=1e-5)
    assert encoder.sentences([]).shape == (0, TEXT_DIM)


def test_matches_sentence_transformers(encoder: TextEncoder) -> None:
    st = pytest.importorskip("sentence_transformers")
    reference = st.SentenceTransformer(str(encoder.model_dir), device="cpu")
    texts = ["Ask not what your country can do for you.", "I can't believe you did that!", "ok"]
    expected = reference.encode(texts, normalize_embeddings=True)
    np.testing.assert_allclose(encoder.sentences(texts), expected, atol=1e-5)


def test_long_lists_batch_by_length_and_keep_their_order(encoder: TextEncoder) -> None:
    from medtalk.text import SENTENCE_BATCH

    texts = [("word " * (k % 7 + 1)) + str(k) for k in range(2 * SENTENCE_BATCH + 3)]
    together = encoder.sentences(texts)
    alone = np.stack([encoder.sentence(t) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_two_threads_can_share_the_encoder(encoder: TextEncoder) -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"sentence number {k} is {'long ' * (k % 5)}enough" for k in range(40)]
    jobs = [("sentences", texts[k : k + 4]) if k % 8 == 0 else ("tokens", texts[k]) for k in range(0, 40, 2)]

    def run(job):
        kind, arg = job
        return encoder.sentences(arg) if kind == "sentences" else encoder.tokens(arg)

    with ThreadPoolExecutor(2) as pool:
        together = list(pool.map(run, jobs))
    for job, result in zip(jobs, together):
        np.testing.assert_allclose(result, run(job), atol=1e-5)


def test_missing_model_folder(tmp_path: Path) -> None:
    with pytest.raises(MedtalkError, match="not a text model folder"):
        TextEncoder(tmp_path / "nowhere")
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(MedtalkError, match="cannot load"):
        TextEncoder(tmp_path)


# punctuation, accents, Chinese characters, control whitespace, the special tokens typed as text,
# a word longer than the word-piece limit, empty text, and a transcript over MAX_TOKENS pieces
VARIED_TEXTS = [
    "Ask not what your country can do for you.",
    "I can't believe you did that!!! Really?? ... ok",
    "Café naïve résumé: Ünïcödé façade, Ångström, São Paulo",
    "我们今天去公园散步。Then back home, 好吗?",
    "tabs\tand\nnew lines\r\nand\u00a0no-break spaces \u200b zero width",
    "[CLS] typed [SEP] special [UNK] tokens [PAD]",
    "a" * 120,
    "",
    " ".join(["and so, my fellow Americans: ask not what your country can do for you"] * 30),
]


def test_matches_transformers(encoder: TextEncoder) -> None:
    """Our BERT and tokenizer give what transformers' AutoModel and AutoTokenizer give."""
    transformers = pytest.importorskip("transformers")
    tokenizer = transformers.AutoTokenizer.from_pretrained(encoder.model_dir, local_files_only=True)
    model = transformers.AutoModel.from_pretrained(encoder.model_dir, local_files_only=True).eval()
    assert len(tokenizer(VARIED_TEXTS[-1], add_special_tokens=False)["input_ids"]) > MAX_TOKENS
    for text in VARIED_TEXTS:
        expected = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
        assert encoder._pieces(text) == (expected["input_ids"], [tuple(s) for s in expected["offset_mapping"]])
        ids, step = expected["input_ids"], MAX_TOKENS - 2
        windows = [[tokenizer.cls_token_id, *ids[i : i + step], tokenizer.sep_token_id] for i in range(0, len(ids), step)]
        with torch.no_grad():
            states = [model(input_ids=torch.tensor([w])).last_hidden_state[0, 1:-1] for w in windows]
        reference = torch.cat(states).numpy() if ids else np.zeros((1, TEXT_DIM), np.float32)
        np.testing.assert_allclose(encoder.tokens(text), reference, atol=1e-5, rtol=0, err_msg=repr(text[:40]))

    batch = tokenizer(VARIED_TEXTS, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
    with torch.no_grad():
        states = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    pooled = torch.nn.functional.normalize((states * mask).sum(1) / mask.sum(1), dim=-1).numpy()
    np.testing.assert_allclose(encoder.sentences(VARIED_TEXTS), pooled, atol=1e-5, rtol=0)


def test_does_not_import_transformers() -> None:
    """Loading and running MiniLM imports neither transformers nor sentence-transformers (2.5 s of start-up),
    nor torch's compiler (1.2 s, which a random initialisation on the meta device pulls in)."""
    probe = ("import sys; from medtalk.text import TextEncoder; e = TextEncoder(); e.tokens('hello there'); "
             "e.token_words('hello there'); e.sentences(['a description']); "
             "print(sorted(m for m in ('transformers', 'sentence_transformers', 'torch._dynamo') if m in sys.modules))")
    env = {**os.environ, "PYTHONPATH": str(Path(medtalk.__file__).parents[1])}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_broken_model_folders(encoder: TextEncoder, tmp_path: Path) -> None:
    """Another architecture, damaged weights or a missing tokenizer: one clear line each."""
    import json

    config = json.loads((encoder.model_dir / "config.json").read_text())
    cases = {
        "other": ({**config, "hidden_act": "relu"}, True, True, "hidden_act 'relu' is not supported"),
        "damaged": (config, False, True, "cannot load the text model"),
        "untokenized": (config, True, False, "tokenizer"),
    }
    for name, (cfg, weights, tokenizer, message) in cases.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / "config.json").write_text(json.dumps(cfg))
        if weights:
            (folder / "model.safetensors").symlink_to(encoder.model_dir / "model.safetensors")
        else:
            (folder / "model.safetensors").write_bytes(b"not a safetensors file")
        if tokenizer:
            (folder / "tokenizer.json").symlink_to(encoder.model_dir / "tokenizer.json")
        with pytest.raises(MedtalkError, match=message):
            TextEncoder(folder)
