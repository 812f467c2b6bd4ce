"""When each part of the default call happens: `medtalk animate SPEECH -o OUT` with timestamps.

Run: .venv/bin/python benchmarks/default_call_timeline.py [--seconds 60] [--model PATH]
Runs the console command in a fresh process (as ``benchmarks/animate_speed.py`` does) with a
few functions wrapped to print when they end, in s from the process's start: the Whisper
model loaded, each 30 s window transcribed (``medtalk.whisper.transcribe.passages``), each
window's phones placed (``medtalk.hearing``), torch imported, the model loaded, the animation
(``medtalk.infer._predict_mixed``) and the exit. Shows what runs beside what: Whisper in its
thread against the imports, the loads and the alignment in the main thread.
Speech is jfk.flac looped when the reference folder is present, else espeak-ng.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from animate_speed import speech

from medtalk.audio import SAMPLE_RATE, write_wav

CHILD = """
import sys, threading, time
start = float(sys.argv[1])

def say(what):
    print(f"{time.time() - start:6.2f} s  {what} ({threading.current_thread().name})", file=sys.stderr, flush=True)

def after(module, name, label):
    inner = getattr(module, name)
    def wrapped(*args, **kwargs):
        out = inner(*args, **kwargs)
        say(label(args, out) if callable(label) else label)
        return out
    setattr(module, name, wrapped)

import medtalk.hearing as hearing
import medtalk.whisper.transcribe as transcribe
say("Python started, medtalk's command line imported")
after(hearing, "load_whisper", "Whisper loaded")
inner_passages = transcribe.passages
def passages(*args, **kwargs):
    for p in inner_passages(*args, **kwargs):
        say(f"Whisper window {p.start:.1f}-{p.end:.1f} s transcribed, {len(p.words)} words")
        yield p
hearing.passages = passages
after(hearing, "_placed", lambda args, out: f"phones of the window from {args[1].start:.1f} s placed")
import importlib.abc, importlib.machinery

def watch_infer(infer):  # when medtalk.infer (and with it torch) has been imported
    say("torch and medtalk.infer imported")
    after(infer, "load_model", "model loaded")
    inner_predict = infer._predict_mixed
    def predict(*args, **kwargs):
        say("animation starts")
        out = inner_predict(*args, **kwargs)
        say("animation done")
        return out
    infer._predict_mixed = predict

class Watch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name != "medtalk.infer":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        execute = spec.loader.exec_module
        def exec_module(module):
            execute(module)
            watch_infer(module)
        spec.loader.exec_module = exec_module
        return spec
sys.meta_path.insert(0, Watch())
import os
leave = os._exit
os._exit = lambda code: (say("outputs written, exit"), leave(code))
sys.argv = ["medtalk", *sys.argv[2:]]
from medtalk.cli import command
command()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="medtalk-timeline-") as tmp:
        wav = Path(tmp) / "speech.wav"
        write_wav(wav, speech(args.seconds), SAMPLE_RATE)
        extra = ["--model", str(args.model)] if args.model else []
        print(f"medtalk animate, {args.seconds:g} s of speech, default call (Whisper transcribes):")
        start = time.time()
        done = subprocess.run([sys.executable, "-c", CHILD, str(start), "animate", str(wav), "-o",
                               str(Path(tmp) / "out.json"), "-q", *extra], capture_output=True, text=True)
        wall = time.time() - start
        print(done.stderr.rstrip())
        print(f"{wall:6.2f} s  the process has ended (exit status {done.returncode})")


if __name__ == "__main__":
    main()
