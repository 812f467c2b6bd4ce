"""The paper's metrics (MEDTalk eqs. 15-18) on ``(T, 174)`` rig arrays.

- MLE: mean L1 over the lip controls ``S_LIP``;
- MEE: mean L1 over the emotion controls ``S_EMO``;
- EIE: mean L1 between the pseudo-intensities ``Int()`` of prediction and truth;
- FRD: mean over upper-face controls ``S_UP`` of ``std(GT_j) - std(pred_j)``
  (positive when the prediction is less lively than the truth).
"""

from __future__ import annotations

import numpy as np

from medtalk.rig import S_EMO, S_LIP, S_UP, pseudo_intensity


def _check(pred: np.ndarray, gt: np.ndarray) -> None:
    if pred.shape != gt.shape or pred.ndim != 2:
        raise ValueError(f"prediction {pred.shape} and ground truth {gt.shape} must both be (T, 174)")


def mle(pred: np.ndarray, gt: np.ndarray) -> float:
    _check(pred, gt)
    return float(np.abs(pred[:, S_LIP] - gt[:, S_LIP]).mean())


def mee(pred: np.ndarray, gt: np.ndarray) -> float:
    _check(pred, gt)
    return float(np.abs(pred[:, S_EMO] - gt[:, S_EMO]).mean())


def eie(pred: np.ndarray, gt: np.ndarray) -> float:
    _check(pred, gt)
    return float(np.abs(pseudo_intensity(pred) - pseudo_intensity(gt)).mean())


def frd(pred: np.ndarray, gt: np.ndarray) -> float:
    _check(pred, gt)
    return float((gt[:, S_UP].std(axis=0) - pred[:, S_UP].std(axis=0)).mean())


def all_metrics(pred: np.ndarray, gt: np.ndarray) -> dict[str, float]:
    """``{"MLE", "MEE", "EIE", "FRD"}`` for one clip."""
    return {"MLE": mle(pred, gt), "MEE": mee(pred, gt), "EIE": eie(pred, gt), "FRD": frd(pred, gt)}
