"""How fast the audio and text front-ends run on this CPU.

Run: .venv/bin/python benchmarks/frontend_speed.py [--seconds 60] [--repeats 3]
Prints the best-of-repeats wall time of the frame features and of one
augmentation draw on ``--seconds`` of speech (jfk.flac looped when the
reference folder is present, else espeak-ng speech), the frozen Whisper
encoders of the content front-end (tiny.en and base, at several depths), the sentence encoders'
load and per-sentence times and the rate at which they embed stage-4 descriptions (MiniLM;
all-mpnet-base-v2 in bfloat16, and in float32 with the cosine between the two), and
pocketsphinx's real-time factor on jfk.flac.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from _common import REAL, best_of

from medtalk.audio import SAMPLE_RATE, load_audio

JFK = REAL / "jfk.flac"
DESCRIPTIONS = 1024
SENTENCE = "And so my fellow Americans, ask not what your country can do for you."


def speech(seconds: float) -> np.ndarray:
    """``seconds`` of real speech if available, else synthetic: ``(N,)`` float32 at 16 kHz."""
    if JFK.is_file():
        clip = load_audio(JFK)
    else:
        from medtalk.synth.speech import synthesize

        clip = synthesize(SENTENCE.split()).audio
    return np.resize(clip, int(seconds * SAMPLE_RATE))


def descriptions(count: int) -> list[str]:
    """``count`` clip descriptions of the kind stage 4 embeds (all seven labels, mixed lengths)."""
    from medtalk.emotions import EMOTIONS
    from medtalk.guidance.describe import describe_clip
    from medtalk.rig import NUM_CONTROLS, clip_to_range

    rng = np.random.default_rng(0)
    out = []
    for k in range(count):  # random faces and strengths, so the texts vary in length as the data's do
        rig = clip_to_range(np.abs(rng.normal(0.0, 0.3, (120, NUM_CONTROLS))).astype(np.float32))
        out.append(describe_clip(rig, EMOTIONS[k % len(EMOTIONS)], np.full(120, rng.uniform(0.1, 1.0)), rng))
    return out


def whisper_encoders(wave: np.ndarray, seconds: float, repeats: int) -> None:
    """The frozen Whisper content front-end (``medtalk.model.whisper``): load, then each depth on ``wave``."""
    import torch

    from medtalk.model.whisper import WhisperFeatures
    from medtalk.whisper.models import BASE, TINY_EN, model_dir

    samples = torch.from_numpy(wave)[None]
    for name, layers in ((TINY_EN, (2, 3, 4)), (BASE, (3, 6))):
        for layer in layers:
            start = time.perf_counter()
            encoder = WhisperFeatures(model_dir(name), layer)
            load = time.perf_counter() - start
            took = best_of(repeats, lambda: encoder(samples))
            print(f"Whisper {name} encoder, {layer} of {encoder.encoder.depth} layers: load {load:.2f} s, "
                  f"{took:.3f} s ({seconds / took:.0f}x real time)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    from medtalk.augment import augment_power
    from medtalk.features import log_mel, power_spectrogram, prosody

    wave = speech(args.seconds)
    print(f"features on {args.seconds:g} s of speech (best of {args.repeats}):")
    power = power_spectrogram(wave)
    t_power = best_of(args.repeats, lambda: power_spectrogram(wave))
    t_mel = best_of(args.repeats, lambda: log_mel(power=power))
    t_prosody = best_of(args.repeats, lambda: prosody(wave, power=power))
    print(f"  power_spectrogram      {t_power:6.3f} s")
    print(f"  log_mel (from power)   {t_mel:6.3f} s")
    print(f"  prosody (from power)   {t_prosody:6.3f} s")
    total = t_power + t_mel + t_prosody
    print(f"  all three              {total:6.3f} s  ({args.seconds / total:.0f}x real time)")
    rng = np.random.default_rng(0)
    draws = 10  # each draw applies a different random subset: average, not best
    t_aug = best_of(1, lambda: [augment_power(power, rng) for _ in range(draws)]) / draws
    print(f"  augment_power          {t_aug:6.3f} s per draw (mean of {draws})")

    whisper_encoders(wave, args.seconds, args.repeats)

    sentence_encoders(args.repeats)

    if not JFK.is_file():
        print("ASR: skipped (no ../shared/reference/real/jfk.flac)")
        return
    from medtalk.asr import align_words, transcribe

    clip = load_audio(JFK)
    duration = len(clip) / SAMPLE_RATE
    t_asr = best_of(1, lambda: transcribe(clip))
    t_align = best_of(1, lambda: align_words(clip, SENTENCE + " Ask what you can do for your country."))
    print(f"ASR on jfk.flac ({duration:.1f} s): transcribe {t_asr:.2f} s (RTF {t_asr / duration:.2f}), "
          f"align {t_align:.2f} s (RTF {t_align / duration:.2f})")


def sentence_encoders(repeats: int) -> None:
    """Load and run times of MiniLM (the transcript; older models' descriptions) and all-mpnet-base-v2 (the
    descriptions), the latter in bfloat16 as ``sentence_encoder`` runs it and in float32 for comparison."""
    from medtalk.text import TextEncoder, sentence_encoder
    from medtalk.text_models import MINILM, MPNET, encoder_dir

    texts = descriptions(DESCRIPTIONS)
    embedded = {}
    for name, load in ((MINILM, lambda: sentence_encoder(MINILM)), (f"{MPNET} bfloat16", lambda: sentence_encoder(MPNET)),
                       (f"{MPNET} float32", lambda: TextEncoder(encoder_dir(MPNET)))):
        start = time.perf_counter()
        encoder = load()
        print(f"{name}: load {time.perf_counter() - start:.2f} s (torch already imported)")
        encoder.sentence(SENTENCE)
        print(f"  sentence  {1000 * best_of(repeats, lambda: encoder.sentence(SENTENCE)):6.1f} ms")
        if name == MINILM:
            print(f"  tokens    {1000 * best_of(repeats, lambda: encoder.tokens(SENTENCE)):6.1f} ms")
        start = time.perf_counter()
        embedded[name] = encoder.sentences(texts)
        t_many = time.perf_counter() - start
        print(f"  sentences {t_many:6.2f} s for {len(texts)} stage-4 descriptions ({len(texts) / t_many:.0f}/s)")
    fast, exact = embedded[f"{MPNET} bfloat16"], embedded[f"{MPNET} float32"]
    print(f"  bfloat16 against float32: cosine min {(fast * exact).sum(axis=1).min():.5f}, "
          f"mean {(fast * exact).sum(axis=1).mean():.6f}")


if __name__ == "__main__":
    main()
