"""Animation: speech (+ transcript) + emotion guidance -> rig, with a trained MEDTalk model.

The emotion comes from a label, a blend of labels, a description or a photo
(``medtalk.guidance.guide``), optionally changing over time along a timeline
(``medtalk.guidance.timeline``): each source then animates its own stretch of
the audio (with ``TIMELINE_CONTEXT_SECONDS`` of context on either side) and
the results are crossfaded frame by frame.

Audio of any length runs in bounded memory: the model sees overlapping
windows (``WINDOW_SECONDS`` long, ``OVERLAP_SECONDS`` shared with the next),
features are computed per window, and the overlaps are linearly crossfaded so
no seam shows. The output is smoothed with a Savitzky-Golay filter (window 5,
order 2, as the paper) and clipped to each control's range.

Transcripts: a model trained with word timing gets each token's time from
forced alignment of the transcript to the audio (``medtalk.asr.align_words``;
up to ``ALIGN_MAX_SECONDS`` of audio, beyond that and for older models the
tokens are spread evenly over the audio). Each window sees the tokens said
within ``medtalk.model.inputs.TEXT_MARGIN_SECONDS`` of it. A model with the
phonetic correction also gets the transcript's phones placed on the audio
(``medtalk.phonetics.transcript_phones``; English transcripts only).

Without a transcript, ``WhisperOptions`` make Whisper transcribe the speech
(``heard_inputs``): its words, their times and their phones in the language
heard (``medtalk.hearing``, placed window by window as Whisper hears them) then
stand in for a given transcript.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import torch

from medtalk.audio import SAMPLE_RATE, load_audio
from medtalk.errors import MedtalkError
from medtalk.features import log_mel, power_spectrogram, prosody
from medtalk.guidance.guide import guide_vector, parse_guide
from medtalk.guidance.timeline import (
    Segment,
    check_duration,
    parse_timeline,
    read_timeline,
    segment_weights,
)
from medtalk.model.content import audio_features
from medtalk.model.inputs import (
    pad,
    phone_segments,
    phone_track,
    shifted,
    span_slice,
    spread,
    token_spans,
)
from medtalk.model.medtalk import MEDTalk
from medtalk.rig import DEFAULT_FPS, NUM_CONTROLS, RigSequence
from medtalk.rig.smoothing import smooth
from medtalk.synth.timeline import Phone, Word
from medtalk.whisper.transcribe import WhisperOptions

if TYPE_CHECKING:
    from medtalk.hearing import Hearing

WINDOW_SECONDS = 20.0  # model input per window: bounds memory on long audio
OVERLAP_SECONDS = 2.0  # shared by consecutive windows, crossfaded linearly
WINDOW_BATCH = 4  # windows run through the model together
# a live stream's windows (``medtalk.live.Stream``), shared with the training stage that fits the model
# to them (``medtalk.train.windows``): every STREAM_HOP_FRAMES frames, once the look-ahead has arrived,
# the model sees STREAM_CONTEXT_SECONDS before those frames up to the newest audio
STREAM_HOP_FRAMES = 2
STREAM_CONTEXT_SECONDS = 1.5
TIMELINE_CONTEXT_SECONDS = 2.0  # audio a timeline segment's model pass sees beyond its own frames
DEFAULT_MODEL = "default.pt"  # in medtalk/assets, written by `make model`
MAX_WORDS_PER_SECOND = 8  # fast speech is 4-5 words a second; a longer transcript belongs to other audio
SPARE_WORDS = 20  # so a short clip with a few extra words (a title, a name) still animates
ALIGN_MAX_SECONDS = 600.0  # longer audio is not force-aligned (pocketsphinx's time and memory grow with it)


class TranscriptInputs(NamedTuple):
    """What a model reads of a transcript, times in seconds from the audio's start:
    ``tokens (N, 384)`` and ``spans (N, 2)`` when each is said, ``phones (S, 3)`` viseme
    segments (``inputs.phone_segments``) or None."""

    tokens: np.ndarray
    spans: np.ndarray
    phones: np.ndarray | None = None

    def window(self, start: float, end: float) -> TranscriptInputs:
        """The tokens said near ``[start, end)`` s and the phones, with times from ``start``."""
        tokens, spans = span_slice(self.tokens, self.spans, start, end)
        return TranscriptInputs(tokens, spans, None if self.phones is None else shifted(self.phones, start))


def default_model_path() -> Path:
    return Path(str(files("medtalk").joinpath("assets", DEFAULT_MODEL)))


@lru_cache(maxsize=4)
def _load_cached(path: str) -> MEDTalk:
    from medtalk.model.archs import arch_of
    from medtalk.model.checkpoint import load_model as load_file

    model = load_file(Path(path))[0]
    if arch_of(model) != "medtalk":  # baselines are for `medtalk eval` (no guidance, no blends)
        raise MedtalkError(f"{path} holds the {arch_of(model)} baseline; score it with `medtalk eval`")
    return model


def load_model(path: Path | str | None = None) -> MEDTalk:
    """A trained model in eval mode (the shipped default when ``path`` is None); cached per file."""
    if path is None:
        path = default_model_path()
        if not path.is_file():
            raise MedtalkError("no default model is installed (run `make model`, or pass --model PATH)")
    return _load_cached(str(Path(path).resolve()))


def _windows(num_frames: int, fps: float, window_s: float, overlap_s: float) -> list[tuple[int, int]]:
    """``(start, end)`` frame ranges covering ``num_frames``; consecutive ones share the overlap."""
    length, hop = round(window_s * fps), round((window_s - overlap_s) * fps)
    if num_frames <= length:
        return [(0, num_frames)]
    count = 1 + math.ceil((num_frames - length) / hop)
    return [(k * hop, min(k * hop + length, num_frames)) for k in range(count)]


Pitch = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]  # samples -> their ``features.pitch``


def window_inputs(
    model: MEDTalk, wave: np.ndarray, start: int, end: int, phones: np.ndarray | None, pitch: Pitch | None = None
) -> dict[str, np.ndarray]:
    """Features of the samples under rig frames ``[start, end)`` at the model's fps, and with
    ``phones`` the phone track on the ACM input frames. ``pitch`` gives those samples' pitch
    when it is known (a live stream's cache, ``medtalk.live.pitch``); else it is computed."""
    fps = model.config.fps
    samples = wave[round(start * SAMPLE_RATE / fps) : round(end * SAMPLE_RATE / fps)]
    power = power_spectrogram(samples)
    mel = log_mel(power=power)
    content = model.config.content
    audio = mel if content.frontend == "log_mel" else audio_features(samples, content, fast=True)
    out = {"audio": audio, "mel": mel,
           "prosody": prosody(samples, power=power, pitch=None if pitch is None else pitch(samples))}
    if phones is not None:
        out["phones"] = phone_track(shifted(phones, start / fps), len(audio), content.input_rate)
    return out


def fade_in(length: int, overlap: int) -> np.ndarray:
    """Weights ``(length,)`` of a piece faded in linearly over its first ``overlap`` frames,
    1 after them: how consecutive windows of predictions hand over without a seam."""
    fade = np.ones(length, dtype=np.float32)
    n = min(overlap, length)
    if n > 0:
        fade[:n] = (np.arange(n) + 0.5) / n
    return fade


@torch.inference_mode()
def forward_windows(
    model: MEDTalk,
    wave: np.ndarray,
    windows: list[tuple[int, int]],
    emotion: int = 0,
    guidance: torch.Tensor | None = None,
    text: TranscriptInputs | None = None,
    intensity: float | torch.Tensor = 1.0,
    pitch: Pitch | None = None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The model on rig frames ``[start, end)`` of 16 kHz ``wave (N,)`` for each window, in one batch:
    ``(rig (end - start, 174), I (end - start,))`` each, raw (no smoothing or clipping).

    ``guidance``, ``(label_dim,)`` or one per window ``(B, label_dim)``, replaces the label
    ``emotion``; ``intensity`` is a scale, or one per window ``(B,)``; ``text`` the whole
    transcript's inputs (each window reads the part said near it); ``pitch`` as for ``window_inputs``.
    """
    fps = model.config.fps
    phones = text.phones if text is not None and model.config.content.phones else None
    cuts = {w: window_inputs(model, wave, *w, phones, pitch) for w in dict.fromkeys(windows)}  # each once
    inputs = [cuts[w] for w in windows]
    audio, audio_mask = pad([x["audio"] for x in inputs])
    mel, mel_mask = pad([x["mel"] for x in inputs])
    pros, _ = pad([x["prosody"] for x in inputs])
    tokens, text_mask, text_spans = _window_tokens(text, windows, fps)
    if guidance is not None and guidance.dim() == 1:
        guidance = guidance[None].expand(len(windows), -1)
    if isinstance(intensity, torch.Tensor):
        intensity = intensity.reshape(-1, 1)
    # only a model with the phonetic correction takes phones (the baselines have none)
    extra = {} if phones is None else {"phones": pad([x["phones"] for x in inputs])[0]}
    out = model(
        audio, pros, mel, torch.full((len(windows),), emotion), max(e - s for s, e in windows),
        audio_mask=audio_mask, text=tokens, text_mask=text_mask, intensity_scale=intensity, mel_mask=mel_mask,
        guidance=guidance, text_spans=text_spans, **extra,
    )
    return [(out.rig[k, : e - s].numpy(), out.intensity[k, : e - s].numpy()) for k, (s, e) in enumerate(windows)]


@torch.inference_mode()
def predict(
    model: MEDTalk,
    wave: np.ndarray,
    emotion: int,
    text: TranscriptInputs | None = None,
    intensity: float = 1.0,
    window_seconds: float = WINDOW_SECONDS,
    guidance: torch.Tensor | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Raw model output at the model's fps: 16 kHz ``wave (N,)`` -> ``(rig (T, 174), I (T,))``.

    ``text``: what the model reads of the transcript (``transcript_inputs``), or None;
    ``guidance (label_dim,)`` replaces the label ``emotion``
    (``medtalk.guidance.guide.guide_vector``). No smoothing or clipping.
    """
    fps = model.config.fps
    num_frames = round(len(wave) / SAMPLE_RATE * fps)
    windows = _windows(num_frames, fps, window_seconds, OVERLAP_SECONDS)
    rig = np.zeros((num_frames, NUM_CONTROLS), dtype=np.float32)
    curve = np.zeros(num_frames, dtype=np.float32)
    overlap = round(OVERLAP_SECONDS * fps)
    for first in range(0, len(windows), WINDOW_BATCH):
        group = windows[first : first + WINDOW_BATCH]
        outputs = forward_windows(model, wave, group, emotion, guidance, text, intensity)
        for (s, e), (values, level) in zip(group, outputs):
            # fade the new window in over the part it shares with the previous one
            fade = fade_in(e - s, overlap if s > 0 else 0)
            rig[s:e] = rig[s:e] * (1 - fade[:, None]) + values * fade[:, None]
            curve[s:e] = curve[s:e] * (1 - fade) + level * fade
    return rig, curve


def _window_tokens(
    text: TranscriptInputs | None, group: list[tuple[int, int]], fps: float
) -> tuple[torch.Tensor | None, torch.Tensor | None, torch.Tensor | None]:
    """Per-window transcript tokens said near the window, their mask and spans from its start."""
    if text is None or len(text.tokens) == 0:
        return None, None, None
    pieces = [text.window(s / fps, e / fps) for s, e in group]
    tokens, text_mask = pad([p.tokens for p in pieces])
    return tokens, text_mask, pad([p.spans for p in pieces])[0]


def transcript_inputs(
    model: MEDTalk, wave: np.ndarray, transcript: str | None, tokens: np.ndarray | None = None,
    language: str | None = None,
) -> TranscriptInputs | None:
    """What ``model`` reads of a transcript of 16 kHz ``wave`` (None without one).

    ``tokens``: the transcript's features when already at hand (a feature
    cache), so MiniLM does not run again. Forced alignment places the words
    for a model trained with word timing and the phones for one with the
    phonetic correction (English only: other transcripts get no phones, and a
    ``language`` other than English skips the attempt); otherwise, and for audio
    over ``ALIGN_MAX_SECONDS``, the tokens are spread evenly.
    """
    if transcript is None or not transcript.strip():
        return None
    duration = len(wave) / SAMPLE_RATE
    words = len(transcript.split())
    if words > MAX_WORDS_PER_SECOND * duration + SPARE_WORDS:
        raise MedtalkError(f"the transcript has {words} words for {duration:.1f} s of audio; nobody says more "
                           f"than about {MAX_WORDS_PER_SECOND} words a second: is it this audio's transcript?")
    phonetic = model.config.content.phones and is_english(language)
    if duration > ALIGN_MAX_SECONDS or not (_timed(model) or phonetic):
        return _placed_inputs(model, transcript, None, duration, tokens)
    from medtalk.asr import align_words
    from medtalk.phonetics import transcript_phones

    placed = transcript_phones(wave, transcript) if phonetic else None
    if placed is None and _timed(model):
        placed = align_words(wave, transcript), None
    return _placed_inputs(model, transcript, placed, duration, tokens)


def heard_inputs(
    model: MEDTalk, wave: np.ndarray, options: WhisperOptions, hearing: Hearing | None = None
) -> tuple[TranscriptInputs | None, dict]:
    """Transcribe 16 kHz ``wave`` with Whisper and read it as a given transcript would be:
    its words in time, their phones in the language heard (``medtalk.hearing``; ``hearing``,
    one already started on ``wave``, instead of starting one).

    Returns the inputs and a record for the rig's metadata; when the transcription
    is unsure or its language has no phonemizer, no inputs (the audio-only path)
    and the reason, one line, under ``"note"``.
    """
    from medtalk.hearing import hear

    heard = hearing.result() if hearing is not None else hear(wave, options)
    if heard.placed is None:
        return None, heard.record()
    words = heard.placed[0]
    duration = len(wave) / SAMPLE_RATE
    return _placed_inputs(model, " ".join(w.text for w in words), heard.placed, duration), heard.record()


def is_english(language: str | None) -> bool:
    """Whether a language tag (``en``, ``en-US``, ``eng``) names English; None (not given) counts as English,
    whose transcripts are recognised by the aligner itself."""
    return language is None or language.replace("_", "-").split("-")[0].lower() in ("en", "eng")


def _timed(model: MEDTalk) -> bool:
    """Whether ``model`` reads when each transcript token is said (trained with word timing)."""
    return getattr(getattr(model.config, "intensity", None), "word_timing", 0.0) > 0


def _placed_inputs(
    model: MEDTalk, transcript: str, placed: tuple[list[Word], list[Phone] | None] | None, duration: float,
    tokens: np.ndarray | None = None,
) -> TranscriptInputs:
    """The inputs of ``transcript`` with its whitespace words and their phones ``placed`` in
    time (``(words, phones)``, phones None when unknown; without ``placed``, the tokens are
    spread evenly and there are no phones)."""
    from medtalk.text import default_text_encoder

    encoder = default_text_encoder()
    if tokens is None:
        tokens = encoder.tokens(transcript)
    if placed is None:
        return TranscriptInputs(tokens, spread(len(tokens), duration))
    words, phones = placed
    spans = (token_spans(encoder.token_words(transcript), [(w.start, w.end) for w in words], duration)
             if _timed(model) else spread(len(tokens), duration))
    segments = phone_segments(phones) if model.config.content.phones and phones is not None else None
    return TranscriptInputs(tokens, spans, segments)


def animate(
    audio: Path | str | np.ndarray,
    emotion: str = "neutral",
    transcript: str | None = None,
    intensity: float = 1.0,
    model: MEDTalk | None = None,
    fps: float = DEFAULT_FPS,
    describe: str | None = None,
    reference: Path | str | None = None,
    timeline: Path | str | list | dict | None = None,
    whisper: WhisperOptions | None = None,
    language: str | None = None,
    hearing: Hearing | None = None,
) -> RigSequence:
    """Animate speech: a file (any format ffmpeg reads) or 16 kHz mono samples ``(N,)``.

    The emotion is one of: ``emotion``, a label (aliases accepted) or a blend
    ``"happy:0.7,surprised:0.3"``; ``describe``, a free-text description;
    ``reference``, a face photo. ``timeline`` (a JSON file, or its parsed
    content) changes it over time; its gaps use the emotion above.
    ``transcript``, what is said, steers the intensity and, in English, places
    the phones the lips follow (``transcript_inputs``; ``language``, a tag like
    ``de``, says it is not English). Without one, ``whisper`` set
    transcribes the speech, in any language espeak-ng speaks, and uses what it
    heard the same way (``heard_inputs``; the rig's ``metadata["transcription"]``
    says what was heard, and its ``"note"`` why it was not used, if it was not);
    ``whisper`` None animates from the audio alone (``hearing``: a transcription
    of this audio already started, ``medtalk.hearing.start_hearing``, to use
    instead of starting one). ``intensity`` scales the
    predicted per-frame intensity (0 gives a neutral-strength face). Returns
    ``round(duration * fps)`` frames.
    """
    base = parse_guide(emotion, describe, reference)
    segments = _timeline(timeline)
    if not (math.isfinite(intensity) and intensity >= 0):
        raise MedtalkError(f"intensity must be a finite number >= 0, got {intensity}")
    if not (math.isfinite(fps) and fps > 0):
        raise MedtalkError(f"fps must be positive, got {fps}")
    if isinstance(audio, np.ndarray):
        wave = np.nan_to_num(np.asarray(audio, dtype=np.float32))
        if wave.ndim != 1:
            raise MedtalkError(f"expected mono 16 kHz samples (N,), got an array of shape {wave.shape}")
        source = "audio"
    else:
        wave, source = load_audio(audio), str(audio)
    duration = len(wave) / SAMPLE_RATE
    num_frames = round(duration * fps)
    model = model if model is not None else load_model()
    if num_frames < 1 or round(duration * model.config.fps) < 1:
        raise MedtalkError(f"{source}: audio too short ({1000 * duration:.2f} ms), nothing to animate")
    check_duration(segments, duration, str(timeline) if isinstance(timeline, (str, Path)) else "timeline")
    vectors = [guide_vector(model, g) for g in [s.guide for s in segments] + [base]]  # bad photos fail here
    heard = None
    if (transcript is None or not transcript.strip()) and whisper is not None:
        text, heard = heard_inputs(model, wave, whisper, hearing)
    else:
        text = transcript_inputs(model, wave, transcript, language=language)
    model_frames = round(duration * model.config.fps)
    weights = segment_weights(segments, model_frames, model.config.fps)
    values, curve = _predict_mixed(model, wave, text, intensity, weights, vectors)
    rig = RigSequence(smooth(values), model.config.fps)
    if rig.fps != fps or rig.num_frames != num_frames:
        rig = rig.resample(fps, num_frames)
    rig.metadata = {
        "emotion": str(base), "intensity_scale": intensity, "transcript": transcript,
        "source": source, "mean_intensity": round(float(curve.mean()), 4),
    }
    if heard is not None:
        rig.metadata["transcription"] = heard
    if segments:
        rig.metadata["timeline"] = [{"start": s.start, "end": s.end, "emotion": str(s.guide)} for s in segments]
    return rig


def _timeline(timeline: Path | str | list | dict | None) -> list[Segment]:
    if timeline is None:
        return []
    if isinstance(timeline, (list, dict)):
        return parse_timeline(timeline, "timeline", Path.cwd())
    return read_timeline(timeline)


def _predict_mixed(
    model: MEDTalk, wave: np.ndarray, text: TranscriptInputs | None, intensity: float,
    weights: np.ndarray, vectors: list[torch.Tensor],
) -> tuple[np.ndarray, np.ndarray]:
    """``sum_k weights[k, t] * predict(vectors[k])`` over the model's frames: ``weights (K, T)``.

    Each source runs only where its weight is non-zero (plus context), with the
    matching slice of the transcript.
    """
    fps = model.config.fps
    num_frames = weights.shape[1]
    if len(vectors) == 1:
        return predict(model, wave, 0, text, intensity, guidance=vectors[0])
    rig = np.zeros((num_frames, NUM_CONTROLS), dtype=np.float32)
    curve = np.zeros(num_frames, dtype=np.float32)
    margin = round(TIMELINE_CONTEXT_SECONDS * fps)
    for row, vector in zip(weights, vectors):
        for a, b in _runs(row > 0):
            lo, hi = max(0, a - margin), min(num_frames, b + margin)
            piece = wave[round(lo * SAMPLE_RATE / fps) : round(hi * SAMPLE_RATE / fps)]
            said = None if text is None else text.window(lo / fps, hi / fps)
            values, level = predict(model, piece, 0, said, intensity, guidance=vector)
            at = np.minimum(np.arange(a, b) - lo, len(values) - 1)  # frame counts may round apart by one
            rig[a:b] += row[a:b, None] * values[at]
            curve[a:b] += row[a:b] * level[at]
    return rig, curve


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of True in ``mask (T,)``."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))
