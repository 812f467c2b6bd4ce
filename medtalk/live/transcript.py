"""Transcript words arriving while a stream runs, as the model reads them (``infer.TranscriptInputs``).

A TTS engine or a voice agent knows the words before (or as) their audio is
played, often with each word's start and end. Words come in pieces
(``push_words``); each piece's MiniLM token features are computed once, when it
arrives. With times, a word's tokens are placed where it is said and, for a
model with the phonetic correction, its phones (espeak-ng's English
pronunciation, ``phonetics.place_phones``) are stretched over it, as forced
alignment does offline. Without times the words are placed one after another
from the newest audio on at ``SECONDS_PER_CHARACTER``, and give no phones.
"""

from __future__ import annotations

import math

import numpy as np

from medtalk.errors import MedtalkError
from medtalk.infer import TranscriptInputs
from medtalk.model.inputs import TEXT_MARGIN_SECONDS, phone_segments, shifted, token_spans
from medtalk.model.medtalk import MEDTalk
from medtalk.synth.timeline import Word

SECONDS_PER_CHARACTER = 0.07  # conversational English, spaces included (about 14 characters/s)


class LiveTranscript:
    """The words of a stream so far: token features ``(N, 384)``, their spans ``(N, 2)`` s, and phones."""

    def __init__(self, model: MEDTalk) -> None:
        self.uses_text = bool(getattr(model.config.intensity, "use_text", True))
        self.uses_phones = bool(model.config.content.phones)
        self.text_dim = int(model.config.intensity.text_dim)
        self._tokens: list[np.ndarray] = []
        self._spans: list[np.ndarray] = []
        self._phones: list[np.ndarray] = []
        self.end = 0.0  # where the last word placed ends, s

    def push_words(self, text: str, times: list[tuple[float, float]] | None = None, after: float = 0.0) -> None:
        """Add the words of ``text``; ``times`` gives each whitespace-separated word's ``(start, end)`` s,
        else they follow the last word, from ``after`` s on at the earliest."""
        if not isinstance(text, str):
            raise MedtalkError(f"words must be text, got {type(text).__name__}")
        words = text.split()
        if not words:
            return
        if times is None:
            start = max(after, self.end)
            lengths = np.array([(len(w) + 1) * SECONDS_PER_CHARACTER for w in words])
            edges = start + np.concatenate([[0.0], np.cumsum(lengths)])
            placed = list(zip(edges[:-1].tolist(), edges[1:].tolist()))
        else:
            placed = _checked_times(times, len(words))
        self.end = max(self.end, placed[-1][1])
        if not (self.uses_text or self.uses_phones):
            return
        from medtalk.text import default_text_encoder

        encoder = default_text_encoder()
        if self.uses_text:
            self._tokens.append(encoder.tokens(text))
            self._spans.append(token_spans(encoder.token_words(text), placed, self.end))
        if self.uses_phones and times is not None:
            from medtalk.phonetics import place_phones

            timed = [Word(w, i, s, e) for i, (w, (s, e)) in enumerate(zip(words, placed))]
            self._phones.append(phone_segments(place_phones(timed, [])))

    def inputs(self, start: float) -> TranscriptInputs | None:
        """What the model reads, times from ``start`` s (a window's first frame); None without words."""
        if not self._tokens and not self._phones:
            return None
        if self._tokens:
            tokens, spans = np.concatenate(self._tokens), np.concatenate(self._spans) - np.float32(start)
        else:
            tokens, spans = np.zeros((0, self.text_dim), dtype=np.float32), np.zeros((0, 2), dtype=np.float32)
        phones = shifted(np.concatenate(self._phones), start) if self._phones else None
        return TranscriptInputs(tokens, spans, phones)

    def forget(self, before: float) -> None:
        """Drop the words no window from ``before`` s on reads (bounded memory on long streams)."""
        margin = before - TEXT_MARGIN_SECONDS
        keep = [k for k, spans in enumerate(self._spans) if spans[:, 1].max() > margin]
        self._tokens = [self._tokens[k] for k in keep]
        self._spans = [self._spans[k] for k in keep]
        self._phones = [p for p in self._phones if len(p) and p[:, 2].max() > before]


def _checked_times(times: object, count: int) -> list[tuple[float, float]]:
    """``count`` word times as ``(start, end)`` pairs with ``0 <= start <= end``, or a one-line error."""
    try:
        pairs = [(float(s), float(e)) for s, e in times]  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise MedtalkError("word times must be [start, end] pairs of seconds") from None
    if len(pairs) != count:
        raise MedtalkError(f"{count} words but {len(pairs)} word times")
    for s, e in pairs:
        if not (math.isfinite(s) and math.isfinite(e) and 0 <= s <= e):
            raise MedtalkError(f"word time [{s}, {e}] is not 0 <= start <= end")
    return pairs
