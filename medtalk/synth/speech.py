"""Speech from libespeak-ng through ctypes: 16 kHz audio with phoneme and word timing.

espeak-ng runs in synchronous mode with phoneme events enabled. A synthesis
callback receives 22.05 kHz int16 audio chunks and the events of each chunk:
``WORD`` (1-based character offset into the exact string we sent, and the time
in ms), ``PHONEME`` (espeak's ASCII mnemonic in an 8-byte field, and the time
in ms). A phone ends where the next phoneme event starts. Pause events (every
mnemonic starting with ``_``: ``_``, ``_:``, ``_!``, the word-boundary mark
``_|``, language switches ``_^_``) are not phones: they only end the phone
before them, so pauses are the gaps in :attr:`Utterance.phones`.

The text is always sent as SSML (escaped), so that per-word ``<prosody>`` and
``<emphasis>`` never change how offsets are counted. The library itself runs
in a helper process (:mod:`medtalk.synth.espeak`) that makes every call start
from the same state, so the same arguments always give the same bytes.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

import numpy as np

from medtalk.audio import SAMPLE_RATE
from medtalk.errors import MedtalkError
from medtalk.resample import lowpass, resample_poly
from medtalk.synth.espeak import (
    ESPEAK_RATE, EVENT_PHONEME, EVENT_WORD, PARAM_PITCH, PARAM_RANGE, PARAM_RATE, PARAM_VOLUME,
    PARAM_WORDGAP, helper,
)
from medtalk.synth.timeline import Phone, Utterance, Word

RESAMPLE_UP, RESAMPLE_DOWN = 320, 441  # 22050 Hz * 320 / 441 = 16000 Hz
assert ESPEAK_RATE * RESAMPLE_UP == SAMPLE_RATE * RESAMPLE_DOWN
# resample_poly's default anti-aliasing filter, designed once instead of on every call
_RESAMPLE_FILTER = lowpass(RESAMPLE_UP, RESAMPLE_DOWN).astype(np.float32)
EDGE_SILENCE = 0.15  # s of silence kept before the first and after the last phone: the face rests there
WORD_GAP_UNIT_MS = 10  # espeakWORDGAP counts in units of 10 ms

RATE_RANGE = (80, 450)  # words per minute (espeakRATE_MINIMUM, espeakRATE_MAXIMUM)
PITCH_RANGE = (0, 100)  # espeak's base pitch scale, 50 = the voice's normal pitch
PITCH_RANGE_RANGE = (0, 100)  # intonation range: 0 = monotone, 50 = normal
VOLUME_RANGE = (0, 200)  # percent, 100 = normal


@dataclass(frozen=True)
class Prosody:
    """Per-word SSML prosody, percentages relative to the voice's settings."""

    pitch: float = 0.0  # +/- percent
    rate: float = 0.0  # +/- percent
    volume: float = 0.0  # +/- percent
    emphasis: bool = False


def espeak_version() -> str:
    """The libespeak-ng version string, e.g. ``1.51``."""
    return helper().version


def list_voices() -> list[str]:
    """Every espeak-ng voice by its language code (``en-us``, ``de``, ``cmn-latn-pinyin``), sorted."""
    return sorted(_voice_table())


def list_variants() -> list[str]:
    """Voice variants that can follow a ``+`` (``m3``, ``f2``, ``klatt``, ...), sorted."""
    return sorted(_variants())


@lru_cache(maxsize=1)
def _variants() -> frozenset[str]:
    folder = helper().data_path / "voices" / "!v"
    return frozenset(p.name for p in folder.iterdir() if p.is_file())


@lru_cache(maxsize=1)
def _voice_table() -> dict[str, str]:
    """Language code -> voice file identifier (``fr-fr`` -> ``roa/fr``)."""
    return helper().call("voices")


@lru_cache(maxsize=64)
def _accepts(name: str) -> bool:
    """Whether espeak-ng's ``SetVoiceByName`` accepts ``name`` (a voice without variant)."""
    return helper().call("accepts", name)


@lru_cache(maxsize=256)
def resolve_voice(spec: str) -> str:
    """The espeak-ng voice for ``spec``: a voice name, language code or file, optionally ``+variant``.

    Accepts ``en-us+m3``, ``gmw/en-GB-x-rp+f2``, ``en+klatt``, ``fr-fr``. Returns the
    spec unchanged when espeak-ng accepts it as is, otherwise with the voice file
    identifier in place of the language code. Raises :class:`MedtalkError` for an
    unknown voice or variant.
    """
    base, plus, variant = spec.strip().partition("+")
    if not base or base.startswith("mb/") or "+" in variant or (plus and not variant):
        raise MedtalkError(f"unknown voice {spec!r} (see `espeak-ng --voices`; MBROLA voices are not supported)")
    if variant and variant not in _variants():  # espeak-ng silently ignores unknown variants
        raise MedtalkError(f"unknown voice variant {variant!r} in {spec!r} (variants: m1-m8, f1-f5, klatt, ...)")
    if not _accepts(base):
        identifier = _voice_table().get(base.lower())
        if identifier is None:
            raise MedtalkError(f"unknown voice {spec!r} (see `espeak-ng --voices`)")
        base = identifier
    return f"{base}+{variant}" if variant else base


def check_request(
    words: Sequence[str], rate: float, pitch: float, pitch_range: float, volume: float,
    word_prosody: Sequence[Prosody | None] | None, gap_ms: int,
) -> tuple[list[str], list[Prosody | None]]:
    """Check ``synthesize``'s arguments (any engine's): the words as strings and one prosody per word.

    Raises :class:`MedtalkError` for empty text, a prosody list of the wrong
    length, settings outside their ranges or a negative gap.
    """
    words = [str(w) for w in words]
    if not any(w.strip() for w in words):
        raise MedtalkError("nothing to say: the text is empty")
    prosody = list(word_prosody) if word_prosody is not None else [None] * len(words)
    if len(prosody) != len(words):
        raise MedtalkError(f"word_prosody has {len(prosody)} entries for {len(words)} words")
    _check_range("rate", rate, RATE_RANGE)
    _check_range("pitch", pitch, PITCH_RANGE)
    _check_range("pitch range", pitch_range, PITCH_RANGE_RANGE)
    _check_range("volume", volume, VOLUME_RANGE)
    if gap_ms < 0:
        raise MedtalkError(f"gap_ms must be >= 0, got {gap_ms}")
    return words, prosody


def _check_range(name: str, value: float, bounds: tuple[int, int]) -> None:
    if not bounds[0] <= value <= bounds[1]:
        raise MedtalkError(f"{name} must be in {bounds[0]}..{bounds[1]}, got {value}")


def _percent(value: float) -> str:
    return f"{value:+.0f}%"


def _markup(words: Sequence[str], prosody: Sequence[Prosody | None]) -> tuple[str, list[int]]:
    """The SSML document and the 0-based character offset of each word in it."""
    parts, offsets, length = ["<speak>"], [], len("<speak>")
    for i, (word, style) in enumerate(zip(words, prosody)):
        opening = closing = ""
        if style is not None:
            attrs = " ".join(
                f'{key}="{_percent(value)}"'
                for key, value in (("pitch", style.pitch), ("rate", style.rate), ("volume", style.volume))
                if round(value) != 0
            )
            if attrs:
                opening, closing = f"<prosody {attrs}>", "</prosody>"
            if style.emphasis:
                opening, closing = opening + "<emphasis>", "</emphasis>" + closing
        piece = ("" if i == 0 else " ") + opening
        offsets.append(length + len(piece))
        piece += escape(word) + closing
        parts.append(piece)
        length += len(piece)
    parts.append("</speak>")
    return "".join(parts), offsets


def _timeline(events: list, offsets: list[int], words: Sequence[str], total_ms: float) -> tuple[list[Phone], list[Word]]:
    """Phones (pauses dropped) and words, times in seconds from the synthesised audio start.

    Each phoneme belongs to the latest WORD event before it in the event stream;
    a WORD event belongs to the last input word that starts at or before its
    offset (entities like ``&amp;`` shift espeak's offsets inside a word).
    """
    phones: list[Phone] = []
    owner: list[int] = []  # input word index of each phone
    phoneme_events = [(ms, sym, k) for k, (kind, _, ms, sym) in enumerate(events) if kind == EVENT_PHONEME]
    word_of_event: list[int] = []
    current = 0
    for kind, position, _, _ in events:
        if kind == EVENT_WORD:
            current = max(0, bisect_right(offsets, position - 1) - 1)
        word_of_event.append(current)
    for j, (ms, symbol, k) in enumerate(phoneme_events):
        end_ms = phoneme_events[j + 1][0] if j + 1 < len(phoneme_events) else total_ms
        if symbol.startswith("_") or not symbol:
            continue
        phones.append(Phone(symbol, ms / 1000.0, max(ms, end_ms) / 1000.0))
        owner.append(word_of_event[k])
    timed: list[Word] = []
    cursor = phones[0].start if phones else 0.0
    for i, text in enumerate(words):
        mine = [p for p, w in zip(phones, owner) if w == i]
        start, end = (mine[0].start, mine[-1].end) if mine else (cursor, cursor)
        timed.append(Word(text, i, start, end))
        cursor = end
    return phones, timed


def synthesize(
    words: Sequence[str],
    voice: str = "en-us",
    *,
    rate: int = 175,
    pitch: int = 50,
    pitch_range: int = 50,
    volume: int = 100,
    word_prosody: Sequence[Prosody | None] | None = None,
    gap_ms: int = 0,
) -> Utterance:
    """Speak the words (joined by spaces) and return 16 kHz audio with phone and word timing.

    rate in words/min (80..450), pitch/pitch_range 0..100, volume 0..200,
    gap_ms an extra pause between words (rounded to 10 ms). word_prosody, when
    given, wraps words in SSML <prosody>/<emphasis>. The audio keeps
    :data:`EDGE_SILENCE` seconds of silence before the first and after the last
    phone; all times are in seconds from the start of the returned audio.
    """
    words, prosody = check_request(words, rate, pitch, pitch_range, volume, word_prosody, gap_ms)
    espeak_voice = resolve_voice(voice)
    ssml, offsets = _markup(words, prosody)
    params = {
        PARAM_RATE: int(rate), PARAM_PITCH: int(pitch), PARAM_RANGE: int(pitch_range),
        PARAM_VOLUME: int(volume), PARAM_WORDGAP: round(gap_ms / WORD_GAP_UNIT_MS),
    }
    engine = helper()
    pcm, events = engine.call("speak", ssml, espeak_voice, params)
    raw = np.frombuffer(pcm, dtype=np.int16)
    phones, timed = _timeline(events, offsets, words, 1000.0 * len(raw) / ESPEAK_RATE)
    if not phones:
        raise MedtalkError(f"espeak-ng produced no speech for {' '.join(words)!r}")
    audio, shift = _trim(raw, phones[0].start, phones[-1].end)
    phones = [Phone(p.symbol, _at(p.start + shift), _at(p.end + shift)) for p in phones]
    timed = [Word(w.text, w.index, _at(w.start + shift), _at(w.end + shift)) for w in timed]
    settings = {
        "voice": espeak_voice, "rate": rate, "pitch": pitch, "pitch_range": pitch_range,
        "volume": volume, "gap_ms": gap_ms,
        "word_prosody": [asdict(p) if p is not None else None for p in prosody] if word_prosody is not None else None,
        "espeak_version": engine.version,
    }
    return Utterance(audio, SAMPLE_RATE, phones, timed, espeak_voice, settings)


def _at(seconds: float) -> float:
    """Times rounded to the microsecond, so metadata reads ``0.82``, not ``0.8209999``."""
    return round(seconds, 6)


def _trim(raw: np.ndarray, first: float, last: float) -> tuple[np.ndarray, float]:
    """Keep speech from ``first`` to ``last`` s with exactly :data:`EDGE_SILENCE` of silence each side.

    ``raw`` is ``(N,)`` int16 at 22.05 kHz. espeak's own silence is kept up to the
    edge length and padded with zeros beyond it. Returns ``(M,)`` float32 audio at
    16 kHz and the time shift (s) to add to event times.
    """
    edge = EDGE_SILENCE * ESPEAK_RATE
    lo = max(0, int(round(first * ESPEAK_RATE - edge)))
    hi = min(len(raw), int(round(last * ESPEAK_RATE + edge)))
    speech = resample_poly(raw[lo:hi].astype(np.float32) / 32768.0, RESAMPLE_UP, RESAMPLE_DOWN,
                           window=_RESAMPLE_FILTER)
    kept_before = first - lo / ESPEAK_RATE  # espeak's own leading silence, at most the edge
    head = int(round((EDGE_SILENCE - kept_before) * SAMPLE_RATE))
    shift = head / SAMPLE_RATE - lo / ESPEAK_RATE
    tail = int(round((last + shift + EDGE_SILENCE) * SAMPLE_RATE)) - head - len(speech)
    audio = np.concatenate([np.zeros(head, np.float32), speech.astype(np.float32), np.zeros(max(0, tail), np.float32)])
    return audio, shift
