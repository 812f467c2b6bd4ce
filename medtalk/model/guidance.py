"""Stage 4: projections of a text description or a face photo into the label-embedding space.

``P_text`` maps the sentence embedding of a description
(:meth:`medtalk.text.TextEncoder.sentence` of ``GuidanceConfig.text_encoder``:
all-mpnet-base-v2, 768-d, or in older files MiniLM, 384-d) and ``P_image`` the
expression descriptor of a face (:func:`medtalk.guidance.descriptor.expression_descriptor`)
to a vector in the space of the label embedding ``f`` (``IntensityConfig.label_dim``).
The result replaces ``f``: it is rescaled per frame by the predicted intensity
and mapped by ``E_fuse`` (``FusionIntensity.emotion_latent``), so only its
direction matters. Training pulls each projection towards the label embedding
of the clip's emotion, away from the others (``L_sim``, ``train.losses.label_contrast``),
besides the reconstruction loss.
"""

from __future__ import annotations

import torch
from torch import nn

from medtalk.model.config import GuidanceConfig
from medtalk.model.disentangle import FrameMLP

__all__ = ["Guidance", "GuidanceConfig", "ImageProjection", "TextProjection"]


class _Projection(nn.Module):
    """``(B, in_dim) -> (B, label_dim)``: input dropout, then a two-layer MLP."""

    def __init__(self, in_dim: int, config: GuidanceConfig) -> None:
        super().__init__()
        self.in_dim = in_dim
        self.dropout = nn.Dropout(config.dropout)
        self.mlp = FrameMLP(in_dim, config.hidden, config.label_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        assert x.shape[-1] == self.in_dim, (x.shape, self.in_dim)
        return self.mlp(self.dropout(x))


class TextProjection(_Projection):
    """``P_text``: sentence embeddings ``(B, text_dim)`` -> guidance vectors ``(B, label_dim)``.

    While training, isotropic Gaussian noise of norm about ``text_noise`` times
    the (unit) embedding's is added to the input (``GuidanceConfig.text_noise``).
    """

    def __init__(self, config: GuidanceConfig) -> None:
        super().__init__(config.text_dim, config)
        self.noise = config.text_noise

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training and self.noise > 0:
            x = x + torch.randn_like(x) * (self.noise / x.shape[-1] ** 0.5)
        return super().forward(x)


class ImageProjection(_Projection):
    """``P_image``: expression descriptors ``(B, DESCRIPTOR_DIM)`` -> guidance vectors ``(B, label_dim)``."""

    def __init__(self, config: GuidanceConfig) -> None:
        super().__init__(config.image_dim, config)


class Guidance(nn.Module):
    """Both projections, as one sub-module a checkpoint can hold.

    ``trained`` is saved with the weights: False until stage 4 has run, so a
    model that never learnt guidance refuses descriptions and photos instead
    of answering with random projections.
    """

    def __init__(self, config: GuidanceConfig) -> None:
        super().__init__()
        self.config = config
        self.text = TextProjection(config)
        self.image = ImageProjection(config)
        self.register_buffer("trained", torch.tensor(False))
