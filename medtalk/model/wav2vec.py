"""Optional frozen Wav2Vec2 front-end (the paper's content features) from a local folder.

For users who have wav2vec 2.0 weights on disk (e.g. a ``facebook/wav2vec2-base-960h``
checkout): the content mapping then runs over its hidden states instead of
log-mel features. Nothing is downloaded; the model stays frozen and in eval
mode even inside a module being trained.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import torch
from torch import nn

from medtalk.audio import SAMPLE_RATE
from medtalk.errors import MedtalkError
from medtalk.hf import local_loading

# Per-utterance zero-mean/unit-variance input normalisation, as the model's
# feature extractor does when its ``preprocessor_config.json`` says so (the
# default of ``Wav2Vec2FeatureExtractor``).
DEFAULT_NORMALIZE = True
NORM_EPS = 1e-7


class Wav2Vec2Features(nn.Module):
    """Frozen Wav2Vec2 hidden states: ``(B, N)`` 16 kHz samples -> ``(B, T, dim)``.

    ``layer`` picks the hidden state: ``-1`` the last transformer layer, ``0``
    the projected convolutional features, ``k`` the k-th layer. ``dim`` is the
    hidden size and ``rate`` the frame rate (16000 / product of the conv
    strides: 50 frames/s for standard wav2vec 2.0).
    """

    def __init__(self, model_dir: Path | str, layer: int = -1) -> None:
        super().__init__()
        model_dir = Path(model_dir)
        if not model_dir.is_dir():
            raise MedtalkError(f"{model_dir}: no such Wav2Vec2 model folder")
        with local_loading(model_dir, "Wav2Vec2 model"):
            from transformers import AutoConfig, Wav2Vec2Model

            config = AutoConfig.from_pretrained(model_dir, local_files_only=True)
            if config.model_type != "wav2vec2":
                raise MedtalkError(f"{model_dir}: a {config.model_type!r} model, not wav2vec2")
            self.model = Wav2Vec2Model.from_pretrained(model_dir, local_files_only=True)
        n_layers = config.num_hidden_layers
        if not -(n_layers + 1) <= layer <= n_layers:
            raise MedtalkError(f"{model_dir}: layer {layer} out of range (the model has {n_layers} layers)")
        self.layer = layer
        self.model.requires_grad_(False)
        self.model.eval()
        self.dim = int(config.hidden_size)
        self.rate = SAMPLE_RATE / math.prod(config.conv_stride)
        # shortest input the convolutional stack accepts (its receptive field)
        self.min_samples = 1
        for kernel, stride in reversed(list(zip(config.conv_kernel, config.conv_stride))):
            self.min_samples = (self.min_samples - 1) * stride + kernel
        self.normalize = _reads_normalize(model_dir)

    def train(self, mode: bool = True) -> Wav2Vec2Features:
        """Stay in eval mode: a frozen front-end must not turn on dropout or masking."""
        super().train(mode)
        self.model.eval()
        return self

    @torch.no_grad()
    def forward(self, wave: torch.Tensor) -> torch.Tensor:
        """``wave (B, N)`` float at 16 kHz -> ``(B, T, dim)`` hidden states at ``rate`` Hz.

        Inputs shorter than the convolutional receptive field are zero-padded
        to it, so even a one-sample input gives one frame.
        """
        if wave.ndim != 2:
            raise ValueError(f"expected (B, N) samples, got {tuple(wave.shape)}")
        wave = wave.float()
        if self.normalize:
            centred = wave - wave.mean(dim=1, keepdim=True)
            wave = centred / torch.sqrt(centred.pow(2).mean(dim=1, keepdim=True) + NORM_EPS)
        if wave.shape[1] < self.min_samples:
            wave = nn.functional.pad(wave, (0, self.min_samples - wave.shape[1]))
        if self.layer == -1:
            return self.model(wave).last_hidden_state
        return self.model(wave, output_hidden_states=True).hidden_states[self.layer]


def _reads_normalize(model_dir: Path) -> bool:
    """``do_normalize`` of the folder's feature-extractor config, if it has one."""
    path = model_dir / "preprocessor_config.json"
    if not path.is_file():
        return DEFAULT_NORMALIZE
    try:
        return bool(json.loads(path.read_text()).get("do_normalize", DEFAULT_NORMALIZE))
    except (OSError, json.JSONDecodeError) as exc:
        raise MedtalkError(f"{path}: unreadable feature-extractor config ({exc})") from exc
