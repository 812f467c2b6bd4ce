"""Where a given English transcript's phones go, measured against true phone times.

Run: .venv/bin/python benchmarks/phone_timing.py [--model PATH] [--sentences N]

``benchmarks/real_speech.py`` scores the lips on real recordings against a
pocketsphinx forced alignment, so when the phones the model reads also come
from pocketsphinx (``medtalk.phonetics.ALIGNED_PHONES``) the reference and the
input share the aligner's errors. Here the reference is the synthesiser's own
phone times instead: festival's voices built from human recordings (CMU ARCTIC
slt, the kal diphones) and espeak-ng, speaking N corpus sentences. For each
way of placing the transcript's phones (the aligner's own phone times, or
espeak-ng's phones stretched over each aligned word) it prints

- the segment AUCs of ``medtalk.eval.articulation`` against the true phones
  (place: the minimum aperture at m/b/p against t/d/n/k/g; rounding: the
  maximum purse/funnel/towards at uw/ow/w/ao against iy/ae/eh/ih);
- how far each true bilabial's middle is from the nearest placed bilabial's
  (median and 90th percentile, ms): how well the input is timed, whatever the model.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from medtalk import phonetics
from medtalk.eval.articulation import CLOSED, SegmentScores
from medtalk.synth.arpabet import ESPEAK
from medtalk.synth.timeline import Phone

from _common import load_measured_model

VOICES = ("festival:slt", "festival:kal", "en-us")
METHODS = {"aligner's times": True, "stretched espeak-ng": False}
_ARPABET = {symbol: name for name, symbol in ESPEAK.items()}


def arpabet(phones: list[Phone]) -> list[Phone]:
    """espeak-ng mnemonics back to ARPAbet (stress marks dropped; what has no ARPAbet name stays)."""
    return [Phone(_ARPABET.get(p.symbol.lstrip("',"), p.symbol), p.start, p.end) for p in phones]


def _bilabial_middles(phones: list[Phone]) -> np.ndarray:
    return np.array([(p.start + p.end) / 2 for p in arpabet(phones) if p.symbol.upper() in CLOSED])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    parser.add_argument("--sentences", type=int, default=24)
    args = parser.parse_args()
    import torch

    import medtalk
    from medtalk.audio import SAMPLE_RATE
    from medtalk.synth.corpus import english_sentences
    from medtalk.synth.performer import speak_any

    torch.set_num_threads(2)
    model = load_measured_model(args.model)
    sentences = english_sentences(args.sentences, seed=20261205)
    print(f"{args.sentences} corpus sentences per voice; segment AUCs against the synthesiser's phone times")
    print(f"   {'voice':14} {'phones placed by':20} {'place':>6} {'rounding':>8} {'bilabial offset ms':>19}")
    for voice in VOICES:
        takes = []
        for text in sentences:
            utt = speak_any(text.split(), voice)
            assert utt.sample_rate == SAMPLE_RATE  # every engine speaks at the model's rate
            takes.append((text, utt.audio, arpabet(utt.phones)))
        for method, aligned in METHODS.items():
            phonetics.ALIGNED_PHONES = aligned
            scores, offsets = SegmentScores(), []
            for text, wave, truth in takes:
                scores.add(medtalk.animate(wave, "neutral", transcript=text, model=model).values, truth)
                placed = phonetics.transcript_phones(wave, text)
                fed = _bilabial_middles(placed[1]) if placed else np.array([])
                for middle in _bilabial_middles(truth):
                    offsets.append(np.abs(fed - middle).min() * 1000 if len(fed) else np.inf)
            aucs = scores.aucs()
            spread = f"{np.median(offsets):.0f} / {np.percentile(offsets, 90):.0f}"
            print(f"   {voice:14} {method:20} {aucs['place']:>6.3f} {aucs['rounding']:>8.3f} {spread:>19}")
        print(f"   segments: {scores.counts()}")


if __name__ == "__main__":
    main()
