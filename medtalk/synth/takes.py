"""Does a take say what its metadata says? Checks on synthesised speech before it is written.

libespeak-ng 1.51 sometimes drops a whole stretch of text when SSML prosody
changes from word to word (``"Nobody knew that the old pool would be empty by
noon."`` with emotional prosody comes out as "...empty by noon", 0.54 s),
while its word events still list every word: a take that trusted them would
teach the model lips for words nobody said. ``take_problem`` finds such takes
from the timeline alone:

- **lost words**: a word with letters and no phone. espeak-ng also folds short
  function words into the word before ("there was", "of the"): a phoneless
  word of at most ``MERGED_LETTERS`` letters between spoken words is such a
  merge (its sound is there), anything else is a loss;
- **implausible speed**: more than ``MAX_LETTERS_PER_SECOND`` letters (or
  characters) per second of speech. Corpus takes reach 27 at the 99th
  percentile across the dataset's languages; the truncated take above is 105.
"""

from __future__ import annotations

from medtalk.synth.timeline import Utterance, words_without_phones

MERGED_LETTERS = 3
MAX_LETTERS_PER_SECOND = 45.0


def _spoken(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def take_problem(utterance: Utterance) -> str | None:
    """What is wrong with ``utterance`` against its words (one line), or None if it says them all."""
    phones = [p for p in utterance.phones if not p.symbol.startswith("(")]  # "(en)": a language switch mark
    silent = {w.index for w in words_without_phones(utterance.words, phones) if _spoken(w.text)}
    lost = [w.text for w in utterance.words
            if w.index in silent and (_spoken(w.text) > MERGED_LETTERS or w.index == 0
                                      or w.index - 1 in silent or w.index + 1 in silent)]
    if lost:
        return f"{len(lost)} word(s) have no sound ({' '.join(lost[:4])}{' ...' if len(lost) > 4 else ''})"
    letters = sum(_spoken(w.text) for w in utterance.words)
    seconds = phones[-1].end - phones[0].start if phones else 0.0
    if letters > MAX_LETTERS_PER_SECOND * seconds:
        return f"{letters} letters in {seconds:.2f} s of speech is too fast to be all of them"
    return None
