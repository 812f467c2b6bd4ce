"""The sentence corpus: deterministic, unique, varied, phonetically rich; voices and their split."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from medtalk.errors import MedtalkError
from medtalk.synth.corpus import (
    LANGUAGES, LOADED, VOICES, english_sentences, loaded_words, pseudo_text, split_voices,
)
from medtalk.synth.lexicon import EMOTION_WORDS
from medtalk.synth.speech import resolve_voice, synthesize


def test_english_sentences_deterministic_unique_and_prefix_stable():
    a = english_sentences(500, seed=3)
    assert a == english_sentences(500, seed=3)
    assert len(set(a)) == 500
    assert english_sentences(100, seed=3) == a[:100]
    assert english_sentences(100, seed=4) != a[:100]
    assert all(4 <= len(s.split()) <= 20 for s in a)
    assert len({len(s.split()) for s in a}) >= 8  # varied lengths


def test_emotional_mix():
    sentences = english_sentences(1000, seed=0)
    kinds = Counter(len({e for _, e in loaded_words(s)}) for s in sentences)
    assert set(kinds) == {0, 1, 2}
    assert 0.18 < kinds[0] / len(sentences) < 0.32  # NEUTRAL_FRACTION
    assert 0.4 < kinds[2] / (kinds[1] + kinds[2]) < 0.6  # MIXED_FRACTION
    per_emotion = Counter()
    for s in sentences:
        found = loaded_words(s)
        for emotion in {e for _, e in found}:
            assert 1 <= sum(e == emotion for _, e in found) <= 3, s
            per_emotion[emotion] += 1
    assert set(per_emotion) == set(EMOTION_WORDS)
    assert min(per_emotion.values()) > 0.5 * max(per_emotion.values())
    assert all(any(LOADED[e].values()) for e in EMOTION_WORDS)


def test_mixed_texts_are_sentences_of_one_emotion_each():
    mixed = [t for t in english_sentences(200, seed=5) if len({e for _, e in loaded_words(t)}) == 2]
    assert len(mixed) > 40
    for text in mixed:
        pieces = re.split(r"(?<=[.!?]) ", text)
        assert len(pieces) >= 2, text
        assert all(len({e for _, e in loaded_words(p)}) <= 1 for p in pieces), text  # never mixed within one


def test_phonetic_coverage_in_real_espeak_phonemes():
    symbols = Counter()
    for sentence in english_sentences(25, seed=11):
        symbols.update(p.symbol for p in synthesize(sentence.split()).phones)
    classes = {
        "bilabial": {"p", "b", "m"},
        "labiodental": {"f", "v"},
        "dental": {"T", "D"},
        "alveolar": {"t", "d", "n", "l", "s", "z"},
        "velar": {"k", "g", "N"},
        "rounded vowel": {"u:", "oU", "O:", "U"},
        "spread vowel": {"i:", "I", "eI"},
    }
    for name, wanted in classes.items():
        assert len(wanted & set(symbols)) >= len(wanted) - 1, f"{name}: {wanted - set(symbols)} missing"


@pytest.mark.parametrize("language", sorted(set(LANGUAGES) - {"en"}))
def test_pseudo_text_speaks_in_every_language(language):
    texts = pseudo_text(language, 20, seed=1)
    assert texts == pseudo_text(language, 20, seed=1)
    assert len(set(texts)) == 20 and texts[:5] == pseudo_text(language, 5, seed=1)
    assert all(4 <= len(t.split()) <= 12 for t in texts)
    utt = synthesize(texts[0].split(), LANGUAGES[language])
    assert len(utt.phones) >= 2 * len(texts[0].split())


def test_pseudo_text_rejects_unknown_language():
    with pytest.raises(MedtalkError, match="pseudo-text"):
        pseudo_text("xx", 3, seed=0)


def test_voices_are_many_distinct_and_real():
    english = VOICES["en"]
    assert len(set(english)) == len(english) >= 24
    for voices in VOICES.values():
        for voice in voices:
            assert resolve_voice(voice) == voice
    assert set(VOICES) == set(LANGUAGES)


def test_voice_split_disjoint_covering_and_deterministic():
    pools = split_voices(VOICES["en"], seed=5)
    assert set(pools) == {"train", "val", "test"}
    everything = [v for pool in pools.values() for v in pool]
    assert sorted(everything) == sorted(VOICES["en"])  # disjoint and covering
    assert len(pools["train"]) > len(pools["test"]) >= 1 and len(pools["val"]) >= 1
    assert split_voices(list(reversed(VOICES["en"])), seed=5) == pools
    assert split_voices(VOICES["en"], seed=6) != pools
    assert all(len(pool) >= 1 for pool in split_voices(VOICES["de"][:3], seed=0).values())
    with pytest.raises(MedtalkError):
        split_voices(VOICES["de"][:2], seed=0)
