"""How fast ``medtalk.animate`` runs on this CPU, and how much memory it needs.

Run: .venv/bin/python benchmarks/animate_speed.py [--model PATH] [--seconds 60] [--threads 2]
Prints
- cold start: a fresh interpreter importing medtalk, loading the model and
  animating 3 s of speech (what `medtalk animate` pays before its first output);
- animating ``--seconds`` of speech with the model loaded (best of 3), without
  and with a transcript (MiniLM load excluded), as a real-time factor;
- peak resident memory after animating ``--seconds`` and then ten times as much
  (windowed inference keeps it flat).
Speech is jfk.flac looped when the reference folder is present, else espeak-ng.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from medtalk.audio import SAMPLE_RATE, load_audio

JFK = Path(__file__).resolve().parents[2] / "shared" / "reference" / "real" / "jfk.flac"
TRANSCRIPT = ("And so my fellow Americans, ask not what your country can do for you, "
              "ask what you can do for your country.")

COLD_START = """
import time; start = time.perf_counter()
import numpy as np, torch; torch.set_num_threads({threads})
import medtalk
model = medtalk.load_model({model!r})
rig = medtalk.animate(np.resize(medtalk.audio.load_audio({audio!r}), 3 * 16000), "happy", model=model)
print(time.perf_counter() - start)
"""


def speech(seconds: float) -> np.ndarray:
    """``seconds`` of speech: ``(N,)`` float32 at 16 kHz."""
    if JFK.is_file():
        clip = load_audio(JFK)
    else:
        from medtalk.synth.speech import synthesize

        clip = synthesize(TRANSCRIPT.split()).audio
    return np.resize(clip, int(seconds * SAMPLE_RATE)).astype(np.float32)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    import torch

    import medtalk
    from medtalk.infer import default_model_path

    torch.set_num_threads(args.threads)
    model_path = str(args.model or default_model_path())
    audio = str(JFK) if JFK.is_file() else ""
    if audio:
        script = COLD_START.format(threads=args.threads, model=model_path, audio=audio)
        cold = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
        print(f"cold start (import, load model, animate 3 s): {float(cold.stdout):.2f} s")

    start = time.perf_counter()
    model = medtalk.load_model(model_path)
    print(f"model load (torch already imported): {time.perf_counter() - start:.2f} s")
    wave = speech(args.seconds)
    medtalk.animate(wave[: SAMPLE_RATE], model=model)  # warm-up
    for label, transcript in (("no transcript", None), ("with transcript", TRANSCRIPT)):
        if transcript:
            medtalk.animate(wave[: SAMPLE_RATE], transcript=transcript, model=model)  # loads MiniLM
        times = []
        for _ in range(3):
            start = time.perf_counter()
            rig = medtalk.animate(wave, "angry", transcript=transcript, model=model)
            times.append(time.perf_counter() - start)
        best = min(times)
        print(f"animate {args.seconds:g} s, {label}: {best:.2f} s ({args.seconds / best:.0f}x real time), "
              f"{rig.num_frames} frames, {args.threads} threads")
    print(f"peak RSS after {args.seconds:g} s: {peak_rss_mb():.0f} MB")
    long = np.resize(wave, int(10 * args.seconds * SAMPLE_RATE))
    start = time.perf_counter()
    medtalk.animate(long, "sad", model=model)
    print(f"animate {10 * args.seconds:g} s: {time.perf_counter() - start:.1f} s; peak RSS now {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
