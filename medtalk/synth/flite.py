"""Speech from CMU flite's voices through ctypes: a second, more natural-sounding source.

espeak-ng is a formant synthesiser: every voice shares its buzzy source and
rule-made spectra, so a model trained only on it learns espeak's acoustics.
flite's English voices are built from recordings of real speakers: ``kal16``
concatenates a man's recorded diphones, ``awb``, ``rms`` and ``slt`` are
statistical parametric (clustergen) voices trained on the CMU ARCTIC
recordings of three speakers. They only speak English.

Timing comes from the utterance flite builds: every ``Segment`` has an end
time, every ``Word`` reaches its segments through ``SylStructure``. Phones are
CMU symbols (``ae``, ``pau``), given to the face as espeak-ng mnemonics
(:mod:`medtalk.synth.arpabet`). Voice settings follow espeak's units
(:func:`medtalk.synth.speech.synthesize`): the rate stretches durations, the
pitch scales f0, the range scales f0's spread (the diphone voice only), the
volume and each word's SSML-style volume scale the samples. Per-word pitch and
rate and ``<emphasis>`` are not available in flite and are left out.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Sequence
from dataclasses import asdict
from functools import cache

import numpy as np

from medtalk.audio import SAMPLE_RATE
from medtalk.errors import MedtalkError
from medtalk.synth.arpabet import espeak_symbol
from medtalk.synth.speech import Prosody, check_request
from medtalk.synth.timeline import Phone, Utterance, Word

PREFIX = "flite:"
VOICES = ("kal16", "awb", "rms", "slt")
NORMAL_RATE = 175  # espeak's words per minute at duration_stretch 1
EDGE_SILENCE = 0.15  # s before the first and after the last phone, as for espeak-ng
_PITCH_OCTAVES = 0.6  # espeak pitch 0..100 spans this many octaves around the voice's own
_SEED = 1  # of rand() before every synthesis: the same arguments give the same samples
_WORD_START = b"R:SylStructure.daughter1.daughter1.R:Segment.p.end"
_WORD_END = b"R:SylStructure.daughtern.daughtern.R:Segment.end"


class _Wave(ctypes.Structure):
    _fields_ = [("type", ctypes.c_char_p), ("sample_rate", ctypes.c_int), ("num_samples", ctypes.c_int),
                ("num_channels", ctypes.c_int), ("samples", ctypes.POINTER(ctypes.c_short))]


class _Voice(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("features", ctypes.c_void_p)]


@cache
def _library() -> ctypes.CDLL:
    """libflite with its English language, lexicon and function signatures, loaded once."""
    try:
        lib = ctypes.CDLL("libflite.so.1", mode=ctypes.RTLD_GLOBAL)
        for name in ("libflite_usenglish.so.1", "libflite_cmulex.so.1"):
            ctypes.CDLL(name, mode=ctypes.RTLD_GLOBAL)
    except OSError:
        raise MedtalkError("flite is not installed (apt-get install flite)") from None
    ptr = ctypes.c_void_p
    for name, res, args in (
        ("flite_init", ctypes.c_int, []),
        ("flite_synth_text", ptr, [ctypes.c_char_p, ptr]),
        ("flite_feat_set_float", None, [ptr, ctypes.c_char_p, ctypes.c_float]),
        ("utt_wave", ctypes.POINTER(_Wave), [ptr]),
        ("utt_relation", ptr, [ptr, ctypes.c_char_p]),
        ("relation_head", ptr, [ptr]),
        ("item_next", ptr, [ptr]),
        ("item_feat_string", ctypes.c_char_p, [ptr, ctypes.c_char_p]),
        ("ffeature_float", ctypes.c_float, [ptr, ctypes.c_char_p]),
        ("delete_utterance", None, [ptr]),
    ):
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args
    lib.flite_init()
    return lib


@cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None)


@cache
def _voice(name: str) -> ctypes.c_void_p:
    if name not in VOICES:
        raise MedtalkError(f"unknown flite voice {name!r}; choose from {', '.join(VOICES)}")
    _library()  # a voice links against the English language and lexicon libraries loaded there
    register = getattr(ctypes.CDLL(f"libflite_cmu_us_{name}.so.1"), f"register_cmu_us_{name}")
    register.restype, register.argtypes = ctypes.c_void_p, [ctypes.c_char_p]
    return register(None)


def is_flite(voice: str) -> bool:
    return voice.startswith(PREFIX)


def base_voice(voice: str) -> str:
    """``flite:slt+3`` -> ``slt``: the part after ``+`` only tags a speaker identity."""
    return voice[len(PREFIX):].split("+", 1)[0]


def _items(lib: ctypes.CDLL, utt: int, relation: bytes):
    item = lib.relation_head(lib.utt_relation(utt, relation))
    while item:
        yield item
        item = lib.item_next(item)


def _set(voice_name: str, rate: float, pitch: float, pitch_range: float) -> None:
    lib = _library()
    features = _Voice.from_address(_voice(voice_name)).features
    factor = 2.0 ** (_PITCH_OCTAVES * (pitch - 50) / 100)
    for name, value in (
        (b"duration_stretch", NORMAL_RATE / rate),
        (b"f0_shift", factor),  # clustergen voices
        (b"int_f0_target_mean", 105.0 * factor),  # the diphone voice (kal's own mean)
        (b"int_f0_target_stddev", 14.0 * (0.4 + 1.2 * pitch_range / 100)),
    ):
        lib.flite_feat_set_float(features, name, value)


def synthesize(
    words: Sequence[str],
    voice: str = "flite:slt",
    *,
    rate: int = 175,
    pitch: int = 50,
    pitch_range: int = 50,
    volume: int = 100,
    word_prosody: Sequence[Prosody | None] | None = None,
    gap_ms: int = 0,
) -> Utterance:
    """Speak the words with a flite voice: the same contract as :func:`medtalk.synth.speech.synthesize`.

    ``voice`` is ``flite:NAME`` or ``flite:NAME+TAG``. Words flite says
    nothing for (punctuation alone) get an empty span at the next word.
    """
    words, _ = check_request(words, rate, pitch, pitch_range, volume, word_prosody, gap_ms)
    if gap_ms:
        raise MedtalkError("flite voices take no gap between words")
    name = base_voice(voice)
    lib = _library()
    _set(name, rate, pitch, pitch_range)
    _libc().srand(_SEED)  # the clustergen voices' excitation noise comes from libc's rand()
    utt = lib.flite_synth_text(" ".join(words).encode(), _voice(name))
    try:
        wave = lib.utt_wave(utt).contents
        if wave.sample_rate != SAMPLE_RATE or wave.num_channels != 1:
            raise MedtalkError(f"flite voice {name} speaks at {wave.sample_rate} Hz; need {SAMPLE_RATE}")
        raw = np.ctypeslib.as_array(wave.samples, (wave.num_samples,)).astype(np.float32) / 32768.0
        phones = [Phone(espeak_symbol(lib.item_feat_string(s, b"name").decode()), 0.0,
                        float(lib.ffeature_float(s, b"end"))) for s in _items(lib, utt, b"Segment")]
        spans = [(lib.item_feat_string(w, b"name").decode(), float(lib.ffeature_float(w, _WORD_START)),
                  float(lib.ffeature_float(w, _WORD_END))) for w in _items(lib, utt, b"Word")]
    finally:
        lib.delete_utterance(utt)
    phones = [Phone(p.symbol, phones[i - 1].end if i else 0.0, p.end) for i, p in enumerate(phones)]
    spoken = [p for p in phones if p.symbol != "_"]
    if not spoken:
        raise MedtalkError(f"flite produced no speech for {' '.join(words)!r}")
    audio, shift = trim_edges(raw, spoken[0].start, spoken[-1].end)
    timed = match_words(words, spans, shift, spoken[-1].end + shift)
    shifted = [Phone(p.symbol, round(p.start + shift, 6), round(p.end + shift, 6)) for p in spoken]
    settings = {"voice": voice, "rate": rate, "pitch": pitch, "pitch_range": pitch_range, "volume": volume,
                "engine": "flite"}
    return finish_take(audio, shifted, timed, word_prosody, settings)


def finish_take(audio: np.ndarray, phones: list[Phone], words: list[Word],
                word_prosody: Sequence[Prosody | None] | None, settings: dict) -> Utterance:
    """The take of an engine other than espeak-ng (flite, festival, Piper) as an ``Utterance``: the
    volume and each word's SSML-style volume applied to ``audio (N,)`` at 16 kHz, and ``settings``
    (voice, rate, pitch, pitch_range, volume, engine, ...) recorded with the word prosody."""
    audio = audio * (settings["volume"] / 100)
    for word, change in zip(words, word_prosody or []):
        if change is not None and change.volume:
            a, b = round(word.start * SAMPLE_RATE), round(word.end * SAMPLE_RATE)
            audio[a:b] *= 1.0 + change.volume / 100
    prosody = [asdict(p) if p is not None else None for p in word_prosody] if word_prosody else None
    return Utterance(np.clip(audio, -1.0, 1.0).astype(np.float32), SAMPLE_RATE, phones, words, settings["voice"],
                     {**settings, "word_prosody": prosody})


def trim_edges(raw: np.ndarray, first: float, last: float) -> tuple[np.ndarray, float]:
    """Speech from ``first`` to ``last`` s with exactly :data:`EDGE_SILENCE` of silence each side."""
    lo, hi = round(first * SAMPLE_RATE), round(last * SAMPLE_RATE)
    edge = round(EDGE_SILENCE * SAMPLE_RATE)
    audio = np.concatenate([np.zeros(edge, np.float32), raw[lo:hi], np.zeros(edge, np.float32)])
    return audio, EDGE_SILENCE - lo / SAMPLE_RATE


def match_words(words: list[str], spans: list[tuple[str, float, float]], shift: float, end: float) -> list[Word]:
    """One :class:`Word` per input word, matched to flite's words by their letters, in order.

    flite tokenises on its own (``well-known`` becomes two words, ``don't``
    stays one): an input word takes every following flite word whose letters
    continue its own; a word flite said nothing for gets an empty span where the last one ended.
    """
    out: list[Word] = []
    k = 0
    for i, text in enumerate(words):
        target, got = _letters(text), ""
        start = stop = None
        while k < len(spans) and target and target.startswith(got + _letters(spans[k][0])) and got != target:
            got += _letters(spans[k][0])
            start = spans[k][1] if start is None else start
            stop = spans[k][2]
            k += 1
        if start is None:
            at = out[-1].end if out else EDGE_SILENCE
            out.append(Word(text, i, at, at))
        else:
            out.append(Word(text, i, round(max(0.0, start + shift), 6), round(min(end, stop + shift), 6)))
    return out


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())
