"""Stage 1: the disentangled content/emotion space (``E_c``, ``E_e``, ``D``).

All three are frame-wise MLPs, as in the paper's reference code: a rig frame
(174 controls) maps to a content latent and an emotion latent; the decoder maps
their concatenation back to 174 controls. Disentanglement comes only from the
training (self, overlap and cycle exchange, ``medtalk.train.losses``).
"""

from __future__ import annotations

import torch
from torch import nn

from medtalk.model.config import DisentangleConfig


class FrameMLP(nn.Module):
    """``in -> hidden -> out`` applied to every frame: ``(..., in) -> (..., out)``."""

    def __init__(self, in_dim: int, hidden_dim: int, out_dim: int) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_dim, hidden_dim), nn.GELU(), nn.Linear(hidden_dim, out_dim))
        self.out_dim = out_dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class Disentangler(nn.Module):
    """``E_c`` (content), ``E_e`` (emotion) and the decoder ``D``."""

    def __init__(self, config: DisentangleConfig) -> None:
        super().__init__()
        self.config = config
        c = config
        self.content_encoder = FrameMLP(c.num_controls, c.hidden_dim, c.latent_dim)  # E_c
        self.emotion_encoder = FrameMLP(c.num_controls, c.hidden_dim, c.latent_dim)  # E_e
        self.decoder = FrameMLP(2 * c.latent_dim, c.hidden_dim, c.num_controls)  # D

    def encode_content(self, rig: torch.Tensor) -> torch.Tensor:
        """``E_c``: ``(B, T, 174) -> (B, T, latent)``."""
        return self.content_encoder(rig)

    def encode_emotion(self, rig: torch.Tensor) -> torch.Tensor:
        """``E_e``: ``(B, T, 174) -> (B, T, latent)``."""
        return self.emotion_encoder(rig)

    def decode(self, emotion: torch.Tensor, content: torch.Tensor) -> torch.Tensor:
        """``D(E, C)``: ``(B, T, latent) x 2 -> (B, T, 174)``."""
        assert emotion.shape == content.shape, (emotion.shape, content.shape)
        return self.decoder(torch.cat([emotion, content], dim=-1))

    def forward(self, rig: torch.Tensor) -> torch.Tensor:
        """Self-reconstruction ``D(E_e(R), E_c(R))``: ``(B, T, 174) -> (B, T, 174)``."""
        return self.decode(self.encode_emotion(rig), self.encode_content(rig))
