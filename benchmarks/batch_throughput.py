"""How fast ``medtalk batch`` gets through 1,000 dialogue lines on this machine, against ``medtalk animate``
in a shell loop, and how it scales on Ray.

Run: nice .venv/bin/python benchmarks/batch_throughput.py [--lines 1000] [--loop-lines 20] [--ray-lines 200]
     [--parts local,ray] [--work out/bench_batch]
Prints
- the lines: how many synthetic (espeak-ng, with their transcripts) and real (cuts of the reference
  clips and of pocketsphinx's test recordings, no transcript), their total and range of durations;
- ``medtalk batch -j 2`` over all of them: wall time, lines/minute, real-time factor (wall / audio),
  the mean per-line cost in a worker (decode + animate) and in the driver (reading, hashing, writing);
- the same command again: every line skipped (what a resume costs);
- ``medtalk animate`` in a shell loop over the first ``--loop-lines`` lines (one process per line, as
  a user would), extrapolated to all lines;
- ``--ray auto`` with 1 and 2 workers over the first ``--ray-lines`` lines (a fresh local cluster each
  time, its start-up included): wall time, the per-line cost in a worker and the overhead beyond it;
  the driver's serial cost per line (reading, hashing, writing); and from these the estimate for N
  machines: overhead + lines x max(cost / workers, driver cost).
The load average (``uptime``) is printed before and after: the 2 cores may be shared.
"""

from __future__ import annotations

import argparse
import csv
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from medtalk.audio import SAMPLE_RATE, load_audio, write_wav

REAL = Path(__file__).resolve().parents[2] / "shared" / "reference" / "real"
POCKETSPHINX = Path("/usr/share/pocketsphinx/test/data")
ROOT = Path(__file__).resolve().parents[1]
SENTENCES = [
    "Peter bought my map.", "What a lovely day it is today, isn't it?",
    "Do you know where the old station is? I have been looking for it all morning.",
    "She sells sea shells by the sea shore, and the shells she sells are surely sea shells.",
    "Never again will I trust a man who keeps his promises only when it suits him.",
    "The ship sailed at dawn, and by noon the harbour lights had vanished behind us.",
    "Give me the key.", "We were so close, so very close, and then everything fell apart in a single night.",
]
EMOTIONS = ["neutral", "happy", "sad", "angry", "surprised", "fear", "disgust", "happy:0.6,surprised:0.4"]
CUTS = (2.0, 3.5, 5.0, 7.0, 9.5)  # seconds cut from each real recording (those long enough)
MIN_SECONDS, MAX_SECONDS = 2.0, 10.0  # the dialogue lines


def make_clips(folder: Path) -> list[tuple[Path, str | None]]:
    """Synthetic sentences (with transcripts) and 2-10 s cuts of real recordings (without)."""
    from medtalk.synth.speech import synthesize

    folder.mkdir(parents=True, exist_ok=True)
    clips: list[tuple[Path, str | None]] = []
    for k, text in enumerate(SENTENCES):
        for rate in (130, 170):
            path = folder / f"synth{k}_{rate}.wav"
            if not path.is_file():
                write_wav(path, synthesize(text.split(), rate=rate).audio)
            if MIN_SECONDS <= _seconds(path) <= MAX_SECONDS:
                clips.append((path, text))
    real = [(p.stem, load_audio(p)) for p in sorted(REAL.glob("*.wav")) + sorted(REAL.glob("*.flac"))]
    for raw in sorted(POCKETSPHINX.glob("*.raw")):
        real.append((raw.stem, np.frombuffer(raw.read_bytes(), "<i2").astype(np.float32) / 32768))
    real += [(p.stem, load_audio(p)) for p in sorted((POCKETSPHINX / "librivox").glob("*.wav"))]
    for stem, wave in real:
        length = len(wave) / SAMPLE_RATE
        for cut in [c for c in CUTS if c <= length] + ([length] if MIN_SECONDS <= length <= MAX_SECONDS else []):
            path = folder / f"real_{stem}_{cut:.1f}s.wav"
            if not path.is_file():
                write_wav(path, wave[: round(cut * SAMPLE_RATE)])
            clips.append((path, None))
    return clips


def write_manifest(path: Path, clips: list[tuple[Path, str | None]], lines: int) -> float:
    """``lines`` lines cycling through the clips and emotions; returns the seconds of audio."""
    total = 0.0
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["audio", "name", "transcript", "emotion"])
        for k in range(lines):
            audio, text = clips[k % len(clips)]
            writer.writerow([audio, f"line{k:04d}", text or "", EMOTIONS[k % len(EMOTIONS)]])
            total += _seconds(audio)
    return total


def _seconds(path: Path) -> float:
    import wave

    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def medtalk(*args: str) -> list[str]:
    return [sys.executable, "-m", "medtalk", *args]


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {shlex.join(cmd)}\n{proc.stderr[-2000:]}")
    return time.perf_counter() - start


def report(out: Path) -> list[dict[str, str]]:
    with open(out / "report.csv", newline="") as f:
        return list(csv.DictReader(f))


def mean(rows: list[dict[str, str]], key: str) -> float:
    return float(np.mean([float(r[key]) for r in rows if r[key]]))


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--loop-lines", type=int, default=20)
    parser.add_argument("--ray-lines", type=int, default=200)
    parser.add_argument("--parts", default="local,ray", help="local (batch and shell loop), ray, or both")
    parser.add_argument("--work", type=Path, default=ROOT / "out" / "bench_batch", help="scratch folder")
    args = parser.parse_args()
    if not REAL.is_dir():
        raise SystemExit(f"{REAL} is missing: these figures need the reference clips")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    print(f"machine: {os.cpu_count()} cores; {uptime()}")
    clips = make_clips(args.work / "clips")
    seconds = [_seconds(p) for p, _ in clips]
    synthetic = sum(t is not None for _, t in clips)
    manifest = args.work / "manifest.csv"
    audio = write_manifest(manifest, clips, args.lines)
    print(f"lines: {args.lines} cycling over {len(clips)} clips ({synthetic} synthetic with transcripts, "
          f"{len(clips) - synthetic} real cuts without), {min(seconds):.1f}-{max(seconds):.1f} s each, "
          f"{audio / 60:.1f} min of audio in all")

    if "local" in args.parts:
        local_and_loop(args, manifest, audio, clips, env)
    if "ray" in args.parts:
        ray_scaling(args, clips, env)
    print(f"after: {uptime()}")


def local_and_loop(args: argparse.Namespace, manifest: Path, audio: float, clips: list, env: dict) -> None:
    """``medtalk batch -j 2`` over every line, again (all skipped), and the shell loop of ``medtalk animate``."""
    out = args.work / "out"
    shutil.rmtree(out, ignore_errors=True)
    wall = timed(medtalk("batch", str(manifest), "-o", str(out), "-j", "2", "-q"), env)
    rows = report(out)
    worker = mean(rows, "decode_s") + mean(rows, "animate_s")
    print(f"medtalk batch -j 2: {wall:.1f} s for {args.lines} lines = {60 * args.lines / wall:.0f} lines/min, "
          f"real-time factor {wall / audio:.4f} ({audio / wall:.0f}x real time); per line in a worker "
          f"{worker:.3f} s (decode {mean(rows, 'decode_s'):.3f}, animate {mean(rows, 'animate_s'):.3f}), "
          f"writing in the driver {mean(rows, 'write_s'):.4f} s")
    again = timed(medtalk("batch", str(manifest), "-o", str(out), "-q"), env)
    skipped = sum(r["status"] == "skipped" for r in report(out))
    print(f"run again: {skipped} of {args.lines} lines skipped in {again:.1f} s")

    loop_dir = args.work / "loop"
    shutil.rmtree(loop_dir, ignore_errors=True)
    loop_dir.mkdir(parents=True)
    commands = []
    with open(manifest, newline="") as f:
        for row in list(csv.DictReader(f))[: args.loop_lines]:
            cmd = medtalk("animate", row["audio"], "-o", str(loop_dir / f"{row['name']}.txt"), "-e", row["emotion"],
                          "-q") + (["--transcript", row["transcript"]] if row["transcript"] else [])
            commands.append(shlex.join(cmd))
    loop_audio = write_manifest(args.work / "loop.csv", clips, args.loop_lines)
    loop = timed(["bash", "-c", "set -e\n" + "\n".join(commands)], env)
    per_line = loop / args.loop_lines
    print(f"medtalk animate in a shell loop: {loop:.1f} s for the first {args.loop_lines} lines "
          f"({per_line:.2f} s per line, real-time factor {loop / loop_audio:.3f}); extrapolated to "
          f"{args.lines} lines: {per_line * args.lines / 60:.1f} min = {60 / per_line:.0f} lines/min; "
          f"the batch is {per_line * args.lines / wall:.0f}x faster")


def ray_scaling(args: argparse.Namespace, clips: list, env: dict) -> None:
    """``--ray auto`` with 1 and 2 workers, and the estimate for N machines from the measured costs."""
    from medtalk.batch.manifest import read_manifest
    from medtalk.batch.work import read_task, task_digest

    manifest = args.work / "ray.csv"
    audio = write_manifest(manifest, clips, args.ray_lines)
    start = time.perf_counter()
    for line in read_manifest(manifest):
        task_digest(read_task(line, 60.0), {})
    reading = (time.perf_counter() - start) / args.ray_lines
    runs = {}
    for jobs in (1, 2):
        out = args.work / f"ray{jobs}"
        shutil.rmtree(out, ignore_errors=True)
        wall = timed(medtalk("batch", str(manifest), "-o", str(out), "--ray", "auto", "-j", str(jobs), "-q"), env)
        rows = report(out)
        cost = mean(rows, "decode_s") + mean(rows, "animate_s")
        overhead = wall - args.ray_lines * cost / jobs
        runs[jobs] = (wall, cost, overhead, mean(rows, "write_s"))
        print(f"--ray auto -j {jobs}: {wall:.1f} s for {args.ray_lines} lines ({60 * args.ray_lines / wall:.0f} "
              f"lines/min, real-time factor {wall / audio:.4f}); per line in a worker {cost:.3f} s; overhead "
              f"(cluster start, actors loading the model, waiting) {overhead:.1f} s")
    print(f"scaling 1 -> 2 workers: {runs[1][0] / runs[2][0]:.2f}x")
    _, cost, overhead, writing = runs[1]
    driver = reading + writing
    print(f"driver, serial per line: reading and hashing {reading:.4f} s + writing {writing:.4f} s; "
          f"it caps any cluster at about {60 / driver:.0f} lines/min")
    print(f"estimate for {args.lines} lines on N machines x 2 cores: {overhead:.0f} s overhead + "
          f"lines x max({cost:.3f} s / workers, {driver:.4f} s)")
    for machines in (1, 4, 16, 64):
        est = overhead + args.lines * max(cost / (2 * machines), driver)
        print(f"  {machines:3d} machine(s): {est:.0f} s ({60 * args.lines / est:.0f} lines/min)")


if __name__ == "__main__":
    main()
