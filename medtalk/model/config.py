"""Typed, frozen model configurations and the named presets.

A checkpoint stores ``ModelConfig.to_dict()``; ``ModelConfig.from_dict`` rebuilds
it and rejects unknown keys, so a model always comes back exactly as trained.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, TypeVar

from medtalk.emotions import EMOTIONS
from medtalk.errors import MedtalkError
from medtalk.features import FEATURE_RATE, N_MELS, PROSODY_DIM
from medtalk.rig import DEFAULT_FPS, NUM_CONTROLS
from medtalk.text_models import MINILM, MPNET, SENTENCE_DIMS

TEXT_DIM = 384  # MiniLM-L6 token features (medtalk.text.TEXT_DIM; that module loads lazily)
IMAGE_DIM = 39  # expression descriptor (medtalk.guidance.descriptor.DESCRIPTOR_DIM; that module loads data)


@dataclass(frozen=True)
class DisentangleConfig:
    """Stage 1: frame-wise MLPs ``E_c``, ``E_e`` (174 -> hidden -> latent) and ``D``."""

    num_controls: int = NUM_CONTROLS
    hidden_dim: int = 256
    latent_dim: int = 256


@dataclass(frozen=True)
class ContentConfig:
    """Stage 2: the Audio Content Mapping (audio features -> content latent).

    ``frontend`` is ``"log_mel"`` (a learned encoder over
    ``medtalk.features.log_mel``), ``"whisper"`` (frozen Whisper encoder
    states, layer ``whisper_layer`` of ``whisper_model``: an installed model's
    name or a local CTranslate2 folder; ``medtalk.model.whisper``) or
    ``"wav2vec2"`` (frozen features from a local Hugging Face folder
    ``wav2vec2_dir``). ``input_dim``/``input_rate`` must match the front-end.
    """

    frontend: str = "log_mel"
    input_dim: int = N_MELS
    input_rate: float = float(FEATURE_RATE)  # feature frames/s
    wav2vec2_dir: str | None = None
    wav2vec2_layer: int = -1
    whisper_model: str = "tiny.en"
    whisper_layer: int = 4  # blocks run (1..depth); the model's depth also applies its final LayerNorm
    # keep only this many DCT coefficients of each frame across the bands (0:
    # all): the spectral envelope (formants, what the mouth shapes) without the
    # pitch harmonics, which differ most between espeak-ng and real voices
    envelope_coeffs: int = 20
    channels: int = 128
    stem_kernel: int = 5
    # the stem halves the frame rate (100 -> 50 frames/s): lip shapes change
    # slower than that, and it halves the cost of everything after it
    stride: int = 2
    kernel_size: int = 3
    dilations: tuple[int, ...] = (1, 2, 4, 8, 1, 2)  # context +-(1 + 2 * sum) frames after the stem
    # a BiGRU after the convolutions (0: none): longer context fits espeak-ng
    # speech better but transfers worse to real voices (docs/MODEL.md)
    gru_hidden: int = 0
    dropout: float = 0.1
    # a phonetic correction of the content (False in files written before it existed): from the
    # viseme class of each frame of the transcript's phones (forced alignment at inference, the
    # generator's phones in training; ``inputs.phone_track``) and the audio path's features
    phones: bool = False
    phone_dropout: float = 0.0  # p of training a crop without its phones (the audio path trains on every crop)

    @property
    def output_rate(self) -> float:
        """Content latents per second."""
        return self.input_rate / self.stride


@dataclass(frozen=True)
class IntensityConfig:
    """Stage 3: Fusion Intensity Modelling (CMF block, label embedding, ``E_fuse``)."""

    prosody_dim: int = PROSODY_DIM
    mel_dim: int = N_MELS  # log-mel bands projected into the queries (0: prosody only)
    mel_proj_dim: int = 16
    feature_rate: float = float(FEATURE_RATE)
    text_dim: int = TEXT_DIM
    model_dim: int = 64
    num_heads: int = 4
    query_kernel: int = 9  # frames of temporal context in the query projection
    query_dilations: tuple[int, ...] = ()  # residual dilated convolutions after it (presets: +-0.5 s)
    position_dim: int = 16  # sinusoids of the relative position of frames and tokens (even)
    # the CMF queries also see the emotion direction f / ||f|| (False in files
    # written before it existed; every preset turns it on)
    emotion_queries: bool = False
    # keys carry the time their word is said (forced alignment at inference,
    # the generator's word times in training) and each frame's attention is
    # biased towards the words said near it: a Gaussian of the distance to the
    # word's span with this std in seconds (0: none, as in files written before)
    word_timing: float = 0.0
    num_labels: int = len(EMOTIONS)
    label_dim: int = 64
    fuse_hidden: int = 256
    text_dropout: float = 0.3  # p of training without the transcript
    # ablations (docs/RESULTS.md): no transcript features at all; a static
    # label embedding (I_t fixed at 1, E_fuse on the unscaled f)
    use_text: bool = True
    static_intensity: bool = False


@dataclass(frozen=True)
class GuidanceConfig:
    """Stage 4: ``P_text`` and ``P_image``; ``label_dim`` must equal ``IntensityConfig.label_dim``.

    ``text_encoder`` names the sentence encoder of the descriptions
    (``medtalk.text_models``) and ``text_dim`` its size: files written before
    2026-12-06 have no ``text_encoder`` and read descriptions with MiniLM, as trained.
    """

    text_dim: int = TEXT_DIM
    text_encoder: str = MINILM
    image_dim: int = IMAGE_DIM
    label_dim: int = 64
    hidden: int = 128
    dropout: float = 0.0  # on the input features while training
    # Gaussian noise added to the (unit-length) sentence embedding while
    # training, as a share of its length: nearby wordings must map alike, which
    # carries P_text from the generator's vocabulary to unseen paraphrases
    text_noise: float = 1.0


@dataclass(frozen=True)
class ModelConfig:
    """The whole MEDTalk model; ``fps`` is the rig frame rate it was trained at."""

    disentangle: DisentangleConfig = field(default_factory=DisentangleConfig)
    content: ContentConfig = field(default_factory=ContentConfig)
    intensity: IntensityConfig = field(default_factory=IntensityConfig)
    # files written before stage 4 existed have no "guidance" key: they get the defaults
    guidance: GuidanceConfig = field(default_factory=GuidanceConfig)
    fps: float = DEFAULT_FPS

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelConfig:
        """Rebuild from ``to_dict()`` output; unknown or mistyped keys are errors."""
        return _build(cls, data, "config")


T = TypeVar("T")


def build_config(kind: type[T], data: Any, where: str = "config") -> T:
    """Rebuild any frozen config dataclass from its ``asdict`` form; unknown or mistyped keys are errors."""
    return _build(kind, data, where)


def _build(kind: type[T], data: Any, where: str) -> T:
    if not isinstance(data, dict):
        raise MedtalkError(f"{where}: expected a mapping, got {type(data).__name__}")
    fields = {f.name: f for f in dataclasses.fields(kind)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise MedtalkError(f"{where}: unknown key(s) {', '.join(unknown)} for {kind.__name__}")
    values = {}
    for name, value in data.items():
        default = getattr(kind(), name)
        if dataclasses.is_dataclass(default):
            value = _build(type(default), value, f"{where}.{name}")
        elif isinstance(default, tuple):
            value = tuple(value)
        values[name] = value
    return kind(**values)


# Whisper tiny.en's encoder states are 384-d at 50/s, already the content rate: no striding, and
# no band envelope (the states are not mel bands).
WHISPER_CONTENT = ContentConfig(frontend="whisper", input_dim=384, input_rate=50.0, whisper_model="tiny.en",
                                whisper_layer=4, envelope_coeffs=0, stride=1, phones=True)

_TIMED = IntensityConfig(query_dilations=(3, 9), emotion_queries=True, word_timing=0.15)
# descriptions read by all-mpnet-base-v2 (since 2026-12-06; MiniLM-L6 before): unseen wordings
# land on their emotion far more often (docs/GUIDANCE.md)
MPNET_GUIDANCE = GuidanceConfig(text_dim=SENTENCE_DIMS[MPNET], text_encoder=MPNET)
_WHISPER = ModelConfig(content=WHISPER_CONTENT, intensity=_TIMED, guidance=MPNET_GUIDANCE)

PRESETS: dict[str, ModelConfig] = {
    # What `make model` trains and ships (since 2026-12-05): the paper's 256-d latents, the
    # content branch over frozen Whisper tiny.en encoder states (the paper's pretrained
    # front-end; docs/FRONTEND.md chose the model, layer and rate on real speech), reading the
    # transcript's phones when there is one, word timing in the CMF (its keys placed where
    # their words are said), which is what lets the transcript raise the intensity on loaded
    # words (docs/MODEL.md), and descriptions read by all-mpnet-base-v2.
    "default": _WHISPER,
    # The same, by the name it had before it became the default.
    "whisper": _WHISPER,
    # The default over its own small convolutional log-mel encoder instead of Whisper's states:
    # the shipped configuration from 2026-11-22 to 2026-12-04 (faster, but deaf to real voices
    # without a transcript: docs/MODEL.md, *Real speech, three modes*).
    "log-mel": ModelConfig(content=ContentConfig(phones=True), intensity=_TIMED, guidance=MPNET_GUIDANCE),
    # log-mel without word timing: the shipped configuration until 2026-11-22.
    "untimed": ModelConfig(content=ContentConfig(phones=True),
                           intensity=IntensityConfig(query_dilations=(3, 9), emotion_queries=True)),
    # For tests and quick experiments: trains through all stages in seconds.
    "tiny": ModelConfig(
        disentangle=DisentangleConfig(hidden_dim=32, latent_dim=16),
        content=ContentConfig(channels=32, dilations=(1, 2), phones=True),
        intensity=IntensityConfig(
            model_dim=16, num_heads=2, label_dim=8, fuse_hidden=32, mel_proj_dim=4, position_dim=4,
            query_dilations=(3,), emotion_queries=True, word_timing=0.15,
        ),
        guidance=GuidanceConfig(label_dim=8, hidden=32),
    ),
}


def preset(name: str) -> ModelConfig:
    """A named configuration (``default``, ``whisper``, ``log-mel``, ``untimed`` or ``tiny``)."""
    try:
        return PRESETS[name]
    except KeyError:
        raise MedtalkError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}") from None
