"""The numpy polyphase resampler gives scipy.signal.resample_poly's samples, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal

from medtalk.resample import lowpass, resample_poly

# (up, down): espeak-ng's 22.05 kHz and common input rates to 16 kHz, integer ratios both ways,
# factors not in lowest terms
RATIOS = [(320, 441), (160, 441), (16000, 22050), (1, 3), (16000, 8000), (2, 3), (3, 2), (147, 160), (5, 1)]


@pytest.mark.parametrize("up, down", RATIOS)
def test_matches_scipy_bit_for_bit(up: int, down: int) -> None:
    rng = np.random.default_rng(up * 1000 + down)
    for length in (0, 1, 5, 999, 20000):
        x = (0.3 * rng.standard_normal(length)).astype(np.float32)
        expected = scipy.signal.resample_poly(x, up, down)
        got = resample_poly(x, up, down)
        assert got.dtype == expected.dtype == np.float32 and got.shape == expected.shape
        assert got.tobytes() == expected.tobytes(), f"{up}/{down}, {length} samples"


def test_given_window_matches_scipy() -> None:
    """espeak-ng's resampling: the filter designed once, passed as ``window``."""
    window = scipy.signal.firwin(2 * 10 * 441 + 1, 1 / 441, window=("kaiser", 5.0)).astype(np.float32)
    x = np.sin(np.arange(30000) * 0.05).astype(np.float32) * np.linspace(0, 1, 30000, dtype=np.float32)
    expected = scipy.signal.resample_poly(x, 320, 441, window=window)
    assert resample_poly(x, 320, 441, window=window).tobytes() == expected.tobytes()


@pytest.mark.parametrize("up, down", [(320, 441), (160, 441), (1, 3), (3, 2)])
def test_lowpass_is_scipys_filter(up: int, down: int) -> None:
    rate = max(up, down)
    expected = scipy.signal.firwin(2 * 10 * rate + 1, 1 / rate, window=("kaiser", 5.0))
    # numpy's Bessel i0 and scipy's differ in the last bit of a float64; the float32 taps are equal
    np.testing.assert_allclose(lowpass(up, down), expected, rtol=1e-13, atol=1e-17)
    assert lowpass(up, down).astype(np.float32).tobytes() == expected.astype(np.float32).tobytes()


def test_same_rate_and_bad_shape() -> None:
    x = np.arange(5, dtype=np.float32)
    assert resample_poly(x, 7, 7).tobytes() == x.tobytes()
    with pytest.raises(ValueError, match="1-D"):
        resample_poly(np.zeros((2, 3), np.float32), 1, 2)
