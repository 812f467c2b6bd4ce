"""Ablations of the full model (the paper's Table 3) as config and stage variants.

Each ablation changes what the one training loop runs, never its code:

- ``no-overlap``: stage 1 without the overlap-exchange terms (its phases keep
  the self and, last, the cycle term);
- ``no-cycle``: stage 1 without the cycle-exchange term;
- ``no-intensity``: a static label embedding: ``I_t`` fixed at 1 and ``E_fuse``
  on the unscaled ``f`` (``IntensityConfig.static_intensity``);
- ``no-text``: no transcript features in the intensity block
  (``IntensityConfig.use_text``; the ACM's phone track, a stage-2 input, stays).

The first two change only stage 1, the last two only stage 3, so a results
run may share stage 1 between the full model and ``no-intensity``/``no-text``.
"""

from __future__ import annotations

from dataclasses import replace

from medtalk.errors import MedtalkError
from medtalk.model.config import ModelConfig
from medtalk.train.stages import Stage

_DROPPED_TERMS = {"no-overlap": ("overlap_content", "overlap_emotion"), "no-cycle": ("cycle",)}
_INTENSITY = {"no-intensity": {"static_intensity": True}, "no-text": {"use_text": False}}
ABLATIONS = tuple(_DROPPED_TERMS) + tuple(_INTENSITY)
STAGE1_ABLATIONS = tuple(_DROPPED_TERMS)  # the ablations that need their own stage 1


def _check(name: str | None) -> None:
    if name is not None and name not in ABLATIONS:
        raise MedtalkError(f"unknown ablation {name!r}; choose one of {', '.join(ABLATIONS)}")


def ablate_config(name: str | None, config: ModelConfig) -> ModelConfig:
    """The model config of ablation ``name`` (unchanged for None and the stage-1 ablations)."""
    _check(name)
    if name not in _INTENSITY:
        return config
    return replace(config, intensity=replace(config.intensity, **_INTENSITY[name]))


def ablate_stages(name: str | None, stages: tuple[Stage, ...]) -> tuple[Stage, ...]:
    """The stages of ablation ``name``: loss terms it removes are dropped from every stage."""
    _check(name)
    dropped = _DROPPED_TERMS.get(name or "", ())
    return tuple(replace(s, losses={k: w for k, w in s.losses.items() if k not in dropped}) for s in stages)
