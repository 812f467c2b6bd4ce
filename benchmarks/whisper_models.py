"""Which installed Whisper model transcribes best, and how fast: tiny.en against base.

On real recordings with transcripts (Debian's pocketsphinx-testdata: five
LibriVox readings and five "cards" utterances; jfk.flac) and on the Mandarin
reference clips (language detection only: their transcripts are not at hand),
prints per model the word accuracy (1 - (substitutions + deletions) / words, in
order, after lower-casing, dropping punctuation and spelling out digits), the
detected language, the load time and the transcription time (wall and CPU,
best of ``--repeats``: the machine is shared).

    .venv/bin/python benchmarks/whisper_models.py
"""

from __future__ import annotations

import argparse
import difflib
import re
import time

from medtalk.audio import load_audio

from _common import JFK, JFK_TEXT, REAL, require_real
from real_speech import package_clips

DIGITS = "zero one two three four five six seven eight nine ten".split()


def words_of(text: str) -> list[str]:
    text = re.sub(r"\b(\d|10)\b", lambda m: DIGITS[int(m.group())], text.lower())
    return re.sub(r"[^a-z' ]", " ", text.replace("-", " ")).split()


def accuracy(reference: str, heard: str) -> float:
    ref, hyp = words_of(reference), words_of(heard)
    return sum(b.size for b in difflib.SequenceMatcher(a=ref, b=hyp).get_matching_blocks()) / len(ref)


def timed(action):
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    require_real()
    from medtalk.whisper.models import BASE, TINY_EN, load_whisper
    from medtalk.whisper.transcribe import WhisperOptions, transcribe

    clips = package_clips() + [(JFK, JFK_TEXT)]
    waves = [(path, text, load_audio(path)) for path, text in clips]
    mandarin = [(p, load_audio(p)) for p in sorted(REAL.glob("*.wav"))]
    seconds = sum(len(w) for _, _, w in waves) / 16000
    print(f"{len(waves)} English recordings, {seconds:.1f} s; {len(mandarin)} Mandarin clips")
    for model in (TINY_EN, BASE):
        _, load_s, _ = timed(lambda: load_whisper(model))
        options = WhisperOptions(model)
        scores, wall, cpu = [], 0.0, 0.0
        for path, text, wave in waves:
            runs = [timed(lambda: transcribe(wave, options)) for _ in range(args.repeats)]
            heard = runs[0][0]
            wall += min(r[1] for r in runs)
            cpu += min(r[2] for r in runs)
            scores.append((accuracy(text, heard.text), len(words_of(text))))
            print(f"   {model:8} {path.name:44} {scores[-1][0]:.2f}  {heard.text}")
        total = sum(a * n for a, n in scores) / sum(n for _, n in scores)
        print(f"{model}: word accuracy {total:.3f} over {sum(n for _, n in scores)} words; load {load_s:.2f} s; "
              f"transcription {wall:.2f} s wall, {cpu:.2f} s CPU for {seconds:.1f} s of speech "
              f"({seconds / wall:.1f}x real time)")
        if model == BASE:
            for path, wave in mandarin:
                heard = transcribe(wave, options)
                print(f"   {path.name:36} {heard.language} p={heard.language_probability:.2f} "
                      f"confidence {heard.confidence:.2f}  {heard.text}")


if __name__ == "__main__":
    main()
