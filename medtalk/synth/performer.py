"""The procedural performer: a sentence and an emotion in, speech and a MetaHuman rig out.

``perform`` plans the intensity per word, speaks the sentence with the
emotion's voice and prosody (espeak-ng), and renders a 60 fps rig:

    rig = REST_POSE + speaker rest offsets
          + articulation (visemes) * emotion articulation gain * speaker scale
          + expression (emotion template * intensity curve)
          + idle (gaze, brow beats, breathing, jaw sway)
          + in-breaths in the phrase pauses cut into the speech (``pauses``)
    then blinks close the lids, bilabials seal the lips, values are clipped.

``perform_aligned`` renders one synthesis under all seven emotions: same
words, same timing, same idle motion, different emotion (the content-aligned
pairs of training stage 1).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from medtalk.emotions import EMOTIONS, parse_emotion
from medtalk.errors import MedtalkError
from medtalk.rig import DEFAULT_FPS, REST_POSE, RigSequence, clip_to_range, index
from medtalk.synth import flite, pauses, visemes
from medtalk.synth.expressions import articulation_gain, render_expression
from medtalk.synth.idle import SpeakerStyle, apply_blinks, beat_curve, prominence, render_idle, speaker_style
from medtalk.synth.intensity import frame_curve, plan_word_intensity, voice_settings, word_prosody
from medtalk.synth.espeak import EspeakCrash
from medtalk.synth.speech import Prosody, synthesize
from medtalk.synth.timeline import Utterance

FPS = DEFAULT_FPS
# Independent random streams, so that e.g. the blinks do not change with the emotion.
_PLAN, _ARTICULATION, _CURVE, _EXPRESSION, _IDLE, _PAUSE, _BREATH = range(7)
_JAW = index("CTRL_C_jaw-translateY")


@dataclass
class Performance:
    """One performed clip: speech, its rig ``(T, 174)`` at 60 fps and the intensity curve ``(T,)``."""

    utterance: Utterance
    rig: RigSequence
    intensity: np.ndarray
    text: str
    emotion: str
    voice: str

    def metadata(self) -> dict:
        """JSON-able description: text, emotion, voice, fps, phoneme and word timing, intensity."""
        return {
            "text": self.text,
            "emotion": self.emotion,
            "voice": self.voice,
            "fps": self.rig.fps,
            "num_frames": self.rig.num_frames,
            "phonemes": [{"phoneme": p.symbol, "start": p.start, "end": p.end} for p in self.utterance.phones],
            "words": [{"text": w.text, "start": w.start, "end": w.end} for w in self.utterance.words],
            "intensity": [round(float(x), 4) for x in self.intensity],
            "speech": self.utterance.settings,
            "breaths": [[round(s, 4), round(e, 4)] for s, e in self.utterance.breaths],
        }


def _words(text: str) -> list[str]:
    words = text.split()
    if not words:
        raise MedtalkError("nothing to say: the text is empty")
    return words


def _rng(seed: int, text: str, stream: int, emotion: str | None = None) -> np.random.Generator:
    key = [seed, zlib.crc32(text.encode()), stream]
    if emotion is not None:
        key.append(EMOTIONS.index(emotion))
    return np.random.default_rng(key)


def _lost_words(utterance: Utterance) -> bool:
    """True if two neighbouring words with letters got no phones at all: text espeak-ng skipped."""
    silent = [w.end <= w.start and any(ch.isalpha() for ch in w.text) for w in utterance.words]
    return any(a and b for a, b in zip(silent, silent[1:]))


def _synthesize(words: list[str], voice: str, **settings) -> Utterance:
    """espeak-ng, or flite for ``flite:`` voices: the same arguments, the same result."""
    return (flite.synthesize if flite.is_flite(voice) else synthesize)(words, voice, **settings)


def _speak(words: list[str], voice: str, settings: dict[str, int], prosody: list[Prosody | None]) -> Utterance:
    """``synthesize`` with per-word prosody, falling back to prosody without ``<emphasis>``.

    libespeak-ng 1.51 occasionally drops a whole stretch of text when an
    ``<emphasis>`` sits inside a ``<prosody>`` next to another ``<prosody>``
    (the audio then lacks words the metadata claims), and on rare inputs it
    crashes on such markup: either way the take is redone without emphasis.
    """
    emphasis = any(p is not None and p.emphasis for p in prosody)
    plain = [None if p is None else Prosody(p.pitch, p.rate, p.volume) for p in prosody]
    try:
        utterance = _synthesize(words, voice, word_prosody=prosody, **settings)
    except EspeakCrash:
        if not emphasis:
            raise
        return _synthesize(words, voice, word_prosody=plain, **settings)
    if _lost_words(utterance) and emphasis:
        utterance = _synthesize(words, voice, word_prosody=plain, **settings)
    return utterance


def render(utterance: Utterance, emotion: str, word_levels: np.ndarray, style: SpeakerStyle,
           seed: int, text: str) -> tuple[RigSequence, np.ndarray]:
    """The rig of ``utterance`` performed with ``emotion``: ``(RigSequence, intensity (T,))``.

    Everything that does not depend on the emotion (articulation jitter, idle
    motion) is drawn from streams keyed by ``seed`` and ``text`` only.
    """
    n_frames = max(1, round(utterance.duration * FPS))
    segments = visemes.segment(utterance.phones, utterance.duration)
    intensity = frame_curve(utterance.words, word_levels, n_frames, FPS, _rng(seed, text, _CURVE, emotion))
    beats = beat_curve(prominence(utterance), n_frames, FPS)
    mouth = visemes.articulate(segments, n_frames, FPS, _rng(seed, text, _ARTICULATION))
    mouth *= articulation_gain(emotion, intensity) * (style.articulation * style.side_gain)
    face = render_expression(emotion, intensity, FPS, _rng(seed, text, _EXPRESSION, emotion), beats)
    face *= style.side_gain
    idle = render_idle(style, beats, mouth[:, _JAW], FPS, _rng(seed, text, _IDLE))
    breath = pauses.breath_motion(utterance.breaths, n_frames, FPS, _rng(seed, text, _BREATH))
    values = REST_POSE + style.rest + mouth + face + idle.offsets + breath
    values = apply_blinks(values, idle.blink)
    values = visemes.apply_closure(values, visemes.closure_curve(segments, n_frames, FPS))
    return RigSequence(clip_to_range(values), FPS), intensity.astype(np.float32)


def perform(text: str, emotion: str, *, voice: str = "en-us", seed: int = 0) -> Performance:
    """Speak ``text`` with ``emotion`` and render the matching rig; deterministic per ``seed``.

    Raises :class:`MedtalkError` for empty text, an unknown emotion or voice.
    """
    emotion = parse_emotion(emotion)
    words = _words(text)
    style = speaker_style(voice, seed)
    levels = plan_word_intensity(words, emotion, _rng(seed, text, _PLAN, emotion))
    settings = voice_settings(emotion, float(np.median(levels)), base=style.voice)
    utterance = pauses.add_pauses(_speak(words, voice, settings, word_prosody(levels, emotion)),
                                  _rng(seed, text, _PAUSE))
    rig, intensity = render(utterance, emotion, levels, style, seed, text)
    return Performance(utterance, rig, intensity, text, emotion, voice)


def perform_aligned(text: str, *, voice: str = "en-us", seed: int = 0) -> dict[str, RigSequence]:
    """``text`` spoken once (the speaker's neutral voice) and rendered under all seven emotions.

    Every rig has the same frames, phone timing and idle motion; only the
    emotion (expression, articulation style, intensity curve) differs.
    """
    words = _words(text)
    style = speaker_style(voice, seed)
    utterance = pauses.add_pauses(_synthesize(words, voice, **style.voice), _rng(seed, text, _PAUSE))
    rigs: dict[str, RigSequence] = {}
    for emotion in EMOTIONS:
        levels = plan_word_intensity(words, emotion, _rng(seed, text, _PLAN, emotion))
        rigs[emotion], _ = render(utterance, emotion, levels, style, seed, text)
    return rigs
