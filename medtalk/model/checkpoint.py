"""Model files and resumable training state.

A model file is a ``torch.save`` dict of plain types (loaded with
``weights_only=True``, so opening a file cannot run code):

- ``format``, ``medtalk_version``, ``created`` (UTC, ISO 8601);
- ``arch`` (``medtalk.model.archs``; absent in older files: ``medtalk``) and
  ``config``: its config as a dict, which rebuilds the model;
- ``state_dict``: float16 weights (half the size; the outputs move by ~1e-4);
- ``sha256``: a hash of the weights, checked on load (a damaged file fails
  with a clear message instead of animating garbage);
- ``data``: what it was trained on; ``metrics``: its evaluation figures.

The training state (``state.pt`` in a run folder) adds the optimiser,
scheduler and RNG states and the position in the stage list.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import torch

from medtalk import __version__
from medtalk.errors import MedtalkError
from medtalk.files import atomic_output
from medtalk.model.archs import arch_of, get_arch
from medtalk.model.medtalk import MEDTalk

FORMAT = 1
STORED_DTYPE = torch.float16


def weights_hash(state_dict: dict[str, torch.Tensor]) -> str:
    """sha256 over names, dtypes, shapes and bytes of every tensor, in name order."""
    h = hashlib.sha256()
    for name in sorted(state_dict):
        t = state_dict[name].detach().cpu().contiguous()
        h.update(f"{name}:{t.dtype}:{tuple(t.shape)};".encode())
        h.update(t.view(torch.uint8).numpy().tobytes() if t.numel() else b"")
    return h.hexdigest()


def save_model(
    path: Path,
    model: MEDTalk,
    data: dict[str, Any] | None = None,
    metrics: dict[str, Any] | None = None,
    force: bool = False,
) -> Path:
    """Write a self-describing model file atomically."""
    state = {
        k: v.detach().cpu().to(STORED_DTYPE) if v.is_floating_point() else v.detach().cpu()
        for k, v in model.state_dict().items()
    }
    payload = {
        "format": FORMAT,
        "medtalk_version": __version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "arch": arch_of(model),  # which architecture the config describes (absent: medtalk)
        "config": asdict(model.config),
        "state_dict": state,
        "sha256": weights_hash(state),
        "data": data or {},
        "metrics": metrics or {},
    }
    with atomic_output(Path(path), force=force) as tmp:
        torch.save(payload, tmp)
    return Path(path)


def read_model_file(path: Path) -> dict[str, Any]:
    """The checked contents of a model file (see the module docstring)."""
    path = Path(path)
    if not path.is_file():
        raise MedtalkError(f"{path}: no such model file")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises many types for a file that is not a checkpoint
        raise MedtalkError(f"{path}: not a medtalk model file ({type(err).__name__})") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT or "state_dict" not in payload:
        raise MedtalkError(f"{path}: not a medtalk model file (or a format this version cannot read)")
    if weights_hash(payload["state_dict"]) != payload.get("sha256"):
        raise MedtalkError(f"{path}: the weights do not match their checksum (damaged file)")
    return payload


def load_weights(model: MEDTalk, state: dict[str, torch.Tensor], where: Path) -> None:
    """Load ``state`` into ``model``; files from before stage 4 existed may lack the guidance weights
    (``model.guidance.trained`` then stays False)."""
    try:
        missing, unexpected = model.load_state_dict(state, strict=False)
    except RuntimeError as err:
        raise MedtalkError(f"{where}: weights do not fit the stored config ({str(err).splitlines()[0]})") from None
    missing = [k for k in missing if not k.startswith("guidance.")]
    if missing or unexpected:
        raise MedtalkError(f"{where}: weights do not fit the stored config "
                           f"(missing {missing[:3]}, unexpected {unexpected[:3]})")


def load_model(path: Path) -> tuple[MEDTalk, dict[str, Any]]:
    """Rebuild a model from its file: ``(model in eval mode, {"data", "metrics", ...})``."""
    payload = read_model_file(path)
    model = get_arch(payload.get("arch", "medtalk")).from_dict(payload["config"])
    state = {k: v.float() if v.is_floating_point() else v for k, v in payload["state_dict"].items()}
    load_weights(model, state, path)
    info = {k: payload.get(k) for k in ("medtalk_version", "created", "data", "metrics")}
    return model.eval(), info


def save_state(path: Path, state: dict[str, Any]) -> None:
    """Write the training state atomically (overwriting the previous one)."""
    with atomic_output(Path(path), force=True) as tmp:
        torch.save(state, tmp)


def load_state(path: Path) -> dict[str, Any]:
    """Read a training state written by ``save_state``."""
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:
        raise MedtalkError(f"{path}: cannot resume from this training state ({type(err).__name__}: {err})") from None
