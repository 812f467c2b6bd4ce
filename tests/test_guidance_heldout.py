"""The held-out descriptions: ten per emotion, in words the training generator never writes."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from medtalk.emotions import ALIASES, EMOTIONS
from medtalk.guidance.describe import generator_vocabulary

HELDOUT = Path(__file__).resolve().parents[1] / "docs" / "guidance" / "heldout_descriptions.txt"

# Function words only: articles, pronouns, prepositions and particles, conjunctions, auxiliaries.
STOPWORDS = frozenset("""
a an the i me my you your he him his she her it its we our they them their who whom whose which what
that this these those someone something somebody anyone nobody no not
about above across after against along around at before behind below beneath beside between beyond
by down during for from in inside into near of off on onto out over past through to toward towards
under up upon with within without
and but or nor so yet as if than though while because
is are was were be been being am has have had do does did will would can could may might shall should must
s t
""".split())
_SUFFIXES = ("ingly", "edly", "ing", "ed", "ly", "es", "s")


def stem(word: str) -> str:
    """A crude stem, so that "glared" and "glaring" count as the same word as "glare"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)].rstrip("e")
    return word.rstrip("e") if len(word) > 3 else word


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in STOPWORDS}


def heldout() -> list[tuple[str, str]]:
    rows = []
    for number, line in enumerate(HELDOUT.read_text(encoding="utf-8").splitlines(), 1):
        emotion, sep, text = line.partition("\t")
        assert sep and text.strip(), f"line {number}: expected emotion<TAB>description"
        rows.append((emotion, text))
    return rows


def test_ten_per_emotion() -> None:
    rows = heldout()
    assert len(rows) >= 70
    counts = Counter(emotion for emotion, _ in rows)
    assert set(counts) == set(EMOTIONS)
    assert min(counts.values()) >= 10
    assert len({text for _, text in rows}) == len(rows)


def test_no_label_names_or_aliases() -> None:
    labels = {stem(w) for w in (*EMOTIONS, *ALIASES)}
    for _, text in heldout():
        words = re.findall(r"[a-z]+", text.lower())
        assert not {stem(w) for w in words} & labels, text


def test_vocabulary_disjoint_from_the_generator() -> None:
    generated = {stem(w) for w in generator_vocabulary() if w not in STOPWORDS}
    clashes = {text: sorted(w for w in content_words(text) if stem(w) in generated) for _, text in heldout()}
    assert not {t: c for t, c in clashes.items() if c}


def test_the_vocabulary_check_catches_generator_words() -> None:
    generated = {stem(w) for w in generator_vocabulary()}
    assert stem("frowning") in generated and stem("smiles") in generated and stem("glowering") not in generated


@pytest.mark.parametrize("name, per_emotion", [("dev_descriptions.txt", 5), ("dev2_descriptions.txt", 10)])
def test_development_lines_are_apart_from_the_held_out_ones(name: str, per_emotion: int) -> None:
    """Training settings are chosen on these (docs/GUIDANCE.md), so none may be a held-out line."""
    dev = [line.split("\t") for line in (HELDOUT.parent / name).read_text().splitlines()]
    assert Counter(emotion for emotion, _ in dev) == {e: per_emotion for e in EMOTIONS}
    held = {text.lower() for _, text in heldout()}
    assert not [text for _, text in dev if text.lower() in held]
