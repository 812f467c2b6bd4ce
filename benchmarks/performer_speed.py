"""Speed of the procedural performer, and how often espeak-ng has to be asked twice.

Prints, over corpus sentences: milliseconds per clip to render a rig from
existing speech (``render``), to speak and render one emotion (``perform``) and
to render one sentence under all seven emotions (``perform_aligned``), per
second of audio too; and the share of ``perform`` takes redone because
libespeak-ng skipped words around an ``<emphasis>`` tag.

    .venv/bin/python benchmarks/performer_speed.py [--sentences 40]
"""

from __future__ import annotations

import argparse
import time
from unittest import mock

import numpy as np

from medtalk.emotions import EMOTIONS
from medtalk.synth import performer
from medtalk.synth.corpus import english_sentences
from medtalk.synth.idle import speaker_style
from medtalk.synth.intensity import plan_word_intensity


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=40)
    args = parser.parse_args()
    sentences = english_sentences(args.sentences, 0)
    performer.perform(sentences[0], "neutral")  # load libespeak-ng and the voice once

    calls = {"n": 0}
    real = performer.synthesize

    def counting(*a, **k):
        calls["n"] += 1
        return real(*a, **k)

    takes, audio = [], 0.0
    start = time.perf_counter()
    with mock.patch.object(performer, "synthesize", counting):  # counts calls, still the real espeak-ng
        for i, text in enumerate(sentences):
            perf = performer.perform(text, EMOTIONS[i % len(EMOTIONS)], seed=i)
            takes.append(perf)
            audio += perf.utterance.duration
    perform_s = time.perf_counter() - start
    retries = calls["n"] - len(sentences)

    start = time.perf_counter()
    for i, perf in enumerate(takes):
        levels = plan_word_intensity(perf.text.split(), perf.emotion, np.random.default_rng(i))
        performer.render(perf.utterance, perf.emotion, levels, speaker_style("en-us", i), i, perf.text)
    render_s = time.perf_counter() - start

    start = time.perf_counter()
    for i, text in enumerate(sentences):
        performer.perform_aligned(text, seed=i)
    aligned_s = time.perf_counter() - start

    n = len(sentences)
    print(f"{n} sentences, {audio / n:.2f} s of speech on average, one process, one core")
    print(f"render (rig only)       {1000 * render_s / n:6.1f} ms/clip  {1000 * render_s / audio:6.1f} ms per s of audio")
    print(f"perform (speech + rig)  {1000 * perform_s / n:6.1f} ms/clip  {1000 * perform_s / audio:6.1f} ms per s of audio")
    print(f"perform_aligned (x7)    {1000 * aligned_s / n:6.1f} ms/sentence")
    print(f"espeak-ng takes redone without <emphasis>: {retries} of {n} ({100 * retries / n:.0f} %)")
    per_sentence = 7 * perform_s / n + aligned_s / n
    print(f"dataset estimate: 1000 sentences x (7 perform + 1 aligned) = {1000 * per_sentence / 60:.1f} "
          f"min on one core, {1000 * per_sentence / 120:.1f} min on two (file writing not included)")


if __name__ == "__main__":
    main()
