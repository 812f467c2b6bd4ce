"""The paper's metrics (MLE, MEE, EIE, FRD) of a model on whole held-out clips."""

from __future__ import annotations

from medtalk.data.clips import Clip
from medtalk.eval.report import evaluate as evaluate_method
from medtalk.eval.report import model_method


def evaluate(model, clips: list[Clip], progress: bool = False) -> dict[str, float]:
    """Mean of each metric over ``clips``, animated exactly as ``medtalk animate`` does.

    Each clip uses its own label and transcript; ``{"clips": n, "MLE": ..., ..., "languages":
    {language: the same}}`` (languages from the clips' META).
    """
    if not clips:
        return {}
    report = evaluate_method(model_method(model), clips, progress)
    return {**report["overall"], "languages": report["languages"]}
