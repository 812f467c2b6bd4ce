"""What limits the jaw-open correlation on the EmoFace capture (evaluation only).

Run: .venv/bin/python benchmarks/real_jaw_limits.py [--model PATH]
Prints, against the actor's jaw-open curve (Mandarin, angry, 60 fps):
1. the model's correlation over the whole clip and within speech (frames
   within 25 dB of a loud frame);
2. what the audio itself carries within speech: the energy envelope and a
   first-formant proxy (the spectral centroid between 200 and 1200 Hz; the
   jaw lowers F1 as it opens), and that proxy placed in speech with the mouth
   at rest in pauses, scored over the whole clip;
3. the within-speech correlation a model resting in pauses needs for a given
   whole-clip figure (the actor's own curve plus smoothed noise, placed the same way);
4. the model on its input pitch-shifted or warped in vocal-tract length
   (``medtalk.augment``), to see if the voice alone puts the clip out of reach;
5. the model in speech with the actor's jaw in the pauses, and with only a
   generic breath (a raised-cosine jaw opening) over the quiet stretch where
   the actor breathes in: how much of the gap is what the face does between phrases;
6. the actor's own jaw in the pauses ``benchmarks/real_speech.py`` checks the
   model rests in, and the model with that breath and the jaw held open after
   the last syllable as the actor holds it: what the figure would cost in
   resting;
7. a recogniser trained on real (English) speech instead of our synthetic
   voices: the performer driven by the phones pocketsphinx hears in the clip.
"""

from __future__ import annotations

import numpy as np

from _common import JFK, JFK_TEXT, REAL, real_clip_model

from medtalk.rig import DEFAULT_FPS

F1_BAND_HZ = (200.0, 1200.0)
NOISE_SMOOTH = 9  # frames of the moving sum that shapes the noise of section 3
BREATH_S = (1.1, 1.5)  # the actor breathes in, mouth opening, in this quiet stretch of the clip
BREATH_JAW = 0.25  # peak jaw-open of the generic breath of section 5
HOLD_JAW = 0.15  # jaw-open held after the last syllable in section 6 (the actor: 0.19 over that pause)


def corr(a: np.ndarray, b: np.ndarray, mask: np.ndarray | None = None) -> float:
    mask = np.ones(len(a), dtype=bool) if mask is None else mask
    return float(np.corrcoef(a[mask], b[mask])[0, 1])


def placed(x: np.ndarray, truth: np.ndarray, speech: np.ndarray) -> np.ndarray:
    """``x`` standardised within speech and given the actor's speech mean and spread; 0 in pauses."""
    z = (x[speech] - x[speech].mean()) / x[speech].std()
    out = np.zeros(len(x))
    out[speech] = truth[speech].mean() + truth[speech].std() * z
    return np.maximum(out, 0.0)


def f1_proxy(power: np.ndarray, frames: int) -> np.ndarray:
    """Spectral centroid within ``F1_BAND_HZ`` of each feature frame, at 60 fps."""
    from medtalk.audio import SAMPLE_RATE
    from medtalk.features import FEATURE_RATE, N_FREQS

    hz = np.linspace(0.0, SAMPLE_RATE / 2, N_FREQS)
    band = (hz >= F1_BAND_HZ[0]) & (hz < F1_BAND_HZ[1])
    centroid = (power[:, band] * hz[band]).sum(axis=1) / (power[:, band].sum(axis=1) + 1e-10)
    return np.interp(np.arange(frames) / DEFAULT_FPS, np.arange(len(power)) / FEATURE_RATE, centroid)


def needed_within(truth: np.ndarray, speech: np.ndarray) -> list[tuple[float, float]]:
    """``(within-speech, whole-clip)`` correlation pairs of noisy copies of the actor's curve."""
    rng = np.random.default_rng(0)
    noise = np.convolve(rng.standard_normal(len(truth)), np.ones(NOISE_SMOOTH), "same")
    noise *= truth[speech].std() / noise[speech].std()
    pairs = []
    for scale in np.linspace(0.0, 3.0, 61):
        noisy = truth + scale * noise
        pairs.append((corr(noisy, truth, speech), corr(placed(noisy, truth, speech), truth)))
    return pairs


def main() -> None:
    model = real_clip_model(__doc__.splitlines()[0])

    import medtalk
    import medtalk.infer
    from medtalk.augment import pitch_shift, vtlp
    from medtalk.audio import load_audio
    from medtalk.eval.performer import animate_aligned, animate_recognised
    from medtalk.eval.real import JAW, PAUSE_DB, frame_db, load_capture, pause_frames
    from medtalk.features import power_spectrogram

    wave, rig = load_capture(REAL)
    truth = rig[:, JAW]
    n = len(truth)

    def jaw() -> np.ndarray:
        return medtalk.animate(wave, "angry", model=model).values[:n, JAW]

    db = frame_db(wave, n)
    speech = db > PAUSE_DB  # frames within this of a loud frame are speech, as in real_speech.py
    pred = jaw()
    print(f"1. model: whole clip {corr(pred, truth):.3f}, within speech {corr(pred, truth, speech):.3f} "
          f"({speech.mean():.0%} of the frames are speech)")
    f1 = f1_proxy(power_spectrogram(wave), n)
    print(f"2. within speech: energy envelope {corr(db, truth, speech):.3f}, F1 proxy {corr(f1, truth, speech):.3f}; "
          f"F1 proxy in speech, rest in pauses, whole clip {corr(placed(f1, truth, speech), truth):.3f}")
    pairs = needed_within(truth, speech)
    print("3. resting in pauses, whole-clip correlation for a within-speech one of: " + ", ".join(
        f"{w:.1f} -> {next(o for wi, o in sorted(pairs) if wi >= w):.2f}" for w in (0.5, 0.6, 0.7, 0.8, 0.9)))
    clean = medtalk.infer.power_spectrogram
    changes = {f"pitch {s:+d} st": (lambda p, s=s: pitch_shift(p, s)) for s in (-5, -3, 3)}
    changes |= {f"VTLP {a:g}": (lambda p, a=a: vtlp(p, a)) for a in (0.8, 0.85, 0.9, 1.1)}
    figures = []
    try:
        for name, change in changes.items():
            medtalk.infer.power_spectrogram = lambda samples, change=change: change(clean(samples))
            figures.append(f"{name} {corr(jaw(), truth):.3f}")
    finally:
        medtalk.infer.power_spectrogram = clean
    print("4. model on a changed voice (whole clip): " + ", ".join(figures))
    between = pred.copy()
    between[~speech] = truth[~speech]
    breath = pred.copy()
    a, b = round(BREATH_S[0] * DEFAULT_FPS), round(BREATH_S[1] * DEFAULT_FPS)
    breath[a:b] = np.maximum(breath[a:b], BREATH_JAW * np.sin(np.linspace(0.0, np.pi, b - a)))
    print(f"5. model in speech, the actor's jaw in pauses: {corr(between, truth):.3f}; the model with a generic "
          f"breath (jaw {BREATH_JAW:g}) at {BREATH_S[0]:g}-{BREATH_S[1]:g} s: {corr(breath, truth):.3f}")
    pause = pause_frames(db)
    held = breath.copy()
    last = np.flatnonzero(speech)[-1] + 1
    held[last:] = np.maximum(held[last:], HOLD_JAW)
    print(f"6. in the pauses (as real_speech.py checks): actor's jaw {truth[pause].mean():.3f} against "
          f"{truth[speech].mean():.3f} in speech, the model's {pred[pause].mean():.3f}; the model with the "
          f"breath and the jaw held at {HOLD_JAW:g} after the last syllable: whole clip {corr(held, truth):.3f}, "
          f"jaw in pauses {held[pause].mean():.3f}")
    heard = animate_recognised(wave, "angry")[:n, JAW]
    english = load_audio(JFK)
    check = corr(animate_recognised(english, "neutral")[:, JAW], animate_aligned(english, JFK_TEXT, "neutral")[:, JAW])
    print(f"7. the performer on the English phones pocketsphinx hears: whole clip {corr(heard, truth):.3f}, "
          f"within speech {corr(heard, truth, speech):.3f} (on jfk.flac its jaw follows the performer on the "
          f"forced alignment at {check:.2f})")


if __name__ == "__main__":
    main()
