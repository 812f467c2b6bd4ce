"""Peak memory of long inputs: ``medtalk animate`` on 1 to 60 minutes of audio, ``synth say`` on long text.

Run: .venv/bin/python benchmarks/memory.py [--minutes 1 10 30 60] [--repeats 300] [--keep DIR]
Each figure is one fresh ``python -m medtalk`` process, its peak resident set
size read from ``wait4`` (what ``/usr/bin/time -v`` reports). The long audio is
examples/jfk.flac (11 s of real speech) looped with ffmpeg to each length; the
long text is "Peter bought my map. " repeated. Prints one line per run: input,
peak MiB, wall seconds, output size; then the growth from 5 (or the shortest) to
30 minutes, the figure issue 24 bounds at 400 MB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIP = ROOT / "examples" / "jfk.flac"
SENTENCE = "Peter bought my map. "


def peak_of(args: list[str]) -> tuple[float, float]:
    """Run ``python -m medtalk ARGS``; returns (peak RSS in MiB, wall seconds). Fails on a non-zero exit."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "medtalk", *args], env=env, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"medtalk {' '.join(args[:2])} failed: {err.strip()}")
    return usage.ru_maxrss / 1024, seconds  # ru_maxrss is in KiB on Linux


def long_audio(minutes: float, folder: Path) -> Path:
    """``CLIP`` looped to ``minutes`` of audio (FLAC), made once per folder."""
    path = folder / f"jfk_{minutes:g}min.flac"
    if not path.is_file():
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-stream_loop", "-1", "-i", str(CLIP),
                        "-t", str(minutes * 60), "-c:a", "flac", str(path)], check=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, nargs="+", default=[1, 5, 10, 30, 60])
    parser.add_argument("--repeats", type=int, nargs="+", default=[50, 300, 500], help="sentences for synth say")
    parser.add_argument("--keep", type=Path, help="folder for the long audio (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="medtalk-memory-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        peaks: dict[float, float] = {}
        print(f"{'input':<28} {'peak MiB':>9} {'seconds':>8} {'output MB':>10}")
        for minutes in args.minutes:
            audio, out = long_audio(minutes, folder), Path(scratch) / "rig.txt"
            peaks[minutes], seconds = peak_of(["animate", str(audio), "-o", str(out), "-f", "-q"])
            print(f"{f'animate {minutes:g} min':<28} {peaks[minutes]:>9.0f} {seconds:>8.1f} "
                  f"{out.stat().st_size / 1e6:>10.1f}", flush=True)
        for repeats in args.repeats:
            out = Path(scratch) / "say.wav"
            peak, seconds = peak_of(["synth", "say", SENTENCE * repeats, "-o", str(out), "-f", "-q"])
            size = sum(p.stat().st_size for p in (out, out.with_suffix(".txt"), out.with_suffix(".json")))
            print(f"{f'synth say {repeats} sentences':<28} {peak:>9.0f} {seconds:>8.1f} {size / 1e6:>10.1f}",
                  flush=True)
        if 30 in peaks and len(peaks) > 1:
            first = 5 if 5 in peaks else min(peaks)
            print(f"growth of the peak from {first:g} to 30 minutes: {peaks[30] - peaks[first]:.0f} MiB")


if __name__ == "__main__":
    main()
