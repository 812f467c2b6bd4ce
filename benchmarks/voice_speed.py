"""How fast each training voice speaks: seconds of compute per take and per second of speech.

Run: .venv/bin/python benchmarks/voice_speed.py [--voices en-us flite:slt festival:slt festival:kal piper:joe]
Each voice speaks a few corpus sentences once to warm up (Piper loads its
voice, festival starts its process), then the same sentences timed.
"""

from __future__ import annotations

import argparse
import time

from medtalk.synth.corpus import english_sentences
from medtalk.synth.performer import speak_any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", nargs="+",
                        default=["en-us", "flite:slt", "festival:slt+1", "festival:kal+1", "piper:joe+1"])
    parser.add_argument("--sentences", type=int, default=5)
    args = parser.parse_args()
    texts = english_sentences(args.sentences, 0)
    for voice in args.voices:
        speak_any(texts[0].split(), voice)
        start, audio = time.perf_counter(), 0.0
        for text in texts:
            audio += speak_any(text.split(), voice).duration
        took = time.perf_counter() - start
        print(f"{voice:16} {took / len(texts):.3f} s per take, {took / audio:.3f} s per second of speech")


if __name__ == "__main__":
    main()
