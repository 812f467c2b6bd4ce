"""Stage 3: Fusion Intensity Modelling (FIM).

- ``CrossModalityFusion`` (CMF): frame-level emotional audio features are the
  queries, transcript token features the keys and values (both with their
  relative position in the utterance, our addition: it lets a frame find the
  words said at about that time) and, also ours, the direction of the label
  embedding added to the queries: the synthetic performer raises intensity on
  words loaded with *the chosen* emotion, which text and audio alone cannot
  tell apart from words loaded with another; multi-head
  cross-attention, residual + LayerNorm, a linear layer, residual + LayerNorm
  and a scalar head give a per-frame intensity ``I_t >= 0``. A learned "no
  text" token is always among the keys, so the block still works (on audio
  alone) when there is no transcript. With ``word_timing`` (ours too) each
  key is placed at the time its word is said (``text_spans``: forced
  alignment at inference, the generator's word times in training) and each
  frame's attention is biased towards the words said around it, so the
  block can find the word being spoken instead of guessing it from relative
  positions.
- ``LabelEmbedding``: an embedding table + MLP gives the emotion vector ``f``.
- ``intensity_rescale``: ``f_t = I_t * f / ||f||``, the norm *is* the intensity.
- ``FusionEncoder`` (``E_fuse``): ``f_t`` -> the frozen emotion space of ``E_e``.

Stage 4 (text/image guidance) plugs in by giving a guidance vector in the
label-embedding space instead of the label: ``FusionIntensity.emotion_latent``
takes any ``(B, label_dim)`` vector.
"""

from __future__ import annotations

import torch
from torch import nn

from medtalk.model.config import IntensityConfig
from medtalk.model.content import ResidualConv
from medtalk.model.conv import Conv1d
from medtalk.model.disentangle import FrameMLP

NORM_EPS = 1e-6  # keeps f / ||f|| finite for a zero vector


class CrossModalityFusion(nn.Module):
    """CMF block: ``(B, T_a, P)`` prosody (+ log-mel) x ``(B, N, 384)`` tokens -> ``I (B, T_a) >= 0``."""

    def __init__(self, config: IntensityConfig) -> None:
        super().__init__()
        self.config = config
        d = config.model_dim
        self.mel_proj = nn.Linear(config.mel_dim, config.mel_proj_dim) if config.mel_dim else None
        query_in = config.prosody_dim + (config.mel_proj_dim if config.mel_dim else 0) + config.position_dim
        # frame features alone are local; a short convolution gives the queries
        # the syllable-scale context that emotion2vec features would carry
        self.query = Conv1d(query_in, d, config.query_kernel, padding="same")
        # dilated residual convolutions widen that to word scale: whether a word
        # is emphasised shows against its neighbours (emotion2vec is contextual too)
        self.query_context = nn.ModuleList(
            ResidualConv(d, config.query_kernel, dilation, dropout=0.0) for dilation in config.query_dilations
        )
        self.key_value = nn.Linear(config.text_dim + config.position_dim, d)
        self.emotion = nn.Linear(config.label_dim, d) if config.emotion_queries else None
        self.no_text = nn.Parameter(torch.zeros(1, 1, d))
        self.attention = nn.MultiheadAttention(d, config.num_heads, batch_first=True)
        self.norm1 = nn.LayerNorm(d)
        self.linear = nn.Linear(d, d)
        self.norm2 = nn.LayerNorm(d)
        self.head = nn.Linear(d, 1)

    def forward(
        self,
        prosody: torch.Tensor,
        mel: torch.Tensor | None,
        text: torch.Tensor | None,
        text_mask: torch.Tensor | None = None,
        audio_mask: torch.Tensor | None = None,
        emotion: torch.Tensor | None = None,
        text_spans: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Per-frame intensity.

        ``prosody (B, T_a, P)``, ``mel (B, T_a, 80)`` (or None when ``mel_dim`` is 0),
        ``text (B, N, 384)`` token features or None, ``text_mask (B, N)`` True on
        real tokens (all-False rows mean "no transcript"), ``audio_mask (B, T_a)``
        True on real frames, ``emotion (B, label_dim)`` the label embedding (or
        guidance vector) when ``emotion_queries``, ``text_spans (B, N, 2)`` start
        and end in seconds from the first frame of the word each token belongs to
        (with ``word_timing``; None spreads the tokens evenly over the audio) -> ``(B, T_a)``.
        """
        B, T, P = prosody.shape
        assert P == self.config.prosody_dim, (P, self.config.prosody_dim)
        parts = [prosody]
        if self.mel_proj is not None:
            assert mel is not None and mel.shape[:2] == (B, T), "the CMF queries need the log-mel"
            parts.append(self.mel_proj(mel))
        if audio_mask is None:
            audio_mask = torch.ones(B, T, dtype=torch.bool, device=prosody.device)
        parts.append(relative_position(audio_mask, self.config.position_dim))
        frames = audio_mask[:, None, :].to(prosody.dtype)
        q = self.query(torch.cat(parts, dim=-1).transpose(1, 2) * frames) * frames
        for block in self.query_context:
            q = block(q, frames)
        q = q.transpose(1, 2)
        if self.emotion is not None:
            assert emotion is not None and emotion.shape[0] == B, "the CMF queries need the emotion vector"
            # only the direction of f matters downstream, so only it steers the queries
            q = q + self.emotion(unit(emotion))[:, None, :]
        no_text = self.no_text.expand(B, 1, -1)
        bias = None
        if text is None or text.shape[1] == 0 or not self.config.use_text:
            kv, pad = no_text, torch.zeros(B, 1, dtype=torch.bool, device=q.device)
        else:
            assert text.shape[0] == B and text.shape[2] == self.config.text_dim, text.shape
            if text_mask is None:
                text_mask = torch.ones(text.shape[:2], dtype=torch.bool, device=text.device)
            if self.config.word_timing > 0:
                rate = self.config.feature_rate
                duration = (audio_mask.sum(dim=1) - 1).clamp(min=1).to(torch.float32) / rate
                if text_spans is None:
                    text_spans = even_spans(text_mask, duration)
                position = sinusoids(text_spans.mean(dim=-1) / duration[:, None], text_mask, self.config.position_dim)
                word_bias = timing_bias(text_spans, T, rate, self.config.word_timing)
                bias = torch.cat([torch.zeros_like(word_bias[..., :1]), word_bias], dim=-1)
            else:
                position = relative_position(text_mask, self.config.position_dim)
            keys = torch.cat([text, position], dim=-1)
            kv = torch.cat([no_text, self.key_value(keys)], dim=1)
            pad = torch.cat([torch.zeros(B, 1, dtype=torch.bool, device=q.device), ~text_mask], dim=1)
        attended = attend(self.attention, q, kv, pad, bias)
        x = self.norm1(q + attended)
        x = self.norm2(x + self.linear(x))
        return nn.functional.softplus(self.head(x)).squeeze(-1)


def attend(
    mha: nn.MultiheadAttention, query: torch.Tensor, keys: torch.Tensor, pad: torch.Tensor,
    bias: torch.Tensor | None = None,
) -> torch.Tensor:
    """``mha(query, keys, keys, key_padding_mask=pad)`` for a batch-first layer, computed directly.

    The same weights and result; it skips ``nn.MultiheadAttention``'s mask
    checks, whose first call imports sympy (0.7 s of every cold start).
    ``query (B, Lq, E)``, ``keys (B, Lk, E)``, ``pad (B, Lk)`` True on padding,
    ``bias (B, Lq, Lk)`` added to the attention logits of every head, or None.
    """
    B, Lq, E = query.shape
    heads = mha.num_heads
    q, k, v = (
        nn.functional.linear(x, w, b).view(B, -1, heads, E // heads).transpose(1, 2)
        for x, w, b in zip((query, keys, keys), mha.in_proj_weight.chunk(3), mha.in_proj_bias.chunk(3))
    )
    mask = ~pad[:, None, None, :]
    if bias is not None:
        mask = bias[:, None].masked_fill(~mask, float("-inf"))
    out = nn.functional.scaled_dot_product_attention(
        q, k, v, attn_mask=mask, dropout_p=mha.dropout if mha.training else 0.0
    )
    return mha.out_proj(out.transpose(1, 2).reshape(B, Lq, E))


def relative_position(mask: torch.Tensor, dim: int) -> torch.Tensor:
    """Where each element sits in its sequence, 0 (first) .. 1 (last), as ``dim`` sinusoids.

    ``mask (B, L)`` True on real elements -> ``(B, L, dim)`` (zeros on padding). Frames
    and tokens both get it, so attention can line a frame up with the words
    said around the same relative time (the transcript carries no timing).
    """
    length = mask.sum(dim=1, keepdim=True).clamp(min=2).to(torch.float32)
    position = torch.cumsum(mask.to(torch.float32), dim=1).sub(1).clamp(min=0) / (length - 1)
    return sinusoids(position, mask, dim)


def sinusoids(position: torch.Tensor, mask: torch.Tensor, dim: int) -> torch.Tensor:
    """``position (B, L)`` in 0..1 as ``dim`` sinusoids: ``(B, L, dim)`` (zeros where ``mask`` is False)."""
    frequency = torch.arange(1, dim // 2 + 1, device=mask.device, dtype=torch.float32) * torch.pi
    angle = position.clamp(0.0, 1.0)[..., None] * frequency
    return torch.cat([angle.sin(), angle.cos()], dim=-1) * mask[..., None]


def even_spans(mask: torch.Tensor, duration: torch.Tensor) -> torch.Tensor:
    """Tokens spread evenly over ``duration (B,)`` seconds when their times are unknown:
    ``mask (B, N)`` True on real tokens -> ``(B, N, 2)`` start and end in seconds."""
    count = mask.sum(dim=1, keepdim=True).clamp(min=1).to(torch.float32)
    index = torch.cumsum(mask.to(torch.float32), dim=1).sub(1).clamp(min=0)
    step = duration[:, None] / count
    return torch.stack([index * step, (index + 1) * step], dim=-1)


def timing_bias(spans: torch.Tensor, num_frames: int, rate: float, sigma: float) -> torch.Tensor:
    """Attention-logit bias of each frame towards each token: ``-d^2 / (2 sigma^2)`` with ``d``
    the frame's distance in seconds to the token's word span (0 inside it).

    ``spans (B, N, 2)`` seconds from the first frame, frames at ``rate`` per second -> ``(B, T, N)``.
    """
    t = torch.arange(num_frames, device=spans.device, dtype=torch.float32)[None, :, None] / rate
    start, end = spans[:, None, :, 0], spans[:, None, :, 1]
    distance = (start - t).clamp(min=0) + (t - end).clamp(min=0)
    return -0.5 * (distance / sigma) ** 2


class LabelEmbedding(nn.Module):
    """Emotion label -> ``f``: ``(B,)`` ids -> ``(B, label_dim)``."""

    def __init__(self, config: IntensityConfig) -> None:
        super().__init__()
        self.table = nn.Embedding(config.num_labels, config.label_dim)
        self.mlp = FrameMLP(config.label_dim, config.label_dim, config.label_dim)

    def forward(self, labels: torch.Tensor) -> torch.Tensor:
        return self.mlp(self.table(labels))


def unit(f: torch.Tensor) -> torch.Tensor:
    """``f / ||f||`` along the last dimension (zero stays zero)."""
    return f / f.norm(dim=-1, keepdim=True).clamp(min=NORM_EPS)


def intensity_rescale(f: torch.Tensor, intensity: torch.Tensor) -> torch.Tensor:
    """``f_t = I_t * f / ||f||``: ``f (B, L)``, ``I (B, T)`` -> ``(B, T, L)``."""
    return intensity[..., None] * unit(f)[:, None, :]


class FusionIntensity(nn.Module):
    """FIM: CMF intensity, label embedding, rescaling and ``E_fuse``."""

    def __init__(self, config: IntensityConfig, latent_dim: int) -> None:
        super().__init__()
        self.config = config
        self.cmf = CrossModalityFusion(config)
        self.label = LabelEmbedding(config)
        self.fuse = FrameMLP(config.label_dim, config.fuse_hidden, latent_dim)  # E_fuse

    def emotion_latent(self, guidance: torch.Tensor, intensity: torch.Tensor) -> torch.Tensor:
        """``E_fuse(f_t)``: ``guidance (B, label_dim)``, ``I (B, T)`` -> ``(B, T, latent)``.

        With ``static_intensity`` (an ablation) ``f_t = I_t * f``: the unscaled embedding.
        """
        if self.config.static_intensity:
            return self.fuse(intensity[..., None] * guidance[:, None, :])
        return self.fuse(intensity_rescale(guidance, intensity))
