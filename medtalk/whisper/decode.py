"""One 30 s window: greedy decoding of its encoder output, and its segments from the time tokens.

Whisper writes a window's text between time tokens: ``<|0.00|> And so my
fellow Americans, <|2.40|><|2.40|> ask not ... <|7.00|>``. Two times in a row
close one segment and open the next. A window whose text ends on a single
time is complete (the rest is silence); otherwise its last segment was cut by
the window's end, so it is dropped and the next window starts where the last
complete segment ended: a word at a window border is heard whole, once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from medtalk.whisper.mel import MEL_RATE
from medtalk.whisper.models import Whisper
from medtalk.whisper.tokens import SECONDS_PER_TIMESTAMP, Vocabulary

if TYPE_CHECKING:
    from medtalk.whisper.align import TimedWord

MAX_TOKENS = 448  # Whisper's text context: prompt and text together
MAX_INITIAL_TIMESTAMP = 1.0  # s: the first segment starts within the window's first second
MEL_PER_TIMESTAMP = round(SECONDS_PER_TIMESTAMP * MEL_RATE)


@dataclass
class Segment:
    """Text between two time tokens: ``start``/``end`` in s from the audio's start, its
    ``tokens`` (text and times), and its ``words`` once aligned (``medtalk.whisper.align``)."""

    start: float
    end: float
    tokens: list[int]
    words: list[TimedWord] = field(default_factory=list)


@dataclass(frozen=True)
class Decoded:
    """A window's greedy decoding: its ``tokens`` (text and times, no prompt), their mean log
    probability (the end of text counted) and the probability that the window holds no speech."""

    tokens: list[int]
    avg_logprob: float
    no_speech_prob: float


def decode(whisper: Whisper, encoded, language: str) -> Decoded:
    """Greedy decoding at temperature 0 of one window's encoder output ``(1, 1500, dim)``.

    ``suppress_tokens=[-1]`` is the model's own list (its ``config.json``):
    speaker tags, music notes, brackets and the task tokens, as Whisper suppresses them.
    """
    prompt = whisper.vocabulary.start(language)
    result = whisper.runtime.generate(
        encoded, [prompt], beam_size=1, max_length=MAX_TOKENS, return_scores=True, return_no_speech_prob=True,
        suppress_blank=True, suppress_tokens=[-1],
        max_initial_timestamp_index=round(MAX_INITIAL_TIMESTAMP / SECONDS_PER_TIMESTAMP),
    )[0]
    tokens = result.sequences_ids[0]
    # the score is the sum of log probabilities over the tokens and the end of text, divided by
    # the number of tokens (length penalty 1); Whisper's threshold is on the mean over both
    avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
    return Decoded(tokens, avg_logprob, result.no_speech_prob)


def segments(tokens: list[int], vocabulary: Vocabulary, seek: int, frames: int) -> tuple[list[Segment], int, bool]:
    """Split a window's ``tokens`` at its time tokens.

    ``seek`` is the window's first log-mel frame and ``frames`` the frames of
    audio in it. Returns the segments, the frame where the next window starts,
    and whether the window ended complete (a single time last).
    """
    begin = vocabulary.timestamp_begin
    offset = seek / MEL_RATE
    is_time = [t >= begin for t in tokens]
    complete = len(tokens) >= 2 and not is_time[-2] and is_time[-1]
    cuts = [i for i in range(1, len(tokens)) if is_time[i] and is_time[i - 1]]
    if not cuts:  # one segment: to its last time, or to the window's end
        times = [t - begin for t in tokens if t >= begin]
        duration = times[-1] * SECONDS_PER_TIMESTAMP if times and times[-1] > 0 else frames / MEL_RATE
        return [Segment(offset, offset + duration, tokens)], seek + frames, complete
    if complete:
        cuts.append(len(tokens))
    bounds = [0, *cuts]
    found = [Segment(offset + (tokens[a] - begin) * SECONDS_PER_TIMESTAMP,
                     offset + (tokens[b - 1] - begin) * SECONDS_PER_TIMESTAMP, tokens[a:b])
             for a, b in zip(bounds, bounds[1:])]
    if complete:
        return found, seek + frames, True
    # the tokens after the last pair of times were cut by the window's end: heard again next window
    return found, seek + (tokens[cuts[-1] - 1] - begin) * MEL_PER_TIMESTAMP, False
