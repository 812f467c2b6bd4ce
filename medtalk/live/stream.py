"""The streaming engine: 16 kHz speech in, face-board frames out, as the audio comes.

The model is the offline one (``medtalk.infer``), run on a sliding window:
every ``hop`` frames, once the audio ``lookahead`` frames past them has
arrived, the model sees ``context`` seconds before them up to the newest audio
and its prediction for those frames becomes final. The frames it predicted
further ahead are kept and crossfaded with the next window's prediction of
them (``infer.fade_in``, as the offline path joins its windows), so no seam
shows where one window hands over to the next. Final frames are smoothed with
the offline Savitzky-Golay filter (``medtalk.rig.smoothing.savgol``, two frames either side,
the edge fit at the start and at ``flush``; the two frames after the newest
final one as the window predicted them, ``smooth_ahead``) and clipped to the
controls' ranges, so a stream that sees the whole clip at once gives exactly
the offline output.

What a frame waits for is stated, not hidden (``delay_ms``): ``lookahead_ms``
of audio past it for the model or the smoothing's two frames, whichever is
longer, and at most ``hop - 1`` frames until the next window. Every window is
the same length, so the compute per pushed sample is bounded however long the
stream runs, and the output does not depend on how the audio was cut into
chunks.

The emotion (``set_emotion``: a label, a blend, a description or a photo,
through ``medtalk.guidance.guide``) and the intensity scale can change while
the stream runs: from the first frame not yet final, the old and the new
crossfade over ``timeline.CROSSFADE_SECONDS``. Transcript words can arrive
ahead of the audio, with or without times (``push_words``; ``LiveTranscript``).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch

from medtalk.audio import SAMPLE_RATE
from medtalk.errors import MedtalkError
from medtalk.guidance.guide import Guide, guide_vector, parse_guide
from medtalk.guidance.timeline import CROSSFADE_SECONDS
from medtalk.infer import (
    STREAM_CONTEXT_SECONDS,
    STREAM_HOP_FRAMES,
    WINDOW_SECONDS,
    fade_in,
    forward_windows,
    load_model,
)
from medtalk.live.pitch import PitchCache, grid_frames
from medtalk.live.transcript import LiveTranscript
from medtalk.model.intensity import unit
from medtalk.model.medtalk import MEDTalk
from medtalk.rig import NUM_CONTROLS, clip_to_range
from medtalk.rig.smoothing import SAVGOL_WINDOW, savgol

DEFAULT_LOOKAHEAD_MS = 2000 / 60  # audio the model sees past a frame before the frame is final: two frames
DEFAULT_HOP_FRAMES = STREAM_HOP_FRAMES  # frames made final per model window
DEFAULT_CONTEXT_SECONDS = STREAM_CONTEXT_SECONDS  # audio before those frames that the window also sees
MAX_LOOKAHEAD_MS = 5000.0  # bounds the window (and the compute per window)
CATCH_UP_FRAMES = 15  # with ``catch_up``, the most frames one window makes final (a quarter of a second)
SMOOTHING_FRAMES = SAVGOL_WINDOW // 2  # final frames a smoothed frame waits for


class Stream:
    """Speech in, face-board frames out, in real time: ``push(samples) -> (n, 174)``, ``flush()``.

    ``emotion`` (a label or blend such as ``"happy:0.7,surprised:0.3"``), or
    ``describe`` or ``reference`` (a description or a face photo), sets the
    emotion; ``transcript`` is the text when known from the start (spread over
    the audio at a speaking rate until times come with ``push_words``).
    ``lookahead_ms`` trades delay for quality; ``hop_frames`` trades delay for
    compute (a model window per ``hop_frames`` frames); ``context_seconds`` is
    the audio before the frames being made final that each window sees (a frame
    or two more, so that windows start on the feature grid and share their pitch:
    ``medtalk.live.pitch``).
    ``smooth_ahead``: the smoothing reads the window's own prediction of the two
    frames after the newest final one instead of waiting for them to be final, so
    a frame comes out ``min(look-ahead, 2)`` frames sooner (the look-ahead covers
    the smoothing's wait); the lips are as good (docs/LIVE.md).
    ``catch_up``: when more than a hop of frames is ready at once (a machine
    too busy to keep up, or audio pushed faster than real time), one window
    makes them all final (up to ``CATCH_UP_FRAMES``) instead of one window per
    hop, so a busy stream needs fewer windows instead of falling behind; the
    output then depends on how the audio arrived.
    Frames come at the model's rate (``fps``, 60); a stream that received
    ``N`` samples gives ``round(N / 16000 * fps)`` frames in all.
    """

    def __init__(
        self,
        emotion: str | Guide | None = "neutral",
        model: MEDTalk | None = None,
        transcript: str | None = None,
        lookahead_ms: float = DEFAULT_LOOKAHEAD_MS,
        intensity: float = 1.0,
        describe: str | None = None,
        reference: Path | str | None = None,
        hop_frames: int = DEFAULT_HOP_FRAMES,
        context_seconds: float = DEFAULT_CONTEXT_SECONDS,
        catch_up: bool = False,
        smooth_ahead: bool = True,
    ) -> None:
        if not (math.isfinite(lookahead_ms) and 0 <= lookahead_ms <= MAX_LOOKAHEAD_MS):
            raise MedtalkError(f"the look-ahead must be 0-{MAX_LOOKAHEAD_MS:g} ms, got {lookahead_ms}")
        if not (isinstance(hop_frames, int) and hop_frames >= 1):
            raise MedtalkError(f"hop_frames must be a whole number >= 1, got {hop_frames}")
        if not (math.isfinite(context_seconds) and 0 <= context_seconds <= WINDOW_SECONDS):
            raise MedtalkError(f"the context must be 0-{WINDOW_SECONDS:g} s, got {context_seconds}")
        self.model = model if model is not None else load_model()
        self.fps = float(self.model.config.fps)
        self.lookahead = round(lookahead_ms / 1000 * self.fps)  # frames
        self.hop = hop_frames
        self.most = max(hop_frames, CATCH_UP_FRAMES) if catch_up else hop_frames  # frames one window makes final
        self.smooth_ahead = smooth_ahead
        self.context = round(context_seconds * self.fps)
        self._grid = grid_frames(self.fps)  # windows start on the feature grid, so their pitch is cached
        self._pitch = PitchCache()
        self.fade = max(1, round(CROSSFADE_SECONDS * self.fps))
        self.transcript = LiveTranscript(self.model)
        if transcript is not None and transcript.strip():
            self.transcript.push_words(transcript, after=0.0)
        self._direction = (self._vector(emotion, describe, reference), _scale(intensity))
        self._previous: tuple[torch.Tensor, float] | None = None  # the direction being faded out
        self._change = 0  # frame where the fade from ``_previous`` starts
        self._audio = np.zeros(0, dtype=np.float32)
        self._audio_start = 0  # absolute index of ``_audio[0]``
        self.samples_in = 0
        self._final = 0  # raw frames made final
        self._pending = np.zeros((0, NUM_CONTROLS), dtype=np.float32)  # predictions of frames after them
        self._raw = np.zeros((0, NUM_CONTROLS))  # final raw frames the smoothing still needs
        self._raw_start = 0  # absolute index of ``_raw[0]``
        self.frames_out = 0
        self._flushed = False

    @property
    def intensity(self) -> float:
        """The intensity scale now (the one being faded in during a change)."""
        return self._direction[1]

    @property
    def delay_frames(self) -> int:
        """Frames of audio past a frame before it can come out, at most: look-ahead, smoothing, hop
        (with ``smooth_ahead`` the look-ahead covers as much of the smoothing's)."""
        wait = max(self.lookahead, SMOOTHING_FRAMES) if self.smooth_ahead else self.lookahead + SMOOTHING_FRAMES
        return wait + self.hop - 1

    @property
    def delay_ms(self) -> float:
        """``delay_frames`` in ms (the model's compute comes on top)."""
        return 1000 * self.delay_frames / self.fps

    def set_emotion(self, emotion: str | Guide | None = None, describe: str | None = None,
                    reference: Path | str | None = None, intensity: float | None = None) -> None:
        """Change the emotion and/or the intensity scale; they crossfade from the first frame not yet final."""
        vector, scale = self._direction
        if emotion is not None or describe is not None or reference is not None:
            vector = self._vector(emotion, describe, reference)
        if intensity is not None:
            scale = _scale(intensity)
        if self._final == 0 and not len(self._pending):  # nothing predicted yet: nothing to fade from
            self._direction = (vector, scale)
            return
        if self._previous is not None:
            # a change during a fade starts from where that fade is: the blend of the two directions
            w = float(self._weights(self._final, self._final + 1)[0])
            old_vector, old_scale = self._previous
            now_vector, now_scale = self._direction
            self._previous = ((1 - w) * unit(old_vector) + w * unit(now_vector), (1 - w) * old_scale + w * now_scale)
        else:
            self._previous = self._direction
        self._direction = (vector, scale)
        self._change = self._final

    def push_words(self, text: str, times: list[tuple[float, float]] | None = None) -> None:
        """Transcript words, ahead of their audio or with it: ``times`` are each whitespace-separated
        word's start and end in seconds from the stream's start (a TTS engine's word boundaries);
        without them the words are placed from the newest audio on at a speaking rate."""
        self.transcript.push_words(text, times, after=self.samples_in / SAMPLE_RATE)

    def push(self, samples: np.ndarray) -> np.ndarray:
        """Take 16 kHz mono float32 samples (any number); return the frames made final, ``(n, 174)``."""
        if self._flushed:
            raise MedtalkError("the stream was flushed; start a new one")
        samples = np.asarray(samples)
        if samples.ndim != 1:
            raise MedtalkError(f"expected mono samples (N,), got an array of shape {samples.shape}")
        if not (np.issubdtype(samples.dtype, np.floating) or np.issubdtype(samples.dtype, np.integer)):
            raise MedtalkError(f"expected float32 samples, got {samples.dtype}")
        samples = np.nan_to_num(samples.astype(np.float32, copy=False), nan=0.0, posinf=0.0, neginf=0.0)
        self._audio = np.concatenate([self._audio, samples])
        self.samples_in += len(samples)
        out = []
        while (ready := self._arrived() - self.lookahead) >= self._final + self.hop:
            target = min(ready, self._final + self.most)
            out.append(self._step(target, target + self.lookahead))
        return self._frames(out)

    def flush(self) -> np.ndarray:
        """The remaining frames, once the audio has ended: ``(n, 174)``; the stream is then done."""
        if self._flushed:
            return np.zeros((0, NUM_CONTROLS), dtype=np.float32)
        self._flushed = True
        total = round(self.samples_in / SAMPLE_RATE * self.fps)
        out = [self._step(total, total, last=True)] if total > self._final else []
        if total <= self._final:  # nothing left to predict; the smoothing's last frames remain
            out.append(self._smooth(np.zeros((0, NUM_CONTROLS)), last=True))
        return self._frames(out)

    # -- internals ---------------------------------------------------------------------------

    def _vector(self, emotion: str | Guide | None, describe: str | None, reference: Path | str | None) -> torch.Tensor:
        guide = emotion if isinstance(emotion, Guide) else parse_guide(emotion, describe, reference)
        return guide_vector(self.model, guide)

    def _arrived(self) -> int:
        """The last frame whose audio has all arrived, plus one (frame ``t`` needs samples up to
        ``round(t * 16000 / fps)``, as ``infer.window_inputs`` cuts them)."""
        frame = math.floor(self.samples_in * self.fps / SAMPLE_RATE)
        while frame > 0 and round(frame * SAMPLE_RATE / self.fps) > self.samples_in:
            frame -= 1
        return frame

    def _weights(self, start: int, end: int) -> np.ndarray:
        """Weight of the current direction (against the one fading out) on frames ``[start, end)``."""
        t = np.arange(start, end, dtype=np.float32)
        return np.clip((t - self._change + 0.5) / self.fade, 0.0, 1.0)

    def _step(self, target: int, end: int, last: bool = False) -> np.ndarray:
        """Run the model on frames ``[final - context, end)`` and make ``[final, target)`` final."""
        start = self._window_start()
        at = round(start * SAMPLE_RATE / self.fps)
        stop = len(self._audio) if last else round(end * SAMPLE_RATE / self.fps) - self._audio_start
        wave, window = self._audio[at - self._audio_start : stop], [(0, end - start)]
        pitch = (lambda samples: self._pitch.window(samples, at)) if self._grid else None
        weights = self._weights(self._final, end)
        vector, scale = self._direction
        text = self.transcript.inputs(start / self.fps)
        if self._previous is not None and weights.min() < 1:
            old_vector, old_scale = self._previous
            (old, _), (new, _) = forward_windows(
                self.model, wave, window * 2, guidance=torch.stack([old_vector, vector]), text=text,
                intensity=torch.tensor([old_scale, scale]), pitch=pitch,
            )
            old, new = old[self._final - start : end - start], new[self._final - start : end - start]
            tail = old * (1 - weights[:, None]) + new * weights[:, None]
        else:
            self._previous = None
            ((values, _),) = forward_windows(self.model, wave, window, guidance=vector, text=text, intensity=scale,
                                             pitch=pitch)
            tail = values[self._final - start : end - start]
        # fade this window in over the frames the previous one already predicted
        n = len(self._pending)
        fade = fade_in(len(tail), n)[:n, None]
        tail[:n] = self._pending * (1 - fade) + tail[:n] * fade
        done = target - self._final
        self._pending = tail[done:]
        self._final = target
        self._trim_audio()
        return self._smooth(tail[:done], last)

    def _smooth(self, raw: np.ndarray, last: bool = False) -> np.ndarray:
        """Savitzky-Golay and clipping of the final raw frames as they come (``medtalk.rig.smoothing.savgol``)."""
        self._raw = np.concatenate([self._raw, raw])
        first = self._raw_start == 0
        start = self.frames_out - self._raw_start
        # the frames after the newest final one: as the window predicted them, or waited for
        ahead = self._pending[:SMOOTHING_FRAMES] if self.smooth_ahead and not last else self._pending[:0]
        values = np.concatenate([self._raw, ahead])
        stop = len(self._raw) if last else min(len(self._raw), len(values) - SMOOTHING_FRAMES)
        if stop <= start or (first and not last and len(values) < SAVGOL_WINDOW):
            return np.zeros((0, NUM_CONTROLS), dtype=np.float32)
        out = clip_to_range(savgol(values, start, stop, first=first, last=last)).astype(np.float32)
        self.frames_out += len(out)
        keep = max(0, len(self._raw) - SAVGOL_WINDOW)  # the edge fit at the end reads the last window
        self._raw, self._raw_start = self._raw[keep:], self._raw_start + keep
        return out

    def _window_start(self) -> int:
        """The first frame the next window reads: ``context`` before the first frame not yet final,
        or a frame or two more, to start on the feature grid."""
        start = max(0, self._final - self.context)
        return start // self._grid * self._grid if self._grid else start

    def _trim_audio(self) -> None:
        """Drop the audio no window will read again."""
        start = round(self._window_start() * SAMPLE_RATE / self.fps)
        if start > self._audio_start:
            self._audio = self._audio[start - self._audio_start :]
            self._audio_start = start
        self.transcript.forget(start / SAMPLE_RATE)

    @staticmethod
    def _frames(parts: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(parts) if parts else np.zeros((0, NUM_CONTROLS), dtype=np.float32)


def _scale(intensity: float) -> float:
    if not (isinstance(intensity, (int, float)) and math.isfinite(intensity) and intensity >= 0):
        raise MedtalkError(f"intensity must be a finite number >= 0, got {intensity}")
    return float(intensity)
