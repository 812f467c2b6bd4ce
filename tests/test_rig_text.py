"""The fast EmoFace row formatter writes exactly what ``np.savetxt(fmt="%.6f")`` writes."""

from __future__ import annotations

import io

import numpy as np
import pytest

from medtalk.rig import format_rows


def savetxt(values: np.ndarray) -> str:
    buf = io.StringIO()
    np.savetxt(buf, values, fmt="%.6f", delimiter=",")
    return buf.getvalue()


@pytest.mark.parametrize("scale", [1e-3, 0.5, 3.0, 1000.0])
def test_same_bytes_as_savetxt(scale):
    values = (np.random.default_rng(0).standard_normal((120, 174)) * scale).astype(np.float32)
    values[0, :7] = [-0.0, 0.0, -1e-9, 5e-7, -5e-7, 1.0000005, 123456.7]  # signs, ties, wide integers
    values[1, :4] = [0.5e-6, 1.5e-6, 2.5e-6, -999.9999995]
    assert format_rows(values) == savetxt(values)


def test_rounding_ties_match_printf():
    ties = (np.arange(-2_000_000, 2_000_000, 5) / 1e6 + 5e-7).astype(np.float32).reshape(-1, 8)
    assert format_rows(ties) == savetxt(ties)


def test_other_inputs_still_format():
    assert format_rows(np.array([[0.25, -1.5]], dtype=np.float64)) == "0.250000,-1.500000\n"
    assert format_rows(np.array([[0.5]], dtype=np.float32), times=np.array([2.0])) == "2.000000,0.500000\n"
