"""A FaceFormer-style baseline (Fan et al., CVPR 2022) for rigs, with emotion as a style vector.

- audio encoder: the same log-mel ACM as MEDTalk's (FaceFormer uses wav2vec
  2.0), resampled to the decoder's frame rate;
- an autoregressive transformer decoder: each step's input is the previous
  output frame projected to ``model_dim``, plus a learned per-emotion style
  vector (FaceFormer's speaker style, here the emotion label) and the periodic
  positional encoding (PPE); self-attention under FaceFormer's biased causal
  mask (ALiBi-like, the bias grows by one slope per ``period`` frames of
  distance); cross-attention under the alignment mask (frame ``t`` sees the
  audio at ``t``);
- teacher forcing in training; autoregressive at inference, over at most
  ``context_frames`` past frames (training sees the same window), so a step
  costs the same at any length.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import torch
from torch import nn

from medtalk.emotions import EMOTIONS
from medtalk.errors import MedtalkError
from medtalk.model.config import ContentConfig
from medtalk.model.content import AudioContentMapping
from medtalk.model.medtalk import MEDTalkOutput, pseudo_intensity, resample_time
from medtalk.rig import DEFAULT_FPS, NUM_CONTROLS, REST_POSE


@dataclass(frozen=True)
class FaceFormerConfig:
    content: ContentConfig = field(default_factory=ContentConfig)
    num_controls: int = NUM_CONTROLS
    num_labels: int = len(EMOTIONS)
    model_dim: int = 128
    num_heads: int = 4
    num_layers: int = 2
    ff_dim: int = 256
    dropout: float = 0.1
    decoder_rate: float = 30.0  # frames/s the decoder steps at (FaceFormer: 30 on VOCASET)
    period: int = 15  # PPE and bias period in decoder frames (FaceFormer: 25 at 30 fps; our rigs move faster)
    context_frames: int = 60  # past frames the decoder attends to (2 s at 30 frames/s)
    fps: float = DEFAULT_FPS  # rig frame rate of the outputs

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


PRESETS = {
    "default": FaceFormerConfig(),
    "tiny": FaceFormerConfig(content=ContentConfig(channels=32, dilations=(1, 2)), model_dim=16, num_heads=2,
                             num_layers=1, ff_dim=32, context_frames=16),
}


def periodic_positions(length: int, dim: int, period: int, offset: int = 0) -> torch.Tensor:
    """FaceFormer's PPE: sinusoids of the position modulo ``period``: ``(length, dim)``."""
    position = (torch.arange(offset, offset + length) % period).float()[:, None]
    rate = torch.exp(torch.arange(0, dim, 2).float() * (-math.log(10000.0) / dim))
    pe = torch.zeros(length, dim)
    pe[:, 0::2] = torch.sin(position * rate)
    pe[:, 1::2] = torch.cos(position * rate[: dim // 2])
    return pe


def biased_causal_mask(length: int, heads: int, period: int, context: int) -> torch.Tensor:
    """``(heads, length, length)`` additive mask: ``-slope_h * floor((i - j) / period)`` for
    ``0 <= i - j < context``, ``-inf`` elsewhere (the future and the far past)."""
    slopes = torch.tensor([2 ** (-8 * (h + 1) / heads) for h in range(heads)])
    distance = torch.arange(length)[:, None] - torch.arange(length)[None, :]
    bias = -slopes[:, None, None] * torch.div(distance.clamp(min=0), period, rounding_mode="floor").float()
    allowed = (distance >= 0) & (distance < context)
    return bias.masked_fill(~allowed, float("-inf"))


def alignment_mask(length: int) -> torch.Tensor:
    """``(length, length)`` additive mask: decoder frame ``t`` attends to audio frame ``t`` only."""
    return torch.full((length, length), float("-inf")).fill_diagonal_(0.0)


class FaceFormer(nn.Module):
    """Audio encoder + autoregressive transformer decoder: same inputs and outputs as ``MEDTalk``."""

    ARCH = "faceformer"

    def __init__(self, config: FaceFormerConfig) -> None:
        super().__init__()
        if config.model_dim % 2 or config.model_dim % config.num_heads:
            raise MedtalkError("model_dim must be even and a multiple of num_heads")
        self.config = config
        d = config.model_dim
        self.audio = AudioContentMapping(config.content, d)
        self.style = nn.Embedding(config.num_labels, d)
        self.rig_in = nn.Linear(config.num_controls, d)
        layer = nn.TransformerDecoderLayer(d, config.num_heads, config.ff_dim, config.dropout, batch_first=True)
        self.decoder = nn.TransformerDecoder(layer, config.num_layers)
        self.out = nn.Linear(d, config.num_controls)
        # outputs are offsets from the rest pose, so an untrained model rests
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)
        self.register_buffer("rest", torch.as_tensor(REST_POSE, dtype=torch.float32), persistent=False)

    def _memory(self, audio: torch.Tensor, audio_mask: torch.Tensor | None, frames: int) -> torch.Tensor:
        """Audio features at the decoder rate: ``(B, frames, d)``."""
        cfg = self.config
        return resample_time(self.audio(audio, audio_mask), cfg.content.output_rate, cfg.decoder_rate, frames)

    def _inputs(self, previous: torch.Tensor, style: torch.Tensor, offset: int) -> torch.Tensor:
        """Decoder inputs from the previous frames ``(B, L, 174)`` (zeros at the start) -> ``(B, L, d)``."""
        ppe = periodic_positions(previous.shape[1], self.config.model_dim, self.config.period, offset)
        return self.rig_in(previous) + style[:, None, :] + ppe.to(previous.device)

    def _decode(self, tokens: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
        cfg = self.config
        L = tokens.shape[1]
        mask = biased_causal_mask(L, cfg.num_heads, cfg.period, cfg.context_frames).to(tokens.device)
        mask = mask.repeat(tokens.shape[0], 1, 1)  # (B * heads, L, L), batch-major as attention expects
        hidden = self.decoder(tokens, memory, tgt_mask=mask, memory_mask=alignment_mask(L).to(tokens.device))
        return self.rest + self.out(hidden)

    def _frames(self, num_frames: int) -> int:
        return max(1, round(num_frames * self.config.decoder_rate / self.config.fps))

    def train_forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """Teacher forcing: the true previous frames as inputs -> ``(B, T, 174)`` at the rig rate."""
        cfg, rig = self.config, batch["rig"]
        frames = self._frames(rig.shape[1])
        target = resample_time(rig, cfg.fps, cfg.decoder_rate, frames) - self.rest
        previous = torch.cat([torch.zeros_like(target[:, :1]), target[:, :-1]], dim=1)
        memory = self._memory(batch["audio"], batch["audio_mask"], frames)
        pred = self._decode(self._inputs(previous, self.style(batch["emotion"]), 0), memory)
        return resample_time(pred, cfg.decoder_rate, cfg.fps, rig.shape[1])

    def forward(
        self, audio: torch.Tensor, prosody: torch.Tensor, mel: torch.Tensor | None, emotion: torch.Tensor,
        num_frames: int, audio_mask: torch.Tensor | None = None, text: torch.Tensor | None = None,
        text_mask: torch.Tensor | None = None, intensity_scale: float | torch.Tensor = 1.0,
        guidance: torch.Tensor | None = None, mel_mask: torch.Tensor | None = None,
        text_spans: torch.Tensor | None = None,
    ) -> MEDTalkOutput:
        """Autoregressive animation with ``MEDTalk.forward``'s inputs (text and intensity scale unused)."""
        if guidance is not None:
            raise MedtalkError("the FaceFormer baseline takes emotion labels only")
        cfg = self.config
        frames = self._frames(num_frames)
        memory = self._memory(audio, audio_mask, frames)
        style = self.style(emotion)
        outputs = torch.zeros(audio.shape[0], frames + 1, cfg.num_controls, device=audio.device)  # [start, y_0..]
        for t in range(frames):
            first = max(0, t + 1 - cfg.context_frames)
            tokens = self._inputs(outputs[:, first : t + 1], style, first)
            outputs[:, t + 1] = self._decode(tokens, memory[:, first : t + 1])[:, -1] - self.rest
        rig = resample_time(outputs[:, 1:] + self.rest, cfg.decoder_rate, cfg.fps, num_frames)
        hidden = resample_time(memory, cfg.decoder_rate, cfg.fps, num_frames)
        return MEDTalkOutput(rig, hidden, style[:, None, :].expand(-1, num_frames, -1), pseudo_intensity(rig))
