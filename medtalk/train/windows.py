"""Items for the stream stage: whole crops mixed with windows cut as a live stream cuts them.

``medtalk.live.Stream`` runs the offline model on a sliding window: every
``STREAM_HOP_FRAMES`` frames it sees ``STREAM_CONTEXT_SECONDS`` of audio before
them up to a look-ahead past them, and those frames become final. A model
trained on whole clips reads about 0.4 s after each frame, so the frames at a
window's right edge (with little or no future audio) are its worst. The stream
stage trains on exactly those windows: for a clip it picks the frames ``[t -
hop, t)`` made final, a look-ahead drawn from 0 to ``MAX_LOOKAHEAD_SECONDS``
(so one model serves every look-ahead), and cuts the audio and rig of ``[t -
hop - context, t + look-ahead)``, with every feature computed on the cut audio
(``AudioCrops.cut(as_streamed=True)``). The loss term ``edge`` reads the
window's last frames, from the ones made final to its end: the stream also
crossfades the next window's prediction with this one's of the frames past
them (the ``edge`` term of ``losses.intensity_losses``). The other items are the whole crops of
stage 3, so that the offline path keeps what it has.
"""

from __future__ import annotations

import numpy as np
import torch

from medtalk.data.clips import Clip
from medtalk.infer import STREAM_CONTEXT_SECONDS, STREAM_HOP_FRAMES
from medtalk.model.config import ModelConfig
from medtalk.model.inputs import pad
from medtalk.train.batches import AudioCrops, Rngs, item_rngs

MAX_LOOKAHEAD_SECONDS = 0.2  # look-aheads drawn in training: the live default (20 ms) to a broadcast's


class StreamWindows:
    """Stream-stage items over ``clips``: a ``share`` of them windows as a live stream cuts them,
    the rest ``crop_seconds`` crops; batches are ``AudioCrops``' plus ``edge_mask (B, T)``, True on
    a window's frames from the ones made final to its end (all False for a crop)."""

    def __init__(
        self,
        clips: list[Clip],
        config: ModelConfig,
        crop_seconds: float,
        share: float,
        augment: float = 1.0,
        text_dropout: float = 0.0,
        phone_dropout: float = 0.0,
    ) -> None:
        self.crops = AudioCrops(clips, config, crop_seconds, augment, text_dropout, phone_dropout)
        self.clips = clips
        self.share = share
        self.hop = STREAM_HOP_FRAMES
        self.context = round(STREAM_CONTEXT_SECONDS * config.fps)
        self.max_lookahead = round(MAX_LOOKAHEAD_SECONDS * config.fps)

    def __len__(self) -> int:
        return len(self.clips)

    def window(self, clip: Clip, rng: np.random.Generator) -> tuple[int, int, int]:
        """A stream window of ``clip``: ``(start, made_final, end)`` rig frames. Frames
        ``[made_final, made_final + hop)`` become final; the window reads ``[start, end)``: the
        context before them (from the crop grid at or before it: a few frames more at most) and a
        drawn look-ahead after them, both cut at the clip's ends as a stream's are."""
        length = len(clip.rig)
        final = int(rng.integers(0, max(length - self.hop, 0) + 1))
        lookahead = int(rng.integers(0, self.max_lookahead + 1))
        step = self.crops.step  # crops start on the grid the rig, features and states share
        start = max(0, final - self.context) // step * step
        return start, final, min(final + self.hop + lookahead, length)

    def item(self, clip: Clip, rng: np.random.Generator) -> dict[str, np.ndarray | None]:
        """A window (``share`` of the time) or a crop, with its ``edge (T,)`` bool."""
        if rng.random() >= self.share:
            item = self.crops.item(clip, rng)
            return {**item, "edge": np.zeros(len(item["rig"]), dtype=bool)}
        start, final, end = self.window(clip, rng)
        item = self.crops.cut(clip, rng, start, end - start, as_streamed=True)
        # silence before a clip's start and speed perturbation change the length, not the edge's share
        frames = len(item["rig"])
        edge = np.zeros(frames, dtype=bool)
        edge[frames - max(1, round((end - final) * frames / (end - start))) :] = True
        return {**item, "edge": edge}

    def batch(self, indices: np.ndarray, rng: Rngs) -> dict[str, torch.Tensor]:
        items = [self.item(self.clips[i], r) for i, r in zip(indices, item_rngs(rng, len(indices)))]
        batch = self.crops.collate(items, indices)
        batch["edge_mask"] = pad([it["edge"] for it in items], batch["rig"].shape[1])[0].bool()
        return batch
