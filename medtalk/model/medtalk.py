"""The composed MEDTalk model: ACM content + FIM emotion, decoded by the frozen ``D``.

Audio-side modules run at the feature rate (100 frames/s); their outputs are
linearly resampled to the rig frame rate before decoding, so any ``fps`` works.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn

from medtalk.errors import MedtalkError
from medtalk.model.config import ModelConfig
from medtalk.model.content import AudioContentMapping
from medtalk.model.disentangle import Disentangler
from medtalk.model.guidance import Guidance
from medtalk.model.intensity import FusionIntensity
from medtalk.rig import S_INT

_S_INT = torch.as_tensor(S_INT)


class MEDTalkOutput(NamedTuple):
    """All at the rig frame rate: ``rig (B, T, 174)``, latents ``(B, T, latent)``, ``intensity (B, T)``."""

    rig: torch.Tensor
    content: torch.Tensor
    emotion: torch.Tensor
    intensity: torch.Tensor


def pseudo_intensity(rig: torch.Tensor) -> torch.Tensor:
    """``Int(R)_t = 0.1 * sum |R_t[S_INT]|``: ``(B, T, 174) -> (B, T)`` (as ``medtalk.rig.pseudo_intensity``)."""
    return 0.1 * rig[..., _S_INT.to(rig.device)].abs().sum(dim=-1)


def resample_time(x: torch.Tensor, rate_in: float, rate_out: float, num_frames: int) -> torch.Tensor:
    """Linear interpolation along time: ``(B, T_in, ...) -> (B, num_frames, ...)``.

    Frame ``t`` of either grid sits at time ``t / rate`` (both grids start at 0).
    """
    position = torch.arange(num_frames, device=x.device, dtype=torch.float32) * (rate_in / rate_out)
    position = position.clamp(max=x.shape[1] - 1)
    lower = position.floor().long()
    upper = (lower + 1).clamp(max=x.shape[1] - 1)
    weight = (position - lower).to(x.dtype).view(1, -1, *([1] * (x.dim() - 2)))
    return x[:, lower] * (1 - weight) + x[:, upper] * weight


class MEDTalk(nn.Module):
    """``E_c``, ``E_e``, ``D`` (stage 1), ACM (stage 2), FIM (stage 3) and ``P_text``, ``P_image`` (stage 4)."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        if config.guidance.label_dim != config.intensity.label_dim:
            raise MedtalkError(
                f"guidance.label_dim {config.guidance.label_dim} must equal intensity.label_dim "
                f"{config.intensity.label_dim}"
            )
        self.config = config
        latent = config.disentangle.latent_dim
        self.disentangle = Disentangler(config.disentangle)
        self.acm = AudioContentMapping(config.content, latent)
        self.fim = FusionIntensity(config.intensity, latent)
        self.guidance = Guidance(config.guidance)

    def content(
        self, audio: torch.Tensor, num_frames: int, audio_mask: torch.Tensor | None = None,
        phones: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """ACM content latents at the rig rate: ``audio (B, T_a, F)`` (and ``phones (B, T_a, K)``)
        -> ``(B, num_frames, latent)``."""
        latent = self.acm(audio, audio_mask, phones)
        return resample_time(latent, self.config.content.output_rate, self.config.fps, num_frames)

    def contents(
        self, audio: torch.Tensor, num_frames: int, audio_mask: torch.Tensor | None = None,
        phones: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """For training: the content of the audio alone and, with ``phones``, with the phonetic
        correction (``AudioContentMapping.both``), both at the rig rate."""
        rate = self.config.content.output_rate
        audio_only, refined = self.acm.both(audio, audio_mask, phones)
        audio_only = resample_time(audio_only, rate, self.config.fps, num_frames)
        return audio_only, None if refined is None else resample_time(refined, rate, self.config.fps, num_frames)

    def intensity(
        self,
        prosody: torch.Tensor,
        mel: torch.Tensor | None,
        num_frames: int,
        text: torch.Tensor | None = None,
        text_mask: torch.Tensor | None = None,
        audio_mask: torch.Tensor | None = None,
        emotion: torch.Tensor | None = None,
        text_spans: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """CMF intensity at the rig rate: ``prosody (B, T_a, P)`` -> ``(B, num_frames)``.

        ``emotion (B, label_dim)``: the label embedding or guidance vector;
        ``text_spans (B, N, 2)``: when each token's word is said (``CrossModalityFusion``).
        """
        if self.config.intensity.static_intensity:  # the ablation: no intensity modelling at all
            return torch.ones(prosody.shape[0], num_frames, device=prosody.device)
        intensity = self.fim.cmf(prosody, mel, text, text_mask, audio_mask, emotion, text_spans)
        return resample_time(intensity, self.config.intensity.feature_rate, self.config.fps, num_frames)

    def forward(
        self,
        audio: torch.Tensor,
        prosody: torch.Tensor,
        mel: torch.Tensor | None,
        emotion: torch.Tensor,
        num_frames: int,
        audio_mask: torch.Tensor | None = None,
        text: torch.Tensor | None = None,
        text_mask: torch.Tensor | None = None,
        intensity_scale: float | torch.Tensor = 1.0,
        guidance: torch.Tensor | None = None,
        mel_mask: torch.Tensor | None = None,
        text_spans: torch.Tensor | None = None,
        phones: torch.Tensor | None = None,
    ) -> MEDTalkOutput:
        """Animate: audio features + emotion -> rig.

        ``audio (B, T_a, F)`` ACM input, ``prosody (B, T_m, P)``, ``mel (B, T_m, 80)``
        log-mel for the CMF queries, ``emotion (B,)`` label ids, ``text (B, N, 384)``
        with ``text_mask (B, N)``; ``guidance (B, label_dim)`` replaces the label
        embedding (stage 4). ``intensity_scale`` multiplies ``I_t``. Masks are True
        on real frames: ``audio_mask (B, T_a)`` of the ACM input, ``mel_mask (B, T_m)``
        of ``prosody`` and ``mel``. ``text_spans (B, N, 2)``: when each token's word
        is said, in seconds from the start (None: unknown). ``phones (B, T_a, K)``: the
        transcript's phone track on the ACM input frames (None: no transcript).
        """
        content = self.content(audio, num_frames, audio_mask, phones)
        f = self.fim.label(emotion) if guidance is None else guidance
        intensity = self.intensity(prosody, mel, num_frames, text, text_mask, mel_mask, f, text_spans) * intensity_scale
        emotion_latent = self.fim.emotion_latent(f, intensity)
        rig = self.disentangle.decode(emotion_latent, content)
        return MEDTalkOutput(rig, content, emotion_latent, intensity)
