"""What several benchmarks share: where the reference clips are, and a timer."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

# ../shared/reference/real beside the checkout (developers only; benchmarks
# that use it fall back to generated input when it is absent)
REAL = Path(__file__).resolve().parents[2] / "shared" / "reference" / "real"


def best_of(repeats: int, action: Callable[[], object]) -> float:
    """Shortest wall time of ``repeats`` runs (the machine is shared: the minimum is the cost)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)
