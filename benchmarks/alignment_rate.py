"""How often forced alignment succeeds, and how close its phones are to the truth.

Run (from the checkout, after `make dataset`):
    .venv/bin/python benchmarks/alignment_rate.py [--data data/synth] [--clips 140]

On the English test clips of the synthetic dataset (espeak-ng and flite speech
whose phone times are known), for pocketsphinx as ``medtalk.asr`` runs it
(wide beams, no flat-lexicon or best-path pass after the first search),
with its default beams, and with all its defaults: the share of clips whose words all align, the share that
also get their phones, the error of the aligned word starts, and the error of the aligned phone starts against the
generator's (median and 95th percentile, over the clips with as many aligned
phones as the generator said, matched in order).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from tqdm import tqdm

from medtalk import asr
from medtalk.audio import SAMPLE_RATE
from medtalk.data.clips import as_float, read_samples


def english_test_clips(data: Path, count: int) -> list[dict]:
    metas = [json.loads(line) for line in (data / "meta.jsonl").read_text().splitlines()]
    chosen = [m["id"] for m in metas if m.get("split") == "test" and m.get("language") == "en"][:count]
    return [json.loads((data / "META" / f"{clip}.json").read_text()) for clip in chosen]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("data/synth"))
    parser.add_argument("--clips", type=int, default=140)
    args = parser.parse_args()
    from pocketsphinx import Decoder

    clips = english_test_clips(args.data, args.clips)
    settings = {"medtalk.asr's search (wide beams, no rescoring)": asr.ALIGN_SEARCH,
                "pocketsphinx's default beams, no rescoring": {"fwdflat": False, "bestpath": False},
                "pocketsphinx's defaults": {}}
    for name, options in settings.items():
        words_ok = phones_ok = eligible = 0
        errors: list[float] = []
        word_errors: list[float] = []
        for meta in tqdm(clips, desc=name, leave=False):
            wave = as_float(read_samples(args.data / "WAV" / f"{meta['id']}.wav"))
            spelled = [asr._dictionary_form(w) for w in meta["text"].split()]
            decoder = Decoder(samprate=SAMPLE_RATE, lm=None, loglevel="FATAL", **options)
            if not all(s and decoder.lookup_word(s) is not None for s in spelled):
                continue  # a word outside the dictionary: not what this measures
            eligible += 1
            found = asr._forced(decoder, wave, spelled)
            if found is None:
                continue
            words_ok += 1
            word_errors += [abs(start - w["start"]) for (start, _, _), w in zip(found, meta["words"])]
            phones = [p for _, _, word_phones in found for p in word_phones]
            truth = [p["start"] for p in meta["phonemes"]]
            if all(word_phones for _, _, word_phones in found):
                phones_ok += 1
                if len(phones) == len(truth):
                    errors += [abs(p.start - t) for p, t in zip(phones, truth)]
        n = eligible
        spread = (f"word start error median {1000 * np.median(word_errors):.0f} ms, 95th percentile "
                  f"{1000 * np.percentile(word_errors, 95):.0f} ms; " if word_errors else "")
        spread += (f"phone start error median {1000 * np.median(errors):.0f} ms, 95th percentile "
                  f"{1000 * np.percentile(errors, 95):.0f} ms ({len(errors)} phones)" if errors else "no phones")
        print(f"{name}: of {n} clips whose words are all in the dictionary ({len(clips)} in all), words aligned "
              f"on {words_ok}, phones on {phones_ok}; {spread}")


if __name__ == "__main__":
    main()
