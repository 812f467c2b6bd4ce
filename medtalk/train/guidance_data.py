"""Stage-4 items: audio crops plus a description and a synthesised face descriptor per clip.

- **Descriptions** (``P_text``'s input): ``DESCRIPTIONS_PER_CLIP`` texts per clip
  written by :func:`medtalk.guidance.describe.describe_clip` from the clip's rig,
  emotion and intensity curve (seeded by the clip id), embedded once by the
  model's sentence encoder (``GuidanceConfig.text_encoder``) and cached in
  ``cache/descriptions-<encoder>/<clip>.npz`` (MiniLM: ``cache/descriptions``)
  next to the other feature caches. A batch draws one of them at random, so an epoch mostly sees a
  phrasing the clip has not been paired with before (an epoch draws 1/7 of
  the clips: each clip comes up about once per seven epochs).
- **Descriptors** (``P_image``'s input): drawn afresh for every item by
  :func:`medtalk.guidance.face_model.synth_descriptors` (random head pose,
  identity and landmark noise) from the crop's own rig: half the time the
  pose it holds (``tonic_pose``), half the time one random frame of it (a
  photo may catch a face mid-word or mid-blink).

Clips without a per-frame intensity curve (capture data) are described at
``FALLBACK_INTENSITY``.
"""

from __future__ import annotations

import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from medtalk.data.clips import Clip, _read_cache, _stamp, _write_cache
from medtalk.guidance.actions import tonic_pose
from medtalk.guidance.describe import describe_clip
from medtalk.model.config import ModelConfig
from medtalk.text_models import MINILM
from medtalk.train.batches import AudioCrops, Rngs, item_rngs

DESCRIPTIONS_PER_CLIP = 4
FALLBACK_INTENSITY = 0.5  # a "moderate" description when the data carries no intensity curve
P_TONIC = 0.5  # share of descriptors made from the held pose rather than a single frame
CHUNK_CLIPS = 256  # clips embedded (and cached) together: their descriptions batch by length
# chunks embedded at once: the encoder releases the GIL in its tensor operations, each on one
# torch thread, so two threads use both cores without OpenMP spinning on a busy machine
EMBED_THREADS = 2


def _generator_stamp() -> int:
    """Changes whenever the generator's code or wording does, so cached descriptions go stale with it."""
    from medtalk.guidance import actions, describe, situations, speech, wording

    sources = b"".join(Path(m.__file__).read_bytes() for m in (actions, describe, situations, speech, wording))
    return zlib.crc32(sources + str(DESCRIPTIONS_PER_CLIP).encode())


def clip_descriptions(clip: Clip, count: int = DESCRIPTIONS_PER_CLIP) -> list[str]:
    """``count`` descriptions of a whole clip, deterministic per clip id."""
    rng = np.random.default_rng(zlib.crc32(clip.info.id.encode()))
    curve = clip.intensity if clip.intensity is not None else np.full(len(clip.rig), FALLBACK_INTENSITY)
    return [describe_clip(clip.rig, clip.info.emotion, curve, rng) for _ in range(count)]


def description_embeddings(clips: list[Clip], cache: Path, encoder: str = MINILM,
                           progress: bool = True) -> dict[str, np.ndarray]:
    """Sentence embeddings of every clip's descriptions by ``encoder`` (``medtalk.text_models``):
    ``{clip id: (DESCRIPTIONS_PER_CLIP, dim)}``; each encoder has its own cache folder."""
    folder = cache / ("descriptions" if encoder == MINILM else f"descriptions-{encoder}")
    folder.mkdir(parents=True, exist_ok=True)
    generator = _generator_stamp()
    out: dict[str, np.ndarray] = {}
    todo: list[tuple[Clip, Path, np.ndarray]] = []
    for clip in clips:
        sources = [clip.info.rig] + ([clip.info.meta] if clip.info.meta else [])
        path, stamp = folder / f"{clip.info.id}.npz", np.append(_stamp(*sources), generator)
        cached = _read_cache(path, stamp)
        if cached is None:
            todo.append((clip, path, stamp))
        else:
            out[clip.info.id] = cached["embeddings"].astype(np.float32)
    if todo:
        from medtalk.text import sentence_encoder

        model = sentence_encoder(encoder)
        # a wording several clips share is embedded once (a fifth of stage 4's descriptions repeat one)
        seen: dict[str, np.ndarray] = {}
        seen_lock = threading.Lock()

        def embed(group: list[tuple[Clip, Path, np.ndarray]]) -> list[tuple[str, np.ndarray]]:
            texts = [clip_descriptions(clip) for clip, _, _ in group]
            with seen_lock:
                new = sorted({t for ts in texts for t in ts} - seen.keys())
            vectors = model.sentences(new).astype(np.float16)  # what the cache holds and a resumed run reads
            with seen_lock:
                seen.update(zip(new, vectors))
                vectors = np.stack([[seen[t] for t in ts] for ts in texts])
            for (clip, path, stamp), ts, v in zip(group, texts, vectors):
                _write_cache(path, {"embeddings": v, "texts": np.array(ts)}, stamp)
            return [(clip.info.id, v.astype(np.float32)) for (clip, _, _), v in zip(group, vectors)]

        groups = [todo[first : first + CHUNK_CLIPS] for first in range(0, len(todo), CHUNK_CLIPS)]
        with ThreadPoolExecutor(EMBED_THREADS) as pool, \
                tqdm(total=len(todo), desc="embedding descriptions", unit="clip", disable=not progress, leave=False) as bar:
            for done in pool.map(embed, groups):
                out.update(done)
                bar.update(len(done))
    return out


class GuidedCrops(AudioCrops):
    """Stage-4 batches: ``AudioCrops`` plus ``description (B, text_dim)`` and ``descriptor (B, DESCRIPTOR_DIM)``."""

    def __init__(self, clips: list[Clip], config: ModelConfig, crop_seconds: float, cache: Path,
                 augment: float = 1.0, text_dropout: float = 0.0, progress: bool = True,
                 phone_dropout: float = 0.0) -> None:
        super().__init__(clips, config, crop_seconds, augment, text_dropout, phone_dropout)
        self.embeddings = description_embeddings(clips, cache, config.guidance.text_encoder, progress)

    def batch(self, indices: np.ndarray, rng: Rngs) -> dict[str, torch.Tensor]:
        from medtalk.guidance.face_model import synth_descriptors

        out = super().batch(indices, rng)
        rngs = item_rngs(rng, len(indices))
        texts = [self.embeddings[self.clips[i].info.id] for i in indices]
        out["description"] = torch.from_numpy(np.stack([t[r.integers(len(t))] for t, r in zip(texts, rngs)]))
        poses = []
        for row, r in enumerate(rngs):
            rig = out["rig"][row, out["mask"][row]].numpy()
            poses.append(tonic_pose(rig) if r.random() < P_TONIC else rig[r.integers(len(rig))])
        if isinstance(rng, np.random.Generator):  # one draw for the batch, as a single process always made it
            descriptors = synth_descriptors(np.stack(poses), rng)
        else:
            descriptors = np.concatenate([synth_descriptors(pose[None], r) for pose, r in zip(poses, rngs)])
        out["descriptor"] = torch.from_numpy(descriptors.astype(np.float32))
        return out
