"""How fast `medtalk synth dataset` generates clips, and whether its memory stays flat.

Generates a small and a large dataset (each sentence = 7 emotion clips + 7
content-aligned rigs) into temporary folders, each size in a fresh Python
process so that the peak RSS of its workers (getrusage RUSAGE_CHILDREN) belongs
to that size alone. Prints clips/s, CPU time per clip, the projected time for
7,000 clips (from wall time, and from CPU time as if the cores were idle: the
machine is shared), and peak RSS of the parent and of the workers; flat memory
means the two sizes show about the same peaks. Also prints how many takes were
redone because espeak-ng lost words, and how many were rejected
(``medtalk.synth.takes``).

    .venv/bin/python benchmarks/dataset_rate.py                 # 25 and 100 sentences, 2 jobs
    .venv/bin/python benchmarks/dataset_rate.py --sentences 200 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_CLIPS = 7000  # the default training set: 1,000 sentences x 7 emotions
TARGET_SECONDS = 600  # budget for TARGET_CLIPS on this 2-core machine


def measure(sentences: int, jobs: int, languages: str) -> dict:
    """Run one generation in this process; returns timing and peak memory (MiB)."""
    from medtalk.emotions import EMOTIONS
    from medtalk.synth.dataset import INDEX_FILE, REJECTED_FILE, generate_dataset
    from medtalk.synth.performer import TAKES

    with tempfile.TemporaryDirectory(prefix="medtalk-bench-") as tmp:
        start = time.perf_counter()
        out = generate_dataset(Path(tmp) / "out", sentences, seed=0, languages=languages.split(","),
                               jobs=jobs, progress=False)
        seconds = time.perf_counter() - start
        takes = [json.loads(line)["take"] for line in (out / INDEX_FILE).read_text().splitlines()]
        rejected = len((out / REJECTED_FILE).read_text().splitlines())
    kib = 1024  # ru_maxrss is in KiB on Linux
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "sentences": sentences,
        "clips": sentences * len(EMOTIONS),
        "seconds": seconds,
        "cpu_seconds": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
        "parent_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / kib,
        "workers_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / kib,
        "redone": {how: takes.count(how) for how in TAKES[1:]},
        "rejected": rejected,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=100, help="large size (default 100)")
    parser.add_argument("--small", type=int, default=None, help="small size (default a quarter of --sentences)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--languages", default="en")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: measure one size, print JSON
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one, args.jobs, args.languages)))
        return

    sizes = [args.small or max(1, args.sentences // 4), args.sentences]
    print(f"medtalk synth dataset: --jobs {args.jobs}, languages {args.languages}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
    print(f"{'sentences':>9} {'clips':>6} {'seconds':>8} {'clips/s':>8} {'CPU ms/clip':>11} "
          f"{'parent MiB':>10} {'worker MiB':>10}")
    results = []
    for n in sizes:
        cmd = [sys.executable, __file__, "--one", str(n), "--jobs", str(args.jobs), "--languages", args.languages]
        result = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        results.append(result)
        rate = result["clips"] / result["seconds"]
        print(f"{n:>9} {result['clips']:>6} {result['seconds']:>8.1f} {rate:>8.1f} "
              f"{1000 * result['cpu_seconds'] / result['clips']:>11.0f} "
              f"{result['parent_mib']:>10.0f} {result['workers_mib']:>10.0f}")
    big = results[-1]
    rate = big["clips"] / big["seconds"]
    projected = TARGET_CLIPS / rate
    print(f"projected for {TARGET_CLIPS} clips: {projected / 60:.1f} min at {rate:.1f} clips/s "
          f"(target < {TARGET_SECONDS / 60:.0f} min, >= {TARGET_CLIPS / TARGET_SECONDS:.1f} clips/s: "
          f"{'met' if projected < TARGET_SECONDS else 'NOT met'})")
    # other users' processes share the cores: CPU time per clip gives the rate on idle cores
    idle_rate = min(args.jobs, os.cpu_count() or 1) * big["clips"] / big["cpu_seconds"]
    print(f"on {min(args.jobs, os.cpu_count() or 1)} idle cores (from CPU time): {idle_rate:.1f} clips/s, "
          f"{TARGET_CLIPS / idle_rate / 60:.1f} min for {TARGET_CLIPS} clips")
    for result in results:
        print(f"{result['clips']} clips: takes redone {result['redone']}, rejected {result['rejected']}")
    growth = big["workers_mib"] - results[0]["workers_mib"]
    print(f"worker peak RSS grows by {growth:+.0f} MiB from {sizes[0]} to {sizes[1]} sentences")


if __name__ == "__main__":
    main()
