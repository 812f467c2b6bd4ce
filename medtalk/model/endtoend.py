"""The paper's "w/o disentangle" baseline: audio (+ label, + transcript) straight to rigs.

The same building blocks as MEDTalk (the ACM audio encoder, the FIM with its
CMF intensity and label embedding) feed a frame-wise decoder, all trained
together in one stage on the rig reconstruction: no disentangled space, no
stage 1, no frozen targets to map into.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import torch
from torch import nn

from medtalk.errors import MedtalkError
from medtalk.model.config import ContentConfig, IntensityConfig
from medtalk.model.content import AudioContentMapping
from medtalk.model.disentangle import FrameMLP
from medtalk.model.intensity import FusionIntensity
from medtalk.model.medtalk import MEDTalkOutput, resample_time
from medtalk.rig import DEFAULT_FPS, NUM_CONTROLS


@dataclass(frozen=True)
class EndToEndConfig:
    """Widths as MEDTalk's ``default`` preset (``tiny`` for tests)."""

    content: ContentConfig = field(default_factory=ContentConfig)
    intensity: IntensityConfig = field(default_factory=lambda: IntensityConfig(query_dilations=(3, 9),
                                                                               emotion_queries=True))
    latent_dim: int = 256
    hidden_dim: int = 256
    num_controls: int = NUM_CONTROLS
    fps: float = DEFAULT_FPS

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


PRESETS = {
    "default": EndToEndConfig(),
    "tiny": EndToEndConfig(
        content=ContentConfig(channels=32, dilations=(1, 2)),
        intensity=IntensityConfig(model_dim=16, num_heads=2, label_dim=8, fuse_hidden=32, mel_proj_dim=4,
                                  position_dim=4, query_dilations=(3,), emotion_queries=True),
        latent_dim=16, hidden_dim=32,
    ),
}


class EndToEnd(nn.Module):
    """ACM content + FIM emotion -> frame-wise decoder -> ``(B, T, 174)``."""

    ARCH = "endtoend"

    def __init__(self, config: EndToEndConfig) -> None:
        super().__init__()
        self.config = config
        self.acm = AudioContentMapping(config.content, config.latent_dim)
        self.fim = FusionIntensity(config.intensity, config.latent_dim)
        self.decoder = FrameMLP(2 * config.latent_dim, config.hidden_dim, config.num_controls)

    def forward(
        self, audio: torch.Tensor, prosody: torch.Tensor, mel: torch.Tensor | None, emotion: torch.Tensor,
        num_frames: int, audio_mask: torch.Tensor | None = None, text: torch.Tensor | None = None,
        text_mask: torch.Tensor | None = None, intensity_scale: float | torch.Tensor = 1.0,
        guidance: torch.Tensor | None = None, mel_mask: torch.Tensor | None = None,
        text_spans: torch.Tensor | None = None,
    ) -> MEDTalkOutput:
        """As ``MEDTalk.forward`` (same inputs and outputs); no stage-4 guidance."""
        if guidance is not None:
            raise MedtalkError("the end-to-end baseline takes emotion labels only")
        cfg = self.config
        content = resample_time(self.acm(audio, audio_mask), cfg.content.output_rate, cfg.fps, num_frames)
        f = self.fim.label(emotion)
        intensity = self.fim.cmf(prosody, mel, text, text_mask, mel_mask, f, text_spans)
        intensity = resample_time(intensity, cfg.intensity.feature_rate, cfg.fps, num_frames) * intensity_scale
        emotion_latent = self.fim.emotion_latent(f, intensity)
        rig = self.decoder(torch.cat([emotion_latent, content], dim=-1))
        return MEDTalkOutput(rig, content, emotion_latent, intensity)

    def train_forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """The rig of a training batch (``medtalk.train.batches.AudioCrops``): ``(B, T, 174)``."""
        return self(batch["audio"], batch["prosody"], batch["mel"], batch["emotion"], batch["rig"].shape[1],
                    audio_mask=batch["audio_mask"], text=batch["text"], text_mask=batch["text_mask"],
                    mel_mask=batch["mel_mask"], text_spans=batch["text_spans"]).rig
