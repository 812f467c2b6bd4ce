"""What ``medtalk eval`` evaluates and on which clips.

A method is named by a model file, a run folder (its ``model.pt``) or
``performer`` (the alignment-driven performer, not learned). A model file
says which architecture it holds, so MEDTalk, its ablations and the learned
baselines all load the same way.
"""

from __future__ import annotations

import json
from pathlib import Path

from medtalk.data.clips import Clip, load_clips, scan_clips
from medtalk.errors import MedtalkError
from medtalk.eval.report import Method, model_method

PERFORMER = "performer"


def model_file(spec: str | Path) -> Path:
    """The model file a spec names: the file itself, or ``RUN/model.pt``."""
    path = Path(spec)
    if path.is_dir():
        if not (path / "model.pt").is_file():
            raise MedtalkError(f"{path}: a folder without model.pt (is the run finished?)")
        return path / "model.pt"
    if not path.is_file():
        raise MedtalkError(f"{path}: no such model file or run folder (or use '{PERFORMER}')")
    return path


def run_cache(path: Path) -> Path | None:
    """The feature cache a run folder trained with (``--cache`` or ``RUN/cache``), if it exists."""
    if not path.is_dir():
        return None
    try:
        chosen = json.loads((path / "config.json").read_text())["options"]["cache"]
    except (OSError, ValueError, KeyError, TypeError):
        chosen = "None"
    cache = Path(chosen) if chosen != "None" else path / "cache"
    return cache if cache.is_dir() else None


def load_method(spec: str | Path, text: bool = True, seed: int = 0) -> tuple[Method, dict]:
    """``(method, description)``; ``text=False`` withholds the transcripts from a model."""
    if str(spec) == PERFORMER:
        from medtalk.eval.performer import performer_method

        return performer_method(seed), {"method": PERFORMER}
    from medtalk.model.checkpoint import load_model

    path = model_file(spec)
    model, info = load_model(path)
    data = info.get("data") or {}
    description = {"method": str(path), "arch": data.get("arch", "medtalk"), "ablation": data.get("ablation"),
                   "text": text}
    return model_method(model, text), description


def eval_clips(root: Path, cache: Path, split: str | None = "test", language: str | None = None,
               progress: bool = True) -> tuple[list[Clip], str]:
    """The clips of ``split`` (all clips when the data names no splits) and of ``language``;
    ``(clips, what was selected)``."""
    infos = scan_clips(root)
    chosen = "all clips"
    if split and any(i.split for i in infos):
        infos, chosen = [i for i in infos if i.split == split], f"{split} split"
    if language:
        infos, chosen = [i for i in infos if (i.language or "?") == language], f"{chosen}, language {language}"
    if not infos:
        raise MedtalkError(f"{root}: no clips in the {chosen}")
    return load_clips(infos, cache, progress), chosen
