"""The trainable architectures, by the name a model file records: MEDTalk and the learned baselines.

Every architecture takes the same inputs as ``MEDTalk.forward`` and returns a
``MEDTalkOutput``, so ``medtalk.infer.predict`` (and with it ``medtalk
animate`` and ``medtalk eval``) runs any of them. Each brings its frozen config
class and its presets; the stages that train it are data in ``medtalk.train.stages``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from torch import nn

from medtalk.errors import MedtalkError
from medtalk.model.config import build_config


@dataclass(frozen=True)
class Arch:
    name: str
    config: type
    build: Callable[[Any], nn.Module]
    presets: Mapping[str, Any]

    def preset(self, name: str) -> Any:
        try:
            return self.presets[name]
        except KeyError:
            raise MedtalkError(f"unknown preset {name!r} for {self.name}; choose one of {', '.join(self.presets)}") from None

    def from_dict(self, data: Any) -> nn.Module:
        """The model a stored config describes (untrained weights)."""
        return self.build(build_config(self.config, data))


def _medtalk() -> Arch:
    from medtalk.model.config import PRESETS, ModelConfig
    from medtalk.model.medtalk import MEDTalk

    return Arch("medtalk", ModelConfig, MEDTalk, PRESETS)


def _faceformer() -> Arch:
    from medtalk.model import faceformer

    return Arch("faceformer", faceformer.FaceFormerConfig, faceformer.FaceFormer, faceformer.PRESETS)


def _endtoend() -> Arch:
    from medtalk.model import endtoend

    return Arch("endtoend", endtoend.EndToEndConfig, endtoend.EndToEnd, endtoend.PRESETS)


_ARCHS = {"medtalk": _medtalk, "faceformer": _faceformer, "endtoend": _endtoend}
ARCHS = tuple(_ARCHS)


def get_arch(name: str) -> Arch:
    try:
        return _ARCHS[name]()
    except KeyError:
        raise MedtalkError(f"unknown architecture {name!r}; choose one of {', '.join(ARCHS)}") from None


def arch_of(model: nn.Module) -> str:
    """The registry name of a model instance (``ARCH`` on baselines; MEDTalk otherwise)."""
    return getattr(model, "ARCH", "medtalk")
