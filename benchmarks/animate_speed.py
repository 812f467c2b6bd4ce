"""How fast ``medtalk.animate`` runs on this CPU, and how much memory it needs.

Run: .venv/bin/python benchmarks/animate_speed.py [--model PATH] [--seconds 60] [--threads 2]
Prints
- cold start: a fresh interpreter importing medtalk, loading the model and
  animating 3 s of speech (what `medtalk animate` pays before its first output);
- animating ``--seconds`` of speech with the model loaded (best of 3), without
  and with a transcript (MiniLM load excluded), as a real-time factor;
- peak resident memory after animating ``--seconds`` and then ten times as much
  (windowed inference keeps it flat);
- the default call end to end, as a user runs it: ``medtalk animate SPEECH.wav
  -o OUT.json`` in a fresh process (start, imports, the model and Whisper
  loads, automatic transcription, animation, writing), on ``--seconds`` of
  speech and on 3 s (the cold start), and the same with ``--no-transcribe``:
  wall time (best of ``--repeats``), the CPU time it used (the machine is
  shared: CPU time over the 2 cores bounds what idle cores would take) and its
  peak resident memory.
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


def cli_run(args: list[str]) -> tuple[float, float, float]:
    """``medtalk ARGS`` in a fresh process (this checkout's code): wall s, CPU s, peak RSS MB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", PROBE, *args], check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, float(Path(PEAK_FILE).read_text())


PEAK_FILE = "/tmp/medtalk-animate-speed-peak"
# RUSAGE_CHILDREN keeps the largest child's peak across runs: the child reports its own, on its
# way out of the `medtalk` console command (which may leave by os._exit: ``medtalk.cli.command``)
PROBE = f"""
import os, resource, sys
from medtalk.cli import command

def report_peak():
    open({PEAK_FILE!r}, "w").write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))

leave = os._exit
os._exit = lambda code: (report_peak(), leave(code))
sys.argv[0] = "medtalk"
try:
    command()
finally:
    report_peak()
"""


def default_call(seconds: float, repeats: int) -> None:
    """The end-to-end figures of ``medtalk animate`` with and without transcription."""
    import tempfile

    from medtalk.audio import write_wav

    with tempfile.TemporaryDirectory(prefix="medtalk-speed-") as tmp:
        for length in (3.0, seconds):
            wav = Path(tmp) / f"speech{length:g}.wav"
            write_wav(wav, speech(length), SAMPLE_RATE)
            for label, extra in (("default (Whisper transcribes)", []), ("--no-transcribe", ["--no-transcribe"])):
                runs = [cli_run(["animate", str(wav), "-o", str(Path(tmp) / "out.json"), "--force", "-q", *extra])
                        for _ in range(repeats)]
                wall, cpu, peak = min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs)
                print(f"medtalk animate {length:g} s, {label}: {wall:.2f} s wall end to end, {cpu:.2f} s CPU, "
                      f"peak RSS {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2, help="runs of each end-to-end call (best kept)")
    parser.add_argument("--cli-only", action="store_true", help="only the end-to-end calls")
    args = parser.parse_args()
    default_call(args.seconds, args.repeats)
    if args.cli_only:
        return
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
