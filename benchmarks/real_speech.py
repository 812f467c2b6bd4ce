"""Lip-sync of a model on REAL speech (evaluation only: nothing here is trained on).

Run: .venv/bin/python benchmarks/real_speech.py [--model PATH]
Prints
1. jaw-open correlation with the actor on the EmoFace capture (Mandarin, 60 fps
   ground truth), next to the floor an energy envelope reaches;
2. jfk.flac, with words and phones placed by forced alignment (pocketsphinx):
   the lips close on the m of "my" and "Americans" (jaw-open and lip aperture
   at the /m/ against the vowel after it, lipsTogether) and round on "do",
   "you", "so" (rounding at the vowel against the clip's speech frames);
3. on every real clip, the mouth in pauses (jaw-open and overall mouth
   activity in silent stretches of at least 0.25 s) against during speech;
4. on jfk.flac, the correlation of jaw-open, rounding and lip closure with the
   performer driven by the forced alignment (what a phonetically exact model would do);
5. the segment AUCs of ``medtalk.eval.articulation`` (place of articulation: the
   minimum aperture at m/b/p against t/d/n/k/g; rounding: the maximum
   purse/funnel/towards at uw/ow/w/ao against iy/ae/eh/ih) on Debian's
   pocketsphinx-testdata recordings (five LibriVox readings, five "cards"
   utterances; forced alignment of their transcripts) and on jfk.flac, and the
   EmoFace jaw correlation over the clip and within speech, each for three
   modes: audio only, automatic transcription (Whisper, the default call) and
   the transcript given (EmoFace: audio only and automatic; its transcript is
   not at hand).

Sections 1-4 animate from the audio alone; ``--modes`` runs only section 5 (``--whisper MODEL``:
the automatic mode with another Whisper model).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from medtalk.audio import load_audio
from medtalk.emotions import emotion_from_filename
from medtalk.eval import real
from medtalk.eval.articulation import ROUNDING, SegmentScores, aperture
from medtalk.eval.real import JAW, MIN_PAUSE_S, PAUSE_DB, frame_db, pause_frames
from medtalk.rig import REST_POSE, S_LIP, indices

from _common import JFK, JFK_TEXT, REAL, load_measured_model, require_real

FPS = 60
TOGETHER = indices("lipsTogether")
PACKAGE = Path("/usr/share/pocketsphinx/test/data")  # Debian's pocketsphinx-testdata (BSD-2)
# folders and their transcript files, lines "<s> words </s> (fileid)"
PACKAGE_SETS = (("librivox", "transcription"), ("cards", "cards.transcription"))
MODES = ("audio only", "automatic", "given")


def emoface_jaw(model) -> None:
    import medtalk

    r = real.emoface_jaw(lambda wave, emotion: medtalk.animate(wave, emotion, model=model).values, REAL)
    print(f"1. EmoFace capture ({r['frames']} frames, Mandarin, angry): jaw-open correlation {r['jaw_corr']:.3f} "
          f"(within speech {r['jaw_corr_speech']:.3f}) "
          f"(energy envelope {r['energy_corr']:.3f}), L1 {r['jaw_l1']:.3f}; "
          f"mean correlation over moving lip controls {r['lip_corr']:.3f}")


def _at(values: np.ndarray, start: float, end: float, column: np.ndarray | int) -> float:
    """Mean over the middle of ``[start, end)`` s of a column or of the mean of several."""
    a, b = round(start * FPS), max(round(end * FPS), round(start * FPS) + 1)
    block = values[a:b, column]
    return float(block.mean())


def jfk_articulation(model) -> None:
    import medtalk
    from medtalk.asr import align

    wave = load_audio(JFK)
    words, phones = align(wave, JFK_TEXT)
    values = medtalk.animate(wave, "neutral", transcript=JFK_TEXT, model=model).values
    open_ = aperture(values)
    speech = frame_db(wave, len(values)) > PAUSE_DB
    print("2. jfk.flac (forced alignment):")
    for word_text in ("my", "americans"):
        word = next(w for w in words if w.text.lower().strip(",.") == word_text)
        inside = [p for p in phones if word.start <= p.start < word.end]
        for k, phone in enumerate(inside[:-1]):
            if phone.symbol == "M":
                vowel = inside[k + 1]
                m_open = float(open_[round(phone.start * FPS): round(phone.end * FPS) + 1].min())
                v_open = float(open_[round(vowel.start * FPS): round(vowel.end * FPS) + 1].max())
                together = _at(values, phone.start, phone.end, TOGETHER)
                print(f"   /m/ of {word.text!r:13} at {phone.start:.2f}s: lip aperture {m_open:.3f} vs {v_open:.3f} "
                      f"on /{vowel.symbol.lower()}/ ({'closes' if m_open < 0.5 * v_open else 'DOES NOT close'}), "
                      f"lipsTogether {together:.2f}")
    rounding = values[:, ROUNDING].mean(axis=1)
    threshold = np.percentile(rounding[speech], 75)
    for word_text in ("so", "do", "you"):
        for word in (w for w in words if w.text.lower().strip(",.") == word_text):
            vowel = next(p for p in phones if word.start <= p.start < word.end and p.symbol in ("OW", "UW"))
            level = float(rounding[round(vowel.start * FPS): round(vowel.end * FPS) + 1].max())
            print(f"   /{vowel.symbol.lower()}/ of {word.text!r:7} at {vowel.start:.2f}s: rounding {level:.3f} "
                  f"(75th percentile of speech {threshold:.3f}: {'rounds' if level > threshold else 'DOES NOT round'})")


def pause_rest(model) -> None:
    import medtalk

    print(f"3. mouth in pauses (>= {MIN_PAUSE_S} s below {PAUSE_DB:g} dB) vs in speech:")
    for path in sorted(REAL.glob("*.wav")) + [JFK]:
        wave = load_audio(path)
        emotion = emotion_from_filename(path.stem.removeprefix("emoface_")) or "neutral"
        values = medtalk.animate(wave, emotion, model=model).values
        db = frame_db(wave, len(values))
        pause, speaking = pause_frames(db), db >= PAUSE_DB
        activity = np.abs(values[:, S_LIP] - REST_POSE[S_LIP]).mean(axis=1)
        if not pause.any():
            print(f"   {path.name:36} no pause")
            continue
        print(f"   {path.name:36} pauses {pause.sum() / FPS:4.1f} s: jaw {values[pause, JAW].mean():.3f} "
              f"(speech {values[speaking, JAW].mean():.3f}), mouth activity {activity[pause].mean():.3f} "
              f"(speech {activity[speaking].mean():.3f})")


def jfk_agreement(model) -> None:
    """How closely the model follows the performer driven by a forced alignment of jfk.flac.

    The aligned performer places every phone where pocketsphinx heard it: it is
    what a phonetically perfect model would output for this speaker. Correlation
    per mouth gesture: jaw-open, lip rounding (purse/funnel/towards), lip closure (lipsTogether).
    """
    import medtalk
    from medtalk.eval.performer import animate_aligned

    wave = load_audio(JFK)
    reference = animate_aligned(wave, JFK_TEXT, "neutral")
    pred = medtalk.animate(wave, "neutral", model=model).values
    n = min(len(reference), len(pred))
    parts = {"jaw": [JAW], "rounding": ROUNDING, "closure": TOGETHER}
    corr = {k: np.corrcoef(pred[:n, c].mean(axis=1), reference[:n, c].mean(axis=1))[0, 1] for k, c in parts.items()}
    print("4. jfk.flac against the performer on its forced alignment (correlation): "
          + ", ".join(f"{k} {v:.3f}" for k, v in corr.items()))


def package_clips() -> list[tuple[Path, str]]:
    """The pocketsphinx-testdata recordings and their transcripts, in name order."""
    clips = []
    for name, listing in PACKAGE_SETS:
        for line in (PACKAGE / name / listing).read_text().splitlines():
            words, _, fileid = line.rpartition("(")
            text = " ".join(w for w in words.split() if w not in ("<s>", "</s>"))
            clips.append((PACKAGE / name / f"{fileid.strip(') ')}.wav", text))
    return sorted(clips)


def _animate(model, wave: np.ndarray, emotion: str, mode: str, text: str | None = None,
             whisper: str | None = None) -> np.ndarray:
    import medtalk
    from medtalk.whisper.transcribe import WhisperOptions

    return medtalk.animate(wave, emotion, transcript=text if mode == "given" else None, model=model,
                           whisper=WhisperOptions(whisper) if mode == "automatic" else None).values


def mode_table(model, whisper: str | None = None) -> None:
    """Section 5: segment AUCs and the EmoFace jaw, per mode."""
    from medtalk.asr import align

    if not PACKAGE.is_dir():
        raise SystemExit(f"{PACKAGE} is missing: apt-get install pocketsphinx-testdata")
    clips = [(path, text, "package") for path, text in package_clips()] + [(JFK, JFK_TEXT, "jfk")]
    aligned = {path: align(load_audio(path), text)[1] for path, text, _ in clips}
    print(f"5. per mode, {len(clips) - 1} package recordings ({sum(len(load_audio(p)) for p, _, g in clips if g == 'package') / 16000:.1f} s) "
          "and jfk.flac; EmoFace jaw correlation over the clip / within speech:")
    print(f"   {'mode':12} {'package place':>13} {'rounding':>8} {'jfk place':>9} {'rounding':>8} "
          f"{'EmoFace clip':>12} {'speech':>6} {'seconds':>7}")
    for mode in MODES:
        start = time.perf_counter()
        scores = {"package": SegmentScores(), "jfk": SegmentScores()}
        for path, text, group in clips:
            scores[group].add(_animate(model, load_audio(path), "neutral", mode, text, whisper), aligned[path])
        emoface = (real.emoface_jaw(lambda wave, emotion: _animate(model, wave, emotion, mode, whisper=whisper), REAL)
                   if mode != "given" else None)
        package, jfk = scores["package"].aucs(), scores["jfk"].aucs()
        jaw = f"{emoface['jaw_corr']:>12.3f} {emoface['jaw_corr_speech']:>6.3f}" if emoface else f"{'-':>12} {'-':>6}"
        print(f"   {mode:12} {package['place']:>13.3f} {package['rounding']:>8.3f} {jfk['place']:>9.3f} "
              f"{jfk['rounding']:>8.3f} {jaw} {time.perf_counter() - start:>7.1f}")
    print(f"   segments (package): {scores['package'].counts()}; jfk: {scores['jfk'].counts()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    parser.add_argument("--modes", action="store_true", help="only section 5, the table per mode")
    parser.add_argument("--whisper", metavar="MODEL", help="the Whisper model of the automatic mode (default: base)")
    args = parser.parse_args()
    require_real()
    import torch

    torch.set_num_threads(2)
    model = load_measured_model(args.model)
    if not args.modes:
        emoface_jaw(model)
        jfk_articulation(model)
        pause_rest(model)
        jfk_agreement(model)
    mode_table(model, args.whisper)


if __name__ == "__main__":
    main()
