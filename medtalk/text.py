"""Sentence encoders: transcript features from all-MiniLM-L6-v2, description embeddings from it or all-mpnet-base-v2.

They are the paper's RoBERTa and CLIP-text replacements. Both install as
packages (``medtalk.text_models``) and load from their folders through
``medtalk.bert`` / ``medtalk.mpnet`` and the ``tokenizers`` library, not
transformers; nothing is downloaded.

- ``tokens``: last-layer states of the word-piece tokens, the keys/values of
  the intensity model's cross-attention;
- ``token_words``: which whitespace-separated word each token belongs to
  (the ``Word.index`` of ``medtalk.synth.timeline``), to line tokens up with
  word timings;
- ``sentence`` / ``sentences``: the sentence-transformers embedding (mean of
  the token states under the attention mask, L2-normalised).
"""

from __future__ import annotations

import functools
import json
import re
import threading
from pathlib import Path

import numpy as np
import torch

from tokenizers import Tokenizer

from medtalk.bert import load_bert
from medtalk.errors import MedtalkError, reason
from medtalk.mpnet import load_mpnet
from medtalk.text_models import BFLOAT16, MINILM, encoder_dir

TEXT_DIM = 384  # hidden size of all-MiniLM-L6-v2
# Longest input MiniLM's sentence embedding sees, in word pieces with [CLS]/[SEP]
# (``max_seq_length`` of its sentence-transformers config, which each folder
# states): longer text is truncated there, exactly as sentence-transformers does.
MAX_TOKENS = 256
# Texts embedded together by ``sentences``: small, length-sorted batches pad
# little (stage 4's descriptions embed 1.7x faster than in 64-text batches in
# the order given; benchmarks/frontend_speed.py).
SENTENCE_BATCH = 16
_WORD = re.compile(r"\S+")


class TextEncoder:
    """A sentence-transformers BERT or MPNet model (all-MiniLM-L6-v2 unless given a folder) on the CPU in eval mode.

    The word pieces come from the folder's ``tokenizer.json`` (the Rust
    ``tokenizers`` library, as transformers' fast tokenizer uses it), the
    special tokens from its ``special_tokens_map.json`` and the states from
    ``medtalk.bert`` or ``medtalk.mpnet``: transformers itself is never imported.
    Threads may share one encoder: neither the tokenizer's settings nor the
    model change after loading. With ``bfloat16`` the matrix products run in
    bfloat16 (autocast; LayerNorm, softmax and the pooling stay float32).
    """

    def __init__(self, model_dir: Path | None = None, bfloat16: bool = False) -> None:
        model_dir = Path(encoder_dir(MINILM) if model_dir is None else model_dir)
        load = load_mpnet if _settings(model_dir, "config.json").get("model_type") == "mpnet" else load_bert
        self.model = load(model_dir, "text model")
        self.tokenizer = _load_tokenizer(model_dir)
        self.dim = self.model.dims.hidden_size
        self.model_dir = model_dir
        self.bfloat16 = bfloat16
        self.max_tokens = int(_settings(model_dir, "sentence_bert_config.json").get("max_seq_length", MAX_TOKENS))
        specials = {"cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]",
                    **_settings(model_dir, "special_tokens_map.json")}
        self._cls, self._sep, self._pad = (self._special(specials[k]) for k in ("cls_token", "sep_token", "pad_token"))

    def _special(self, token: str) -> int:
        token_id = self.tokenizer.token_to_id(token)
        if token_id is None:
            raise MedtalkError(f"{self.model_dir}: cannot load the text model (its tokenizer has no {token})")
        return token_id

    def _pieces(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        """Word-piece ids and their character spans in ``text`` (no special tokens)."""
        encoded = self.tokenizer.encode(text, add_special_tokens=False)
        return encoded.ids, encoded.offsets

    def _run(self, chunks: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        """Last-layer states of id sequences padded to the longest: ``(B, T, TEXT_DIM)`` and the mask ``(B, T)``."""
        width = max(map(len, chunks))
        input_ids = torch.full((len(chunks), width), self._pad)
        mask = torch.zeros((len(chunks), width), dtype=torch.long)
        for row, chunk in enumerate(chunks):
            input_ids[row, : len(chunk)] = torch.tensor(chunk)
            mask[row, : len(chunk)] = 1
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bfloat16):
            states = self.model(input_ids, mask)
        return states.float(), mask

    @torch.no_grad()
    def tokens(self, text: str) -> np.ndarray:
        """Last-layer states of the word pieces of ``text``: ``(N, TEXT_DIM)`` float32.

        [CLS] and [SEP] are left out so row ``i`` matches ``token_words(text)[i]``.
        Text longer than ``max_tokens`` is encoded in consecutive windows (each
        with its own [CLS]/[SEP]), so transcripts of any length work. Empty or
        blank text gives one zero row: "no transcript", the same as text dropout.
        """
        ids, _ = self._pieces(text)
        if not ids:
            return np.zeros((1, self.dim), dtype=np.float32)
        step = self.max_tokens - 2
        chunks = [[self._cls, *ids[i : i + step], self._sep] for i in range(0, len(ids), step)]
        states, _ = self._run(chunks)
        rows = [states[row, 1 : len(chunk) - 1] for row, chunk in enumerate(chunks)]
        return torch.cat(rows).float().numpy()

    def token_words(self, text: str) -> list[int]:
        """Index of the whitespace-separated word each row of ``tokens(text)`` belongs to.

        ``"Hello, world"`` has words 0 (``Hello,``) and 1 (``world``); its
        pieces ``hello`` ``,`` ``world`` map to ``[0, 0, 1]``. Empty text gives
        ``[-1]`` for the single zero row of ``tokens``.
        """
        _, spans = self._pieces(text)
        if not spans:
            return [-1]
        starts = [match.start() for match in _WORD.finditer(text)]
        return [int(np.searchsorted(starts, start, side="right")) - 1 for start, _ in spans]

    def sentences(self, texts: list[str]) -> np.ndarray:
        """Sentence embeddings, mean-pooled and L2-normalised: ``(B, TEXT_DIM)`` float32.

        Long lists run in batches of ``SENTENCE_BATCH`` texts of similar length
        (sorted by characters), so little of the work goes into padding; the
        rows come back in the order given.
        """
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        for first in range(0, len(order), SENTENCE_BATCH):
            rows = order[first : first + SENTENCE_BATCH]
            out[rows] = self._sentence_batch([texts[i] for i in rows])
        return out

    @torch.no_grad()
    def _sentence_batch(self, texts: list[str]) -> np.ndarray:
        # truncated to max_tokens with [CLS]/[SEP], as the tokenizer's own truncation does one text
        pieces = self.tokenizer.encode_batch(texts, add_special_tokens=False)
        chunks = [[self._cls, *p.ids[: self.max_tokens - 2], self._sep] for p in pieces]
        states, mask = self._run(chunks)
        weights = mask.unsqueeze(-1).to(states.dtype)
        pooled = (states * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2, dim=-1).float().numpy()

    def sentence(self, text: str) -> np.ndarray:
        """The sentence embedding of one text: ``(TEXT_DIM,)`` float32, unit norm."""
        return self.sentences([text])[0]


def _settings(model_dir: Path, name: str) -> dict:
    """A JSON file of the model folder, ``{}`` if it has none (a broken one is an error when loading)."""
    try:
        value = json.loads((model_dir / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _load_tokenizer(model_dir: Path) -> Tokenizer:
    """The folder's fast word-piece tokenizer, without the padding and truncation its file may set."""
    try:
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    except Exception as exc:  # tokenizers raises a bare Exception for a missing or malformed file
        raise MedtalkError(f"{model_dir}: cannot load the text model's tokenizer ({reason(exc)})") from exc
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


_LOADING = threading.Lock()


def default_text_encoder() -> TextEncoder:
    """The shared all-MiniLM-L6-v2 encoder (the transcript's features): ``sentence_encoder(MINILM)``."""
    return sentence_encoder(MINILM)


def sentence_encoder(name: str) -> TextEncoder:
    """The shared encoder of the installed sentence model ``name`` (``medtalk.text_models.SENTENCE_ENCODERS``):
    loaded once, also when several threads (the training feature cache) ask for it at the same moment."""
    with _LOADING:
        return _load(name)


@functools.cache
def _load(name: str) -> TextEncoder:
    return TextEncoder(encoder_dir(name), bfloat16=name in BFLOAT16)
