"""How long exporting a 10-minute animation takes, per target.

Run: .venv/bin/python benchmarks/export_speed.py [--minutes 10]
Prints, for a seeded random rig of minutes * 60 s * 60 fps frames, the wall time
and output size of every export target, and of the two conversions alone.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from medtalk.export import TARGET_NAMES, export_rig
from medtalk.export.arkit import to_arkit
from medtalk.export.curves import default_table
from medtalk.rig import REST_POSE, RigSequence, clip_to_range

FPS = 60.0


def seeded_rig(num_frames: int) -> RigSequence:
    rng = np.random.default_rng(0)
    noise = rng.uniform(-0.5, 0.5, size=(num_frames, len(REST_POSE))).astype(np.float32)
    return RigSequence(clip_to_range(REST_POSE + noise), FPS)


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args()
    rig = seeded_rig(round(args.minutes * 60 * FPS))
    print(f"rig: {rig.num_frames} frames x 174 controls at {FPS:g} fps ({args.minutes:g} min)")
    table = default_table()
    curves = timed(lambda: table.evaluate(rig.values))
    print(f"  board -> {len(table.curve_names)} CTRL_expressions curves: {curves:6.2f} s")
    print(f"  board -> ARKit 61 values:                   {timed(lambda: to_arkit(rig.values)):6.2f} s")
    for target in TARGET_NAMES:
        with tempfile.TemporaryDirectory() as folder:
            seconds = timed(lambda: export_rig(rig, target, Path(folder), "take"))
            size = sum(p.stat().st_size for p in Path(folder).iterdir()) / 1e6
            print(f"  export --to {target:<16} {seconds:6.2f} s  {size:7.1f} MB")


if __name__ == "__main__":
    main()
