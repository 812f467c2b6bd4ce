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
from medtalk.synth import festival, flite, pauses, piper, visemes
from medtalk.synth.expressions import articulation_gain, render_expression
from medtalk.synth.idle import SpeakerStyle, apply_blinks, beat_curve, prominence, render_idle, speaker_style
from medtalk.synth.intensity import frame_curve, plan_word_intensity, voice_settings, word_prosody
from medtalk.synth.espeak import EspeakCrash
from medtalk.synth.speech import Prosody, synthesize
from medtalk.synth.takes import take_problem
from medtalk.synth.timeline import Utterance

FPS = DEFAULT_FPS
# Independent random streams, so that e.g. the blinks do not change with the emotion.
_PLAN, _ARTICULATION, _CURVE, _EXPRESSION, _IDLE, _PAUSE, _BREATH = range(7)
_JAW = index("CTRL_C_jaw-translateY")
# how a take was spoken: with the planned per-word prosody, redone without <emphasis>, or
# redone without per-word prosody (``_speak``)
TAKES = ("planned", "without emphasis", "without word prosody")


@dataclass
class Performance:
    """One performed clip: speech, its rig ``(T, 174)`` at 60 fps and the intensity curve ``(T,)``."""

    utterance: Utterance
    rig: RigSequence
    intensity: np.ndarray
    text: str
    emotion: str
    voice: str
    take: str = TAKES[0]

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
            "take": self.take,
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


# engines other than espeak-ng, by voice prefix (``flite:slt``, ``festival:kal+2``, ``piper:joe+1``)
ENGINES = {flite.PREFIX: flite.synthesize, festival.PREFIX: festival.synthesize, piper.PREFIX: piper.synthesize}


def speak_any(words: list[str], voice: str, **settings) -> Utterance:
    """espeak-ng, or the engine a voice's prefix names: the same arguments, the same result."""
    engine = next((fn for prefix, fn in ENGINES.items() if voice.startswith(prefix)), synthesize)
    return engine(words, voice, **settings)


class TakeRejected(MedtalkError):
    """Every way of speaking a text lost words: the take is not written."""


def _speak(words: list[str], voice: str, settings: dict[str, int], prosody: list[Prosody | None]) -> tuple[Utterance, str]:
    """``synthesize`` with per-word prosody, checked (``takes.take_problem``), redone until it says
    every word: ``(utterance, how)``, ``how`` one of ``TAKES``.

    libespeak-ng 1.51 drops stretches of text under some per-word SSML prosody
    (and on rare inputs crashes on it): the take is redone without ``<emphasis>``,
    then without per-word prosody (the emotion's voice settings stay). Raises
    ``TakeRejected`` when even that loses words or crashes.
    """
    plain = [None if p is None else Prosody(p.pitch, p.rate, p.volume) for p in prosody]
    ways = {TAKES[0]: prosody, TAKES[1]: plain, TAKES[2]: None}
    if not any(p is not None and p.emphasis for p in prosody):
        del ways[TAKES[1]]
    problem = ""
    for how, per_word in ways.items():
        try:
            utterance = speak_any(words, voice, word_prosody=per_word, **settings)
        except EspeakCrash as err:  # a crash is one more way that did not say the words
            problem = str(err)
            continue
        problem = take_problem(utterance)
        if problem is None:
            return utterance, how
    raise TakeRejected(f"{voice} cannot say {' '.join(words)!r} whole: {problem}")


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

    Raises :class:`MedtalkError` for empty text, an unknown emotion or voice, and
    ``TakeRejected`` when espeak-ng cannot say every word (``_speak``).
    """
    emotion = parse_emotion(emotion)
    words = _words(text)
    style = speaker_style(voice, seed)
    levels = plan_word_intensity(words, emotion, _rng(seed, text, _PLAN, emotion))
    settings = voice_settings(emotion, float(np.median(levels)), base=style.voice)
    spoken, take = _speak(words, voice, settings, word_prosody(levels, emotion))
    utterance = pauses.add_pauses(spoken, _rng(seed, text, _PAUSE))
    rig, intensity = render(utterance, emotion, levels, style, seed, text)
    return Performance(utterance, rig, intensity, text, emotion, voice, take)


def perform_aligned(text: str, *, voice: str = "en-us", seed: int = 0) -> dict[str, RigSequence]:
    """``text`` spoken once (the speaker's neutral voice) and rendered under all seven emotions.

    Every rig has the same frames, phone timing and idle motion; only the
    emotion (expression, articulation style, intensity curve) differs.
    """
    words = _words(text)
    style = speaker_style(voice, seed)
    spoken = speak_any(words, voice, **style.voice)
    problem = take_problem(spoken)
    if problem is not None:
        raise TakeRejected(f"{voice} cannot say {text!r} whole: {problem}")
    utterance = pauses.add_pauses(spoken, _rng(seed, text, _PAUSE))
    rigs: dict[str, RigSequence] = {}
    for emotion in EMOTIONS:
        levels = plan_word_intensity(words, emotion, _rng(seed, text, _PLAN, emotion))
        rigs[emotion], _ = render(utterance, emotion, levels, style, seed, text)
    return rigs
