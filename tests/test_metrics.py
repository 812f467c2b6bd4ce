import numpy as np
import pytest

from medtalk.eval import metrics
from medtalk.rig import S_EMO, S_INT, S_LIP, S_UP


def test_pseudo_intensity_hand_computed():
    frame = np.zeros((1, 174))
    frame[0, 29] = 0.5  # L brow down
    frame[0, 122] = 0.3  # R corner pull
    frame[0, 36] = -0.2  # L blink, negative side counts by magnitude
    frame[0, 4] = 0.9  # jaw open is not an intensity control
    assert metrics.pseudo_intensity(frame)[0] == pytest.approx(0.1 * (0.5 + 0.3 + 0.2))


def test_mle_mee_only_see_their_controls():
    gt = np.zeros((4, 174))
    pred = gt.copy()
    pred[:, 4] = 0.2  # jaw: a lip control only
    assert metrics.mle(pred, gt) == pytest.approx(0.2 / len(S_LIP))
    assert metrics.mee(pred, gt) == 0
    pred = gt.copy()
    pred[:, 29] = 0.4  # brow down: emotion and upper face, not lip
    assert metrics.mee(pred, gt) == pytest.approx(0.4 / len(S_EMO))
    assert metrics.mle(pred, gt) == 0


def test_eie_hand_computed():
    gt = np.zeros((2, 174))
    pred = gt.copy()
    pred[0, S_INT] = 0.1  # Int = 0.1 * 14 * 0.1 = 0.14 on frame 0, 0 on frame 1
    assert metrics.eie(pred, gt) == pytest.approx(0.14 / 2)


def test_frd_sign_and_value():
    gt = np.zeros((2, 174))
    gt[:, 29] = [0.0, 1.0]  # std 0.5 on one upper-face control
    pred = np.zeros((2, 174))
    assert metrics.frd(pred, gt) == pytest.approx(0.5 / len(S_UP))
    assert metrics.frd(gt, pred) == pytest.approx(-0.5 / len(S_UP))


def test_identical_is_zero_and_shape_checked():
    x = np.random.default_rng(0).uniform(0, 1, (10, 174))
    assert metrics.all_metrics(x, x) == {"MLE": 0, "MEE": 0, "EIE": 0, "FRD": 0}
    with pytest.raises(ValueError):
        metrics.mle(x, x[:5])
