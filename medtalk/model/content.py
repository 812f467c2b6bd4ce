"""Stage 2: Audio Content Mapping (ACM), audio features -> content latent per frame.

The paper maps frozen wav2vec 2.0 features into the content space of ``E_c``.
Without those weights our default learns its own audio encoder over the
per-utterance normalised log-mel of ``medtalk.features``: a convolutional stem,
residual dilated convolutions (about +-0.3 s of context: a lip shape depends
on the neighbouring phonemes, coarticulation) and a bidirectional GRU for
longer context. With ``ContentConfig.phones`` a phonetic correction reads the
viseme class of each frame from the transcript (``inputs.phone_track``) with
the audio path's features and adds to the audio's content; the audio path
never learns from it, so without a transcript the model is what it would be
without the correction. With ``frontend="whisper"`` (the paper's frozen pretrained
front-end, with Whisper's encoder in place of wav2vec 2.0: ``medtalk.model.whisper``)
or ``frontend="wav2vec2"`` the same network runs over frozen encoder states instead.
"""

from __future__ import annotations

import copy
from functools import lru_cache

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from medtalk.errors import MedtalkError
from medtalk.model.config import ContentConfig
from medtalk.model.conv import Conv1d
from medtalk.model.inputs import PHONE_CLASSES, phones_given

FRONTENDS = ("log_mel", "whisper", "wav2vec2")


class ResidualConv(nn.Module):
    """``x + W(GELU(dilated conv(LayerNorm(x))))`` over time: ``(B, C, T) -> (B, C, T)``."""

    def __init__(self, channels: int, kernel_size: int, dilation: int, dropout: float) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(channels)
        self.conv = Conv1d(channels, channels, kernel_size, dilation=dilation, padding="same")
        self.proj = Conv1d(channels, channels, 1)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        h = self.norm(x.transpose(1, 2)).transpose(1, 2)
        h = self.proj(self.dropout(nn.functional.gelu(self.conv(h))))
        # re-zero padding so it cannot leak into real frames through the next conv
        return (x + h) * mask


class AudioContentMapping(nn.Module):
    """ACM: ``(B, T_a, input_dim)`` features -> ``(B, ceil(T_a / stride), latent)`` content latents."""

    def __init__(self, config: ContentConfig, latent_dim: int) -> None:
        super().__init__()
        if config.frontend not in FRONTENDS:
            raise MedtalkError(f"unknown audio front-end {config.frontend!r}; choose one of {', '.join(FRONTENDS)}")
        self.config = config
        c = config.channels
        envelope = _envelope_projection(config.input_dim, config.envelope_coeffs)
        self.register_buffer("envelope", envelope, persistent=False)
        if config.stem_kernel % 2 == 0:
            raise MedtalkError("the ACM stem kernel must be odd (frames stay centred)")
        # padding k//2 centres output frame j on input frame j * stride
        self.stem = Conv1d(
            config.input_dim, c, config.stem_kernel, stride=config.stride, padding=config.stem_kernel // 2
        )
        self.blocks = nn.ModuleList(ResidualConv(c, config.kernel_size, d, config.dropout) for d in config.dilations)
        self.gru = nn.GRU(c, config.gru_hidden, batch_first=True, bidirectional=True) if config.gru_hidden else None
        out_in = 2 * config.gru_hidden if config.gru_hidden else c
        self.norm = nn.LayerNorm(out_in)
        self.out = nn.Linear(out_in, latent_dim)
        self.phonetic = PhoneticCorrection(config, out_in, latent_dim) if config.phones else None

    def forward(
        self, features: torch.Tensor, mask: torch.Tensor | None = None, phones: torch.Tensor | None = None
    ) -> torch.Tensor:
        """``features (B, T_a, F)``, ``mask (B, T_a)`` True on real frames -> ``(B, T_c, latent)``.

        ``T_c = ceil(T_a / stride)``: latent ``j`` is centred on feature frame ``j * stride``.
        ``phones (B, T_a, K)``: the phone track on the same frames (``inputs.phone_track``;
        zero rows where unknown, an all-zero track for an item without phones), used when
        the model has the phonetic correction.
        """
        audio, refined = self.both(features, mask, phones)
        return audio if refined is None else refined

    def both(
        self, features: torch.Tensor, mask: torch.Tensor | None = None, phones: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The content of the audio alone and, given ``phones`` and a phonetic model, the content
        with the phonetic correction added (items with an all-zero track get none); see ``forward``.

        The correction reads the audio path's features detached and adds to its detached output,
        so training it never changes what the audio alone gives.
        """
        hidden, mask = self._audio(features, mask)
        audio = self.out(hidden)
        if self.phonetic is None or phones is None:
            return audio, None
        has = phones_given(phones).to(audio.dtype)[:, None, None]
        correction = self.phonetic(phones, hidden.detach(), mask)
        return audio, audio.detach() + has * correction

    def _audio(self, features: torch.Tensor, mask: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        """The audio path up to its output layer: ``(B, T_c, C)`` normalised features and the
        ``(B, T_a)`` input mask."""
        B, T, F = features.shape
        assert F == self.config.input_dim, (F, self.config.input_dim)
        if mask is None:
            mask = torch.ones(B, T, dtype=torch.bool, device=features.device)
        if self.config.envelope_coeffs:
            features = features @ self.envelope
        full_mask = mask
        x = self.stem(features.transpose(1, 2) * mask[:, None, :].to(features.dtype))
        mask = mask[:, :: self.config.stride]
        T = mask.shape[1]
        assert x.shape[2] == T, (x.shape, T)
        m = mask[:, None, :].to(features.dtype)
        x = x * m
        for block in self.blocks:
            x = block(x, m)
        x = x.transpose(1, 2)
        if self.gru is not None:
            lengths = mask.sum(dim=1).clamp(min=1).cpu()
            packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            x, _ = pad_packed_sequence(self.gru(packed)[0], batch_first=True, total_length=T)
        return self.norm(x), full_mask


class PhoneticCorrection(nn.Module):
    """What the transcript's phones add to the audio's content: ``phones (B, T_a, K)`` through a
    strided convolution like the audio stem, plus a projection of the audio path's features
    ``(B, T_c, C)``, through residual dilated convolutions (+-0.3 s) -> ``(B, T_c, latent)``.

    Its output layer starts at zero, so an untrained correction changes nothing.
    """

    DILATIONS = (1, 2, 4, 8)

    def __init__(self, config: ContentConfig, audio_dim: int, latent_dim: int) -> None:
        super().__init__()
        c = config.channels
        self.stride = config.stride
        self.stem = Conv1d(len(PHONE_CLASSES), c, config.stem_kernel, stride=config.stride,
                           padding=config.stem_kernel // 2)
        self.audio = nn.Linear(audio_dim, c)
        self.blocks = nn.ModuleList(ResidualConv(c, config.kernel_size, d, config.dropout) for d in self.DILATIONS)
        self.norm = nn.LayerNorm(c)
        self.out = nn.Linear(c, latent_dim)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, phones: torch.Tensor, audio: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """``mask (B, T_a)`` True on real input frames."""
        x = self.stem(phones.transpose(1, 2) * mask[:, None, :].to(phones.dtype))
        m = mask[:, None, :: self.stride].to(phones.dtype)
        x = (x + self.audio(audio).transpose(1, 2)) * m
        for block in self.blocks:
            x = block(x, m)
        return self.out(self.norm(x.transpose(1, 2)))


def _envelope_projection(bands: int, coeffs: int) -> torch.Tensor:
    """``(bands, bands)`` low-pass across bands: orthonormal DCT-II, keep ``coeffs``, invert."""
    if not coeffs:
        return torch.eye(bands)
    k = np.arange(bands)[:, None]
    dct = np.cos(np.pi / bands * (np.arange(bands)[None, :] + 0.5) * k) * np.sqrt(2.0 / bands)
    dct[0] /= np.sqrt(2.0)
    keep = dct[:coeffs]
    return torch.from_numpy((keep.T @ keep).astype(np.float32))


def audio_features(
    wave: np.ndarray, config: ContentConfig, power: np.ndarray | None = None, fast: bool = False
) -> np.ndarray:
    """The ACM input for 16 kHz mono samples: ``(N,) -> (T_a, input_dim)`` float32.

    ``power`` (log-mel front-end only) may pass an augmented power spectrogram
    of ``wave`` (``medtalk.augment.augment_power``) instead of the clean one.
    ``fast`` runs a frozen front-end in bfloat16 where the CPU multiplies it
    natively (``native_bf16``): what inference does; training reads float32.
    """
    if config.frontend == "log_mel":
        from medtalk.features import log_mel

        return log_mel(wave) if power is None else log_mel(power=power)
    fast = fast and native_bf16()
    frontend = _bfloat16(frozen_frontend(config)) if fast else frozen_frontend(config)
    samples = torch.from_numpy(np.ascontiguousarray(wave, dtype=np.float32))[None]
    with torch.inference_mode(), torch.autocast("cpu", torch.bfloat16, enabled=fast):
        return frontend(samples)[0].float().numpy()


@lru_cache(maxsize=1)
def native_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 natively (AVX512-BF16 or AMX tiles). There a frozen
    front-end runs in bfloat16 at inference: the Whisper tiny.en encoder 30 % faster, its states
    within 1 % of float32's (docs/BENCHMARKS.md); elsewhere bfloat16 would be slower, so float32."""
    cpu = torch.cpu
    return any(getattr(cpu, name, lambda: False)() for name in ("_is_avx512_bf16_supported", "_is_amx_tile_supported"))


@lru_cache(maxsize=2)
def _bfloat16(frontend: nn.Module) -> nn.Module:
    """A copy of a frozen front-end for bfloat16 inference, made once: the weights of its matrix
    products cast to bfloat16 as autocast would cast them on every call (the same numbers), and
    Whisper's GELU exact (erf) instead of the tanh approximation, five times faster here and within
    bfloat16's rounding. Whisper tiny.en on a 1.5 s stream window: a third less time (docs/LIVE.md)."""
    fast = copy.deepcopy(frontend)
    for module in fast.modules():
        if isinstance(module, (nn.Linear, nn.Conv1d)):
            module.to(torch.bfloat16)
        if hasattr(module, "gelu"):
            module.gelu = "none"
    return fast


def frozen_frontend(config: ContentConfig) -> nn.Module:
    """The frozen encoder of a ``whisper`` or ``wav2vec2`` front-end (loaded once), checked against
    the dimension and rate the model was trained on: ``(B, N)`` 16 kHz samples -> ``(B, T_a, input_dim)``."""
    if config.frontend == "whisper":
        from medtalk.model.whisper import whisper_features
        from medtalk.whisper.models import model_dir

        frontend, source = whisper_features(str(model_dir(config.whisper_model)), config.whisper_layer), "Whisper"
    else:
        frontend, source = _wav2vec2(config.wav2vec2_dir, config.wav2vec2_layer), "Wav2Vec2"
    if frontend.dim != config.input_dim or frontend.rate != config.input_rate:
        where = config.whisper_model if config.frontend == "whisper" else config.wav2vec2_dir
        raise MedtalkError(
            f"{source} model {where} gives {frontend.dim}-d features at {frontend.rate:g} Hz; "
            f"this model expects {config.input_dim}-d at {config.input_rate:g} Hz"
        )
    return frontend


@lru_cache(maxsize=2)
def _wav2vec2(model_dir: str | None, layer: int) -> nn.Module:
    """The frozen Wav2Vec2 front-end, loaded once per folder."""
    if not model_dir:
        raise MedtalkError("the wav2vec2 front-end needs a local model folder (wav2vec2_dir)")
    from medtalk.model.wav2vec import Wav2Vec2Features

    return Wav2Vec2Features(model_dir, layer=layer).eval()
