"""The paper's metrics (MLE, MEE, EIE, FRD) of a model on whole held-out clips."""

from __future__ import annotations

import numpy as np
from tqdm import tqdm

from medtalk.eval.metrics import all_metrics
from medtalk.infer import predict, smooth
from medtalk.model.medtalk import MEDTalk
from medtalk.train.data import Clip, as_float


def evaluate(model: MEDTalk, clips: list[Clip], progress: bool = False) -> dict[str, float]:
    """Mean of each metric over ``clips``, animated exactly as ``medtalk animate`` does.

    Each clip uses its own label and transcript; ``{"clips": n, "MLE": ..., ...}``.
    """
    if not clips:
        return {}
    rows = []
    for clip in tqdm(clips, desc="evaluating", unit="clip", disable=not progress, leave=False):
        values, _ = predict(model.eval(), as_float(clip.samples), clip.emotion_id, clip.tokens)
        pred = smooth(values)
        n = min(len(pred), len(clip.rig))  # rounding can differ by a frame
        rows.append(all_metrics(pred[:n], clip.rig[:n]))
    out = {key: round(float(np.mean([r[key] for r in rows])), 6) for key in rows[0]}
    return {"clips": len(rows), **out}
