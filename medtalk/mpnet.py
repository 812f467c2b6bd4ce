"""An MPNet encoder in plain torch, for all-mpnet-base-v2 (the description encoder, ``medtalk.text_models``).

Hugging Face's ``MPNetModel`` without its pooler: BERT's post-LayerNorm
layers (``medtalk.bert.Layer``), positions counted from ``pad_token_id + 1``,
no token types, and one table of relative-position biases, bucketed as T5
buckets them, added to every layer's attention scores. ``load_mpnet`` reads a
model folder's ``config.json`` and ``model.safetensors``; its last hidden
states match ``MPNetModel``'s to float precision (tests/test_encoders.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from medtalk.bert import BertDims, Layer, load_encoder

# relative distances beyond this share the last bucket (MPNetEncoder's max_distance)
MAX_DISTANCE = 128
_SUPPORTED = {"model_type": "mpnet", "hidden_act": "gelu"}
_UNUSED = ("pooler.", "embeddings.position_ids")
# MPNetModel's parameter names -> ours (medtalk.bert's layer names), applied in order
_RENAMES = (
    ("encoder.layer.", "layers."),
    (".attention.attn.q.", ".query."),
    (".attention.attn.k.", ".key."),
    (".attention.attn.v.", ".value."),
    (".attention.attn.o.", ".attention_out."),
    (".attention.LayerNorm.", ".attention_norm."),
    (".intermediate.dense.", ".intermediate."),
    (".output.dense.", ".output."),
    (".output.LayerNorm.", ".output_norm."),
    ("encoder.relative_attention_bias.weight", "relative_bias"),
    ("embeddings.LayerNorm.", "embeddings.norm."),
    ("_embeddings.weight", ""),
)


@dataclass(frozen=True)
class MPNetDims(BertDims):
    """BERT's sizes plus the relative-position buckets and the padding id positions count from."""

    relative_attention_num_buckets: int = 32
    pad_token_id: int = 1

    @classmethod
    def from_config(cls, config: dict) -> MPNetDims:
        """The dims of a Hugging Face MPNet ``config.json``; a variant this code does not run is a ValueError."""
        for key, value in _SUPPORTED.items():
            if config.get(key, value) != value:
                raise ValueError(f"{key} {config.get(key)!r} is not supported (only {value!r})")
        return cls(vocab_size=int(config["vocab_size"]), hidden_size=int(config["hidden_size"]),
                   num_hidden_layers=int(config["num_hidden_layers"]),
                   num_attention_heads=int(config["num_attention_heads"]),
                   intermediate_size=int(config["intermediate_size"]),
                   max_position_embeddings=int(config["max_position_embeddings"]), type_vocab_size=0,
                   layer_norm_eps=float(config["layer_norm_eps"]),
                   relative_attention_num_buckets=int(config["relative_attention_num_buckets"]),
                   pad_token_id=int(config["pad_token_id"]))


class Embeddings(nn.Module):
    """Word + position embeddings, then LayerNorm (bare tables, as in ``medtalk.bert.Embeddings``)."""

    def __init__(self, dims: MPNetDims) -> None:
        super().__init__()
        self.pad = dims.pad_token_id
        self.word = nn.Parameter(torch.empty(dims.vocab_size, dims.hidden_size))
        self.position = nn.Parameter(torch.empty(dims.max_position_embeddings, dims.hidden_size))
        self.norm = nn.LayerNorm(dims.hidden_size, eps=dims.layer_norm_eps)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        """``(B, T)`` ids -> ``(B, T, hidden)``.

        As ``MPNetModel`` does, the tokens other than ``pad_token_id`` are
        numbered from ``pad_token_id + 1`` and that id gets position
        ``pad_token_id`` (also where a text spells out "<pad>").
        """
        real = (input_ids != self.pad).long()
        positions = torch.cumsum(real, dim=1) * real + self.pad
        return self.norm(F.embedding(input_ids, self.word) + F.embedding(positions, self.position))


def relative_buckets(length: int, num_buckets: int, max_distance: int = MAX_DISTANCE) -> torch.Tensor:
    """``(T, T)`` bucket of the distance from query ``i`` to key ``j``: half the buckets for keys before,
    half after; exact up to a quarter of the buckets, logarithmic beyond, the last one from ``max_distance``."""
    position = torch.arange(length)
    distance = position[:, None] - position[None, :]  # > 0: the key comes before the query
    half = num_buckets // 2
    exact = half // 2
    side = (distance < 0).long() * half
    distance = distance.abs()
    far = exact + (torch.log(distance.clamp(min=1).float() / exact) / math.log(max_distance / exact)
                   * (half - exact)).long()
    return side + torch.where(distance < exact, distance, far.clamp(max=half - 1))


class MPNet(nn.Module):
    """MPNet's encoder: ``(B, T)`` word-piece ids and mask -> last hidden states ``(B, T, hidden)``."""

    def __init__(self, dims: MPNetDims) -> None:
        super().__init__()
        self.dims = dims
        self.embeddings = Embeddings(dims)
        self.layers = nn.ModuleList(Layer(dims) for _ in range(dims.num_hidden_layers))
        self.relative_bias = nn.Parameter(torch.empty(dims.relative_attention_num_buckets, dims.num_attention_heads))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """``input_ids (B, T)`` long, ``attention_mask (B, T)`` 1 for tokens, 0 for (trailing) padding."""
        length = input_ids.shape[1]
        if length + self.dims.pad_token_id + 1 > self.dims.max_position_embeddings:
            raise ValueError(f"{length} tokens, more than MPNet's positions hold")
        buckets = relative_buckets(length, self.dims.relative_attention_num_buckets)
        bias = F.embedding(buckets, self.relative_bias).permute(2, 0, 1)[None]  # (1, heads, T, T)
        padding = torch.zeros(attention_mask.shape, dtype=bias.dtype).masked_fill(attention_mask == 0, -torch.inf)
        mask = bias + padding[:, None, None, :]
        x = self.embeddings(input_ids)
        for layer in self.layers:
            x = layer(x, mask)
        return x


def load_mpnet(model_dir: Path, what: str) -> MPNet:
    """The MPNet encoder of a Hugging Face model folder, in eval mode; otherwise a ``MedtalkError``."""
    return load_encoder(model_dir, what, lambda config: MPNet(MPNetDims.from_config(config)), _RENAMES, _UNUSED)
