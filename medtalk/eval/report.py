"""Evaluation reports: the paper's metrics per clip, per language and overall.

A *method* is anything that animates a held-out clip from what a user would
give it (audio, emotion label, transcript): a trained model file of any
architecture (``model_method``) or the alignment-driven performer
(``medtalk.eval.performer``). ``evaluate`` runs one over clips and
``markdown_table`` prints the result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

import numpy as np
from tqdm import tqdm

from medtalk.data.clips import Clip, as_float
from medtalk.emotions import EMOTIONS, parse_emotion
from medtalk.eval.metrics import all_metrics
from medtalk.infer import predict, smooth, transcript_inputs

METRICS = ("MLE", "MEE", "EIE", "FRD")
Method = Callable[[Clip], np.ndarray]  # a clip -> its animation (T, 174) at the clip's rig rate


def animate_wave(
    model, wave: np.ndarray, emotion: str, transcript: str | None = None, tokens: np.ndarray | None = None
) -> np.ndarray:
    """16 kHz ``wave (N,)`` -> ``(T, 174)`` at the model's fps, as ``medtalk animate`` does (any architecture);
    ``tokens``: the transcript's features when cached."""
    text = transcript_inputs(model, wave, transcript, tokens)
    values, _ = predict(model.eval(), wave, EMOTIONS.index(parse_emotion(emotion)), text)
    return smooth(values)


def model_method(model, text: bool = True) -> Method:
    """Animate exactly as ``medtalk animate`` does, with each clip's label (and transcript when ``text``)."""

    def animate(clip: Clip) -> np.ndarray:
        if not text:
            return animate_wave(model, as_float(clip.samples), clip.info.emotion)
        return animate_wave(model, as_float(clip.samples), clip.info.emotion, clip.info.text, clip.tokens)

    return animate


def score(pred: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    """Metrics of one clip; lengths may differ by a rounding frame."""
    n = min(len(pred), len(truth))
    return all_metrics(pred[:n], truth[:n])


def summarise(rows: Iterable[dict[str, float]]) -> dict[str, float]:
    """``{"clips": n, metric: mean}`` over per-clip rows."""
    rows = list(rows)
    if not rows:
        return {"clips": 0}
    return {"clips": len(rows), **{k: round(float(np.mean([r[k] for r in rows])), 6) for k in METRICS}}


def evaluate(method: Method, clips: list[Clip], progress: bool = False, desc: str = "evaluating") -> dict:
    """``{"overall": summary, "languages": {language: summary}, "clips": [per-clip rows]}``."""
    rows = []
    for clip in tqdm(clips, desc=desc, unit="clip", disable=not progress, leave=False):
        rows.append({"clip": clip.info.id, "language": clip.info.language or "?", "emotion": clip.info.emotion,
                     **{k: round(v, 6) for k, v in score(method(clip), clip.rig).items()}})
    by_language: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_language[row["language"]].append(row)
    return {
        "overall": summarise(rows),
        "languages": {lang: summarise(group) for lang, group in sorted(by_language.items())},
        "clips": rows,
    }


def markdown_table(rows: dict[str, dict[str, float]], digits: int = 4) -> str:
    """A markdown table of ``{row name: summary}`` (a summary may hold ``*_std`` spreads)."""
    lines = ["| | clips | " + " | ".join(METRICS) + " |", "| --- | ---: |" + " ---: |" * len(METRICS)]
    for name, summary in rows.items():
        cells = []
        for key in METRICS:
            if key not in summary:
                cells.append("")
                continue
            cell = f"{summary[key]:.{digits}f}"
            if f"{key}_std" in summary:
                cell += f" ± {summary[f'{key}_std']:.{digits}f}"
            cells.append(cell)
        lines.append(f"| {name} | {summary.get('clips', '')} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
