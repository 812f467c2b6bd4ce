"""Loading Hugging Face models from local folders: offline, quietly, with clear errors.

Nothing in medtalk downloads weights; the one transformers model (the optional
Wav2Vec2 front-end) is read from a folder on disk. MiniLM does not use
transformers (``medtalk.bert``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from medtalk.errors import MedtalkError, reason


@contextmanager
def local_loading(model_dir: Path, what: str) -> Iterator[None]:
    """Context for ``from_pretrained(model_dir, local_files_only=True)`` calls.

    Keeps the hub offline, hides transformers' per-load progress bar (a
    library call should not draw one) and turns loading failures into a
    one-line ``MedtalkError`` naming ``what`` was being loaded.
    """
    if not (Path(model_dir) / "config.json").is_file():
        raise MedtalkError(f"{model_dir}: not a transformers model folder (no config.json)")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers.utils import logging

    bar_was_on = logging.is_progress_bar_enabled()
    logging.disable_progress_bar()
    try:
        yield
    except (OSError, ValueError, KeyError) as exc:
        raise MedtalkError(f"{model_dir}: cannot load the {what} ({reason(exc)})") from exc
    finally:
        if bar_was_on:
            logging.enable_progress_bar()
