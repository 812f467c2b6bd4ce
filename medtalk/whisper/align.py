"""Word times for one window's segments: Whisper's cross-attention alignment, then openai/whisper's clean-up.

CTranslate2's ``align`` runs the decoder over the window's text once more
(from the same encoder output) and finds, by dynamic time warping over the
alignment heads' attention (median-filtered), the encoder frame (20 ms) where
each token starts. A word runs from its first token's frame to the next
word's, with the mean probability of its tokens. Then, as openai/whisper and
faster-whisper do:

- a word longer than twice the median word (at most 0.7 s) at a sentence end
  is cut to that length, and so is the first word after a long pause;
- punctuation joins its word (opening marks the next, closing marks the one before);
- a segment's first and last words keep within half a second of its time tokens.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from medtalk.whisper.decode import Segment
from medtalk.whisper.mel import FRAME_RATE, MEL_RATE
from medtalk.whisper.models import Whisper

MEDIAN_FILTER_WIDTH = 7  # encoder frames, over the attention weights before the time warping
MAX_MEDIAN_WORD = 0.7  # s
SENTENCE_ENDS = ".。!！?？"
PREPENDED = "\"'“¿([{-"
APPENDED = "\"'.。,，!！?？:：”)]}、"
SEGMENT_SLACK = 0.5  # s a first or last word may reach beyond its segment's time token


@dataclass
class TimedWord:
    """A word as heard: ``text`` with Whisper's leading space, its ``tokens``, ``start``/``end``
    in s and the mean ``probability`` of its own tokens (punctuation merged into it not counted)."""

    text: str
    tokens: list[int]
    start: float
    end: float
    probability: float


def _aligned(whisper: Whisper, encoded, language: str, tokens: list[int], frames: int) -> list[TimedWord]:
    """``tokens`` (text only) grouped into words, with times in s from the window's start."""
    words = whisper.vocabulary.words(tokens, language)
    if not words:
        return []
    result = whisper.runtime.align(encoded, whisper.vocabulary.start(language), [tokens], frames,
                                   median_filter_width=MEDIAN_FILTER_WIDTH)[0]
    text_index, time_index = np.array(result.alignments).T
    # the path's first frame on each token (and on the end of text after the last)
    starts = time_index[np.diff(text_index, prepend=text_index[0] - 1) != 0] / FRAME_RATE
    bounds = np.cumsum([0] + [len(ids) for _, ids in words])
    probabilities = result.text_token_probs
    return [TimedWord(text, ids, starts[a], starts[b], float(np.mean(probabilities[a:b])))
            for (text, ids), a, b in zip(words, bounds[:-1], bounds[1:])]


def _cut_at_sentence_ends(words: list[TimedWord], longest: float) -> None:
    for before, word in zip(words, words[1:]):
        if word.end - word.start > longest:
            if word.text in SENTENCE_ENDS:
                word.end = word.start + longest
            elif before.text in SENTENCE_ENDS:
                word.start = word.end - longest


def merge_punctuation(words: list[TimedWord]) -> None:
    """Join opening marks to the word after them and closing marks to the word before, in place;
    a mark joined leaves an empty word behind. (The ``in`` tests are substring tests, as in
    openai/whisper: a blank word counts as a mark.)"""
    following = len(words) - 1
    for i in range(len(words) - 2, -1, -1):
        mark, word = words[i], words[following]
        if mark.text.startswith(" ") and mark.text.strip() in PREPENDED:
            word.text, word.tokens = mark.text + word.text, mark.tokens + word.tokens
            mark.text, mark.tokens = "", []
        else:
            following = i
    previous = 0
    for j in range(1, len(words)):
        word, mark = words[previous], words[j]
        if not word.text.endswith(" ") and mark.text in APPENDED:
            word.text, word.tokens = word.text + mark.text, word.tokens + mark.tokens
            mark.text, mark.tokens = "", []
        else:
            previous = j


def _fit(segment: Segment, words: list[TimedWord], median: float, longest: float, last_speech: float) -> None:
    """Keep a segment's first and last words within reach of its times, and the segment's times
    on its words otherwise (in place)."""
    first, last = words[0], words[-1]
    after_pause = first.end - last_speech > 4 * median
    if after_pause and (first.end - first.start > longest
                        or (len(words) > 1 and words[1].end - first.start > 2 * longest)):
        if len(words) > 1 and words[1].end - words[1].start > longest:
            first.end = words[1].start = max(words[1].end / 2, words[1].end - longest)
        first.start = max(0, first.end - longest)
    if segment.start < first.end and segment.start - SEGMENT_SLACK > first.start:
        first.start = max(0, min(first.end - median, segment.start))
    else:
        segment.start = first.start
    if segment.end > last.start and segment.end + SEGMENT_SLACK < last.end:
        last.end = max(last.start + median, segment.end)
    else:
        segment.end = last.end


def add_word_times(whisper: Whisper, encoded, language: str, found: list[Segment], seek: int, frames: int,
                   last_speech: float) -> None:
    """Give each of one window's segments its words (``TimedWord``, times in s from the audio's
    start, rounded to 10 ms), in place. ``encoded`` is the window's encoder output, ``seek`` its
    first log-mel frame, ``frames`` the frames of audio in it, ``last_speech`` where the speech
    before it ended (s)."""
    texts = [[t for t in s.tokens if t < whisper.vocabulary.eot] for s in found]
    words = _aligned(whisper, encoded, language, [t for text in texts for t in text], frames)
    durations = [w.end - w.start for w in words if w.end != w.start]
    median = min(MAX_MEDIAN_WORD, float(np.median(durations))) if durations else 0.0
    longest = 2 * median
    if durations:
        _cut_at_sentence_ends(words, longest)
    merge_punctuation(words)
    offset = seek / MEL_RATE
    taken = 0
    for segment, text in zip(found, texts):
        count = 0
        while taken < len(words) and count < len(text):
            word = words[taken]
            if word.text:
                segment.words.append(TimedWord(word.text, word.tokens, round(offset + word.start, 2),
                                               round(offset + word.end, 2), word.probability))
            count += len(word.tokens)
            taken += 1
        if segment.words:
            _fit(segment, segment.words, median, longest, last_speech)
            last_speech = segment.end


def speech_end(found: list[Segment]) -> float:
    """Where the speech of a window's segments ends: its last word's end, else its last segment's."""
    return next((w.end for s in reversed(found) for w in reversed(s.words)), found[-1].end)
