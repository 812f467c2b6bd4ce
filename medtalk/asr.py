"""Offline English speech recognition and forced alignment with pocketsphinx.

Used when the user gives no transcript (the paper used Whisper): pocketsphinx
5 ships its US-English acoustic model, language model and CMU dictionary, so
nothing is downloaded. Its accuracy on clean read speech is modest (about
three words in four on ``jfk.flac``); a given transcript is always better.

``align`` places a known transcript on the audio (word and phone times), for
the phonetic correction of the lips (``medtalk.phonetics``), transcript-driven
baselines and lining text tokens up with frames.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import numpy as np

from medtalk.audio import SAMPLE_RATE
from medtalk.errors import MedtalkError
from medtalk.resample import resample_poly
from medtalk.synth.timeline import Phone, Word

# Audio quieter than this peak level holds no speech: skip the decoder, whose
# language model would otherwise hallucinate words into silence or hiss.
SILENCE_PEAK = 10 ** (-50 / 20)  # -50 dBFS
MIN_SPEECH_S = 0.1  # shorter input cannot hold a word
# Runs of zero samples at least this long are digital silence and get dithered (shorter
# ones are left alone: dithering jfk.flac's 45 ms lead cost pocketsphinx the phones of "my").
DIGITAL_SILENCE_S = 0.1
# Long recordings are decoded in pieces of at most this length, cut at the
# quietest 10 ms within the last CUT_SEARCH_S seconds of each piece, so the
# decoder's memory stays bounded and cuts fall in pauses.
MAX_SEGMENT_S = 30.0
CUT_SEARCH_S = 5.0
CUT_FRAME_S = 0.01
# the phone decoder's language-model weight (``recognise_phones``): at the default (6.5) the
# phone trigram drowns the acoustics and espeak-ng's "my mother made lemon jam" comes out as 4 phones
PHONE_LM_WEIGHT = 2.0
# the aligner's search (``_aligner``)
ALIGN_SEARCH = {"beam": 1e-200, "wbeam": 1e-150, "pbeam": 1e-200, "fwdflat": False, "bestpath": False}
# ``align(strict=True)`` takes a transcript as English when this share of its words is in the dictionary
ENGLISH_KNOWN = 0.8
_FILLER = re.compile(r"^(<.*>|\[.*\]|\+\+.*\+\+|\(NULL\))$")  # <s>, <sil>, [NOISE], ++garbage++
_ALTERNATE = re.compile(r"\(\d+\)$")  # pronunciation variants: "for(2)"


@functools.cache
def _recogniser():
    """The bundled en-us acoustic model, trigram language model and dictionary."""
    from pocketsphinx import Decoder

    return Decoder(samprate=SAMPLE_RATE, loglevel="FATAL")


def _aligner():
    """The same acoustic model and dictionary without a language model, for alignment.

    A fresh decoder per alignment: pocketsphinx 5.0 crashes (segfault) when a
    decoder that ran a phone-level pass aligns again. Alignment searches one
    sentence's graph, so the beams are far wider than for recognition (the
    defaults prune the path through accents the acoustic model knows badly),
    and there is no flat-lexicon or best-path rescoring after the search
    (which drops words, typically the last one). Either failure used to lose
    the whole alignment: on the synthetic English test clips all 140 now
    align, against 72 with the defaults (``benchmarks/alignment_rate.py``).
    """
    from pocketsphinx import Decoder

    return Decoder(samprate=SAMPLE_RATE, lm=None, loglevel="FATAL", **ALIGN_SEARCH)


def _resampled(wave: np.ndarray, sample_rate: int) -> np.ndarray:
    """Mono float samples at ``sample_rate`` -> ``(N',)`` float32 at 16 kHz."""
    wave = np.asarray(wave)
    if wave.ndim != 1:
        raise MedtalkError(f"expected mono audio samples (N,), got an array of shape {wave.shape}")
    if sample_rate <= 0:
        raise MedtalkError(f"sample rate must be positive, got {sample_rate}")
    wave = np.nan_to_num(wave.astype(np.float32, copy=False), nan=0.0, posinf=0.0, neginf=0.0)
    if sample_rate != SAMPLE_RATE:
        wave = resample_poly(wave, SAMPLE_RATE, int(sample_rate))  # it reduces the ratio itself
    return wave


def _pcm(wave: np.ndarray) -> bytes:
    """16-bit little-endian PCM (truncated, the common idiom), what pocketsphinx decodes.

    Stretches of digital silence (synthetic speech, padded files) get a one-step
    dither (fixed seed): on exact zeros pocketsphinx's features degenerate and
    its alignment drifts by a word or more. Audio with a noise floor, as from
    any microphone, is left as it is.
    """
    pcm = np.clip(wave, -1.0, 1.0) * 32767.0
    silent = _digital_silence(pcm.astype("<i2") == 0)
    pcm[silent] += np.random.default_rng(0).standard_normal(int(silent.sum()))
    return np.clip(pcm, -32768.0, 32767.0).astype("<i2").tobytes()


def _digital_silence(zero: np.ndarray) -> np.ndarray:
    """The samples in runs of at least ``DIGITAL_SILENCE_S`` of ``zero`` (N,) bool."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], zero.view(np.int8), [0]])))
    out = np.zeros(len(zero), dtype=bool)
    for a, b in zip(edges[::2], edges[1::2]):
        if b - a >= DIGITAL_SILENCE_S * SAMPLE_RATE:
            out[a:b] = True
    return out


def _has_speech(wave: np.ndarray) -> bool:
    return len(wave) >= MIN_SPEECH_S * SAMPLE_RATE and float(np.abs(wave).max()) >= SILENCE_PEAK


def _segments(wave: np.ndarray) -> list[np.ndarray]:
    """Split ``(N,)`` into pieces of at most MAX_SEGMENT_S, cut at quiet frames."""
    limit = int(MAX_SEGMENT_S * SAMPLE_RATE)
    search = int(CUT_SEARCH_S * SAMPLE_RATE)
    frame = int(CUT_FRAME_S * SAMPLE_RATE)
    pieces, start = [], 0
    while len(wave) - start > limit:
        window = wave[start + limit - search : start + limit]
        energy = (window[: len(window) // frame * frame].reshape(-1, frame) ** 2).mean(axis=1)
        cut = start + limit - search + int(energy.argmin()) * frame + frame // 2
        pieces.append(wave[start:cut])
        start = cut
    pieces.append(wave[start:])
    return pieces


def _decode_pieces(decoder, wave: np.ndarray) -> Iterator[float]:
    """Decode each piece of 16 kHz ``wave`` that holds speech (``_segments``); after each,
    yield the piece's start in seconds, while ``decoder`` holds its result."""
    offset = 0.0
    for piece in _segments(wave):
        if _has_speech(piece):
            _run(decoder, _pcm(piece))
            yield offset
        offset += len(piece) / SAMPLE_RATE


def transcribe(wave: np.ndarray, sample_rate: int = SAMPLE_RATE) -> str:
    """Recognise English speech: ``(N,)`` samples -> lower-case words, ``""`` for silence."""
    wave = _resampled(wave, sample_rate)
    if not _has_speech(wave):
        return ""
    decoder = _recogniser()
    words: list[str] = []
    for _ in _decode_pieces(decoder, wave):
        hyp = decoder.hyp()
        if hyp is not None:
            words += [w for w in hyp.hypstr.split() if not _FILLER.match(w)]
    return " ".join(words)


def recognise_phones(wave: np.ndarray, sample_rate: int = SAMPLE_RATE) -> list[Phone]:
    """English phones heard in ``(N,)`` samples without a transcript (pocketsphinx's phone
    decoder, its phone trigram model): ARPAbet symbols with times, silences and fillers left out.
    Long audio is decoded in pieces, as ``transcribe`` does."""
    import os

    from pocketsphinx import Decoder, get_model_path

    wave = _resampled(wave, sample_rate)
    phone_lm = os.path.join(get_model_path(), "en-us", "en-us-phone.lm.bin")
    decoder = Decoder(samprate=SAMPLE_RATE, lm=None, allphone=phone_lm, lw=PHONE_LM_WEIGHT, loglevel="FATAL")
    frame_s = 1.0 / float(decoder.config["frate"])
    phones: list[Phone] = []
    for offset in _decode_pieces(decoder, wave):
        phones += [Phone(s.word, offset + s.start_frame * frame_s, offset + (s.end_frame + 1) * frame_s)
                   for s in decoder.seg() or () if s.word != "SIL" and not s.word.startswith("+")]
    return phones


def _dictionary_form(word: str) -> str:
    """How a transcript word is spelled in the CMU dictionary: ``"Country,"`` -> ``country``."""
    return re.sub(r"[^a-z']", "", word.lower()).strip("'")


def _spread(texts: list[str], start: float, end: float, first_index: int) -> list[Word]:
    """Words sharing ``[start, end]`` in proportion to their letters (for unaligned words)."""
    weights = np.array([max(len(t), 1) for t in texts], dtype=float)
    edges = start + (end - start) * np.concatenate([[0.0], np.cumsum(weights) / weights.sum()])
    return [Word(t, first_index + i, float(edges[i]), float(edges[i + 1])) for i, t in enumerate(texts)]


def _run(decoder, pcm: bytes) -> None:
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()


def _forced(
    decoder, wave: np.ndarray, words: list[str], with_phones: bool = True
) -> list[tuple[float, float, list[Phone]]] | None:
    """pocketsphinx alignment of dictionary words: ``(start, end, phones)`` per word, or None.

    The first pass gives word times; with ``with_phones`` a second pass
    (``set_alignment``, as long again) adds phone times, and when it fails (it
    sometimes cannot close the utterance) the words keep their first-pass
    times without phones.
    """
    frame_s = 1.0 / float(decoder.config["frate"])
    pcm = _pcm(wave)
    try:
        decoder.set_align_text(" ".join(words))
        _run(decoder, pcm)
    except RuntimeError:
        return None
    # copy out plain values: pocketsphinx objects dangle once the search changes
    segments = [(s.word, s.start_frame, s.end_frame) for s in decoder.seg() or () if not _FILLER.match(s.word)]
    if [_ALTERNATE.sub("", word) for word, _, _ in segments] != words:
        return None
    found = [(start * frame_s, (end + 1) * frame_s, []) for _, start, end in segments]
    if not with_phones:
        return found
    try:
        decoder.set_alignment()
        _run(decoder, pcm)
    except RuntimeError:
        return found
    # an entry is only valid while the iteration stands on it: read its phones there
    per_word = [
        [Phone(p.name, p.start * frame_s, (p.start + p.duration) * frame_s) for p in entry if p.name != "SIL"]
        for entry in decoder.get_alignment()
        if not _FILLER.match(entry.name)
    ]
    for (_, _, phones), word_phones in zip(found, per_word):
        phones += word_phones
    return found


def align(
    wave: np.ndarray, transcript: str, sample_rate: int = SAMPLE_RATE, with_phones: bool = True,
    strict: bool = False,
) -> tuple[list[Word], list[Phone]]:
    """Forced alignment of ``transcript`` to ``(N,)`` samples: word and phone times in seconds.

    Words are the whitespace-separated words of the transcript (``Word.text``
    keeps punctuation, ``Word.index`` its position, as ``TextEncoder.token_words``).
    Phones are CMU/ARPAbet symbols (``AE``, ``M``), not espeak-ng's. Words
    missing from the pronouncing dictionary (names, numerals) get no phones and
    share the time between their aligned neighbours; if nothing can be aligned
    (silence, no known word, the aligner gives up) the words share the whole
    duration in proportion to their length. ``with_phones=False`` skips the
    phone pass (half the time) and returns no phones. ``strict=True`` returns
    no words at all instead of guessing: when under ``ENGLISH_KNOWN`` of the
    words are in the dictionary (the transcript is not English) or the aligner
    gives up.
    """
    wave = _resampled(wave, sample_rate)
    texts = transcript.split()
    if not texts:
        return [], []
    duration = len(wave) / SAMPLE_RATE
    decoder = _aligner()
    spelled = [_dictionary_form(t) for t in texts]
    known = [i for i, s in enumerate(spelled) if s and decoder.lookup_word(s) is not None]
    if strict and len(known) < ENGLISH_KNOWN * sum(bool(s) for s in spelled):
        return [], []
    aligned = (_forced(decoder, wave, [spelled[i] for i in known], with_phones)
               if known and _has_speech(wave) else None)
    if aligned is None:
        return ([], []) if strict else (_spread(texts, 0.0, duration, 0), [])

    words: list[Word] = []
    phones: list[Phone] = []
    anchors = dict(zip(known, aligned))
    pending: list[int] = []  # unaligned words waiting for the next aligned one
    for i, text in enumerate([*texts, None]):
        if i < len(texts) and i not in anchors:
            pending.append(i)
            continue
        gap_start = words[-1].end if words else 0.0
        gap_end = anchors[i][0] if i < len(texts) else duration
        if pending:
            words += _spread([texts[j] for j in pending], gap_start, max(gap_start, gap_end), pending[0])
            pending = []
        if i < len(texts):
            start, end, word_phones = anchors[i]
            words.append(Word(text, i, start, end))
            phones += word_phones
    return words, phones


def align_words(wave: np.ndarray, transcript: str, sample_rate: int = SAMPLE_RATE) -> list[Word]:
    """The word times of ``align``: one ``Word`` per whitespace-separated transcript word."""
    return align(wave, transcript, sample_rate, with_phones=False)[0]
