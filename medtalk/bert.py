"""A BERT encoder in plain torch, for all-MiniLM-L6-v2 (``medtalk.text``).

The architecture of Hugging Face's ``BertModel`` (absolute positions,
post-LayerNorm, exact GELU) without its pooler, rebuilt here so that loading
MiniLM needs only torch and safetensors: importing transformers alone took
2.5 s of every ``medtalk animate``. ``load_bert`` reads a model folder's
``config.json`` and ``model.safetensors`` (the parameter names of
``BertModel``); its last hidden states match ``BertModel``'s to float precision
(tests/test_text.py compares them).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from medtalk.errors import MedtalkError, reason

# what a BertModel config.json may say for this code to be the same model
_SUPPORTED = {"model_type": "bert", "hidden_act": "gelu", "position_embedding_type": "absolute"}
# BertModel parameters and buffers the encoder does not use: the [CLS] pooler, the position range
_UNUSED = ("pooler.", "embeddings.position_ids")
# BertModel's parameter names -> ours, applied in order (attention's output before the layer's)
_RENAMES = (
    ("encoder.layer.", "layers."),
    (".attention.self.", "."),
    (".attention.output.dense.", ".attention_out."),
    (".attention.output.LayerNorm.", ".attention_norm."),
    (".intermediate.dense.", ".intermediate."),
    (".output.dense.", ".output."),
    (".output.LayerNorm.", ".output_norm."),
    ("embeddings.LayerNorm.", "embeddings.norm."),
    ("_embeddings.weight", ""),
)


@dataclass(frozen=True)
class BertDims:
    """The sizes of a BERT encoder, as its ``config.json`` names them."""

    vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    max_position_embeddings: int
    type_vocab_size: int
    layer_norm_eps: float

    def __post_init__(self) -> None:
        if self.hidden_size % self.num_attention_heads:
            raise ValueError(f"hidden_size {self.hidden_size} is not a multiple of {self.num_attention_heads} heads")

    @classmethod
    def from_config(cls, config: dict) -> BertDims:
        """The dims of a Hugging Face BERT ``config.json``; a variant this code does not run is a ValueError."""
        for key, value in _SUPPORTED.items():
            if config.get(key, value) != value:
                raise ValueError(f"{key} {config.get(key)!r} is not supported (only {value!r})")
        kinds = {f.name: float if f.type == "float" else int for f in fields(cls)}  # the annotations, as text
        return cls(**{name: kind(config[name]) for name, kind in kinds.items()})


class Embeddings(nn.Module):
    """Word + position + token-type embeddings, then LayerNorm.

    The tables are bare parameters rather than ``nn.Embedding``s: those draw a
    random initialisation, which on the meta device ``load_bert`` builds on
    imports torch._dynamo (1.2 s), for weights the file replaces anyway.
    """

    def __init__(self, dims: BertDims) -> None:
        super().__init__()
        self.word = nn.Parameter(torch.empty(dims.vocab_size, dims.hidden_size))
        self.position = nn.Parameter(torch.empty(dims.max_position_embeddings, dims.hidden_size))
        self.token_type = nn.Parameter(torch.empty(dims.type_vocab_size, dims.hidden_size))
        self.norm = nn.LayerNorm(dims.hidden_size, eps=dims.layer_norm_eps)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        """``(B, T)`` ids -> ``(B, T, hidden)``; every token is of type 0 (one segment)."""
        return self.norm(F.embedding(input_ids, self.word) + self.token_type[0] + self.position[: input_ids.shape[1]])


class Layer(nn.Module):
    """One post-LayerNorm transformer layer: self-attention, then a GELU feed-forward."""

    def __init__(self, dims: BertDims) -> None:
        super().__init__()
        width = dims.hidden_size
        self.heads = dims.num_attention_heads
        self.query = nn.Linear(width, width)
        self.key = nn.Linear(width, width)
        self.value = nn.Linear(width, width)
        self.attention_out = nn.Linear(width, width)
        self.attention_norm = nn.LayerNorm(width, eps=dims.layer_norm_eps)
        self.intermediate = nn.Linear(width, dims.intermediate_size)
        self.output = nn.Linear(dims.intermediate_size, width)
        self.output_norm = nn.LayerNorm(width, eps=dims.layer_norm_eps)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """``x (B, T, hidden)`` -> ``(B, T, hidden)``; ``mask`` broadcasts to ``(B, heads, T, T)``: True
        where a key is a real token, or a float bias added to the attention scores (``medtalk.mpnet``)."""
        batch, length, width = x.shape

        def split(y: torch.Tensor) -> torch.Tensor:  # (B, T, hidden) -> (B, heads, T, hidden / heads)
            return y.view(batch, length, self.heads, width // self.heads).transpose(1, 2)

        attended = F.scaled_dot_product_attention(split(self.query(x)), split(self.key(x)), split(self.value(x)),
                                                  attn_mask=mask)
        x = self.attention_norm(x + self.attention_out(attended.transpose(1, 2).reshape(batch, length, width)))
        return self.output_norm(x + self.output(F.gelu(self.intermediate(x))))


class Bert(nn.Module):
    """BERT's encoder: ``(B, T)`` word-piece ids and mask -> last hidden states ``(B, T, hidden)``."""

    def __init__(self, dims: BertDims) -> None:
        super().__init__()
        self.dims = dims
        self.embeddings = Embeddings(dims)
        self.layers = nn.ModuleList(Layer(dims) for _ in range(dims.num_hidden_layers))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """``input_ids (B, T)`` long, ``attention_mask (B, T)`` 1 for tokens, 0 for padding."""
        if input_ids.shape[1] > self.dims.max_position_embeddings:
            raise ValueError(f"{input_ids.shape[1]} tokens, more than {self.dims.max_position_embeddings} positions")
        keep = attention_mask.bool()[:, None, None, :]
        x = self.embeddings(input_ids)
        for layer in self.layers:
            x = layer(x, keep)
        return x


def load_bert(model_dir: Path, what: str) -> Bert:
    """The BERT encoder of a Hugging Face model folder (``config.json``, ``model.safetensors``), in eval mode.

    A folder that is not such a model is a one-line ``MedtalkError`` naming ``what`` was being loaded.
    """
    return load_encoder(model_dir, what, lambda config: Bert(BertDims.from_config(config)), _RENAMES, _UNUSED)


def load_encoder(model_dir: Path, what: str, build: Callable[[dict], nn.Module],
                 renames: tuple[tuple[str, str], ...], unused: tuple[str, ...]) -> nn.Module:
    """``build(config)`` given the weights of the folder's ``model.safetensors`` (each name's parts
    replaced by ``renames`` in order, those starting with ``unused`` left out), in eval mode; a folder
    it cannot load is a ``MedtalkError``."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    model_dir = Path(model_dir)
    if not (model_dir / "config.json").is_file():
        raise MedtalkError(f"{model_dir}: not a {what} folder (no config.json)")
    try:
        config = json.loads((model_dir / "config.json").read_text())
        weights = load_file(model_dir / "model.safetensors")
        # built on the meta device and given the file's tensors: no random initialisation to throw away
        with torch.device("meta"):
            model = build(config)
        state = {_renamed(k, renames): v for k, v in weights.items() if not k.startswith(unused)}
        model.load_state_dict(state, strict=True, assign=True)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, SafetensorError) as exc:
        raise MedtalkError(f"{model_dir}: cannot load the {what} ({reason(exc)})") from exc
    return model.eval()


def _renamed(name: str, renames: tuple[tuple[str, str], ...]) -> str:
    for theirs, ours in renames:
        name = name.replace(theirs, ours)
    return name
