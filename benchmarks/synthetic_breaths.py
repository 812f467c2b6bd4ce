"""Does a model hear in-breaths? Its jaw in the phrase pauses of freshly synthesised speech.

Run: .venv/bin/python benchmarks/synthetic_breaths.py [--model PATH] [--sentences 16]
Every clip gets one phrase pause (``medtalk.synth.pauses``); every other one
holds an audible in-breath. Prints, for two speakers of the dataset's test split,
the mean jaw-open over the breaths (model and performer) and over the
middle half of the silent pauses, on the
clean audio and with white noise 30 dB below the speech (which buries the
quieter breaths, as a noisy room does).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from _common import load_measured_model

VOICES = ("en-us+f4", "en-gb-scotland+m3")  # speakers of the dataset's test split
NOISE_DB = -30.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    parser.add_argument("--sentences", type=int, default=16)
    args = parser.parse_args()
    import torch

    import medtalk
    from medtalk.eval.real import JAW
    from medtalk.synth import pauses
    from medtalk.synth.corpus import english_sentences
    from medtalk.synth.performer import perform

    torch.set_num_threads(1)
    model = load_measured_model(args.model)
    sentences = [s for s in english_sentences(4 * args.sentences, 11) if len(s.split()) >= pauses.MIN_WORDS]
    rng = np.random.default_rng(0)
    pauses.P_PAUSE = 1.0  # every clip pauses; the breath is chosen per clip below
    for voice in VOICES:
        rows: dict[str, list[float]] = {"breath model": [], "breath performer": [], "silent model": [],
                                        "breath model, noise": [], "silent model, noise": []}
        for seed, text in enumerate(sentences[: args.sentences]):
            pauses.P_BREATH = float(seed % 2 == 0)
            perf = perform(text, "neutral", voice=voice, seed=seed)
            audio = perf.utterance.audio
            noisy = audio + rng.standard_normal(len(audio)).astype(np.float32) * np.sqrt(
                np.mean(audio**2)) * 10 ** (NOISE_DB / 20)
            frames = _pause_frames(perf)
            for suffix, wave in (("", audio), (", noise", noisy)):
                jaw = medtalk.animate(wave, "neutral", model=model).values[:, JAW]
                if perf.utterance.breaths:
                    rows["breath model" + suffix].append(jaw[frames].mean())
                else:
                    rows["silent model" + suffix].append(jaw[frames].mean())
            if perf.utterance.breaths:
                rows["breath performer"].append(perf.rig.values[frames, JAW].mean())
        print(f"{voice:10} " + ", ".join(f"{name} {np.mean(v):.3f}" for name, v in rows.items()))


def _pause_frames(perf) -> slice:
    """The frames of the breath (without its last quarter, where the next word's shape already
    comes in), or of the middle half of a silent pause, at 60 fps."""
    if perf.utterance.breaths:
        start, end = perf.utterance.breaths[0]
        end -= (end - start) / 4
    else:
        words = [w for w in perf.utterance.words if w.end > w.start]
        start, end = max((b.start - a.end, a.end, b.start) for a, b in zip(words, words[1:]))[1:]
        start, end = start + (end - start) / 4, end - (end - start) / 4
    return slice(round(start * 60), round(end * 60) + 1)


if __name__ == "__main__":
    main()
