"""What several benchmarks share: where the reference clips are (and a check for them), a timer, the model."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

# ../shared/reference/real beside the checkout (developers only; benchmarks
# that use it fall back to generated input when it is absent)
REAL = Path(__file__).resolve().parents[2] / "shared" / "reference" / "real"
JFK = REAL / "jfk.flac"
JFK_TEXT = ("And so my fellow Americans, ask not what your country can do for you, "
            "ask what you can do for your country.")


def real_clip_model(description: str):
    """The usual start of a benchmark on the reference clips: parse ``--model``, make sure the
    clips are there, two torch threads, then the measured model (``load_measured_model``)."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    args = parser.parse_args()
    require_real()
    import torch

    torch.set_num_threads(2)
    return load_measured_model(args.model)


def require_real() -> None:
    """Exit with a one-line message when the reference clips are not beside the checkout."""
    if not REAL.is_dir():
        raise SystemExit(f"{REAL} is missing: these figures need the reference clips")


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
