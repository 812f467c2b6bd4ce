"""Frozen front-end features of the training clips, computed once into the feature cache.

A frozen encoder (``ContentConfig.frontend`` ``whisper`` or ``wav2vec2``) gives
the same states for a clip in every epoch, so they are computed once per clip
and kept beside the other cached features, in a folder named after the
encoder and its layer. Each clip is encoded whole; the silence
``batches.AudioCrops`` adds at a clip's ends repeats the clip's first or last
frame (its own edge silence), as it does for the prosody.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
from tqdm import tqdm

from medtalk.data.clips import Clip, _read_cache, _stamp, _write_cache, as_float
from medtalk.model.config import ContentConfig
from medtalk.model.content import audio_features


def frozen_key(content: ContentConfig) -> str:
    """The cache folder's name: which encoder and layer the features come from."""
    if content.frontend == "whisper":
        source, layer = content.whisper_model, content.whisper_layer
    else:
        source, layer = content.wav2vec2_dir or "", content.wav2vec2_layer
    name = Path(str(source)).name or "model"
    digest = hashlib.sha256(json.dumps([content.frontend, str(source), layer]).encode())
    return f"{content.frontend}-{name}-{layer}-{digest.hexdigest()[:8]}"


def cache_frozen(clips: list[Clip], content: ContentConfig, cache: Path, progress: bool = True) -> None:
    """Fill ``clip.frozen`` ``(T_a, input_dim)`` float16 for every clip, through ``cache``.

    A cache entry is fresh while the clip's own entry is (the same stamp), so a
    changed WAV recomputes its features. Does nothing for the log-mel front-end.
    """
    if content.frontend == "log_mel":
        return
    folder = cache / frozen_key(content)
    folder.mkdir(parents=True, exist_ok=True)

    # one clip at a time: the encoder already uses torch's threads
    for clip in tqdm(clips, desc="caching front-end", unit="clip", disable=not progress, leave=False):
        path, stamp = folder / f"{clip.info.id}.npz", _stamp(clip.info.wav, clip.info.rig)
        arrays = _read_cache(path, stamp)
        if arrays is None:
            arrays = {"audio": audio_features(as_float(clip.samples), content).astype(np.float16)}
            _write_cache(path, arrays, stamp)
        clip.frozen = arrays["audio"]
