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


def load_measured_model(path: Path | None):
    """The model a benchmark measures (the installed default when None), its file printed first, so
    every figure names the model it came from (an editable install may point at another checkout)."""
    from medtalk.infer import default_model_path, load_model

    print(f"model: {(Path(path) if path is not None else default_model_path()).resolve()}")
    return load_model(path)
