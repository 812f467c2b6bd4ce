"""How fast the 2D preview renders: frames per second of ``render_frame`` and of a full video.

Run: ``.venv/bin/python benchmarks/preview_rate.py`` (prints one line per measurement).
The target is faster than real time at 512 px (> 60 fps), so a preview of
minutes of audio takes less time than the audio itself.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from medtalk.preview import render_frame, render_video
from medtalk.preview.poses import EMOTIONS, VISEMES
from medtalk.rig import RigSequence

FPS = 60.0


def moving_rig(seconds: float, seed: int = 0) -> RigSequence:
    """A rig that walks through the hand-built poses, so every feature moves."""
    rng = np.random.default_rng(seed)
    keys = np.stack(list(VISEMES.values()) + list(EMOTIONS.values()))
    n = int(seconds * FPS)
    picks = keys[rng.integers(0, len(keys), size=n // 12 + 2)]
    t = np.linspace(0, len(picks) - 1, n)
    values = np.stack([np.interp(t, np.arange(len(picks)), picks[:, c]) for c in range(keys.shape[1])], axis=1)
    return RigSequence(values, FPS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="animation length to render")
    parser.add_argument("--sizes", type=int, nargs="+", default=[256, 512, 1024])
    args = parser.parse_args()
    rig = moving_rig(args.seconds)
    for size in args.sizes:
        render_frame(rig.values[0], size)  # warm the static-layer cache
        start = time.perf_counter()
        for frame in rig.values:
            render_frame(frame, size)
        rate = rig.num_frames / (time.perf_counter() - start)
        print(f"render_frame  {size:5d} px: {rate:7.1f} frames/s ({rate / FPS:.2f}x real time at {FPS:g} fps)")
    with tempfile.TemporaryDirectory() as tmp:
        for curves in (False, True):
            start = time.perf_counter()
            render_video(rig, Path(tmp) / f"v{curves}.mp4", curves=curves, size=512, progress=False)
            rate = rig.num_frames / (time.perf_counter() - start)
            print(f"render_video    512 px{' + curves' if curves else '         '}: {rate:7.1f} frames/s "
                  f"(H.264 encode included, {rate / FPS:.2f}x real time)")


if __name__ == "__main__":
    main()
