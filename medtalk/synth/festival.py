"""Speech from Debian's festival voices built from human recordings.

- ``slt``: ``festvox-us-slt-hts``, an HTS voice trained on the CMU ARCTIC "slt"
  speaker (a woman; licence EST-2003, permissive);
- ``kal``: ``festvox-kallpc16k``, a diphone voice cut from recordings of a man.

Festival runs as one ``festival --pipe`` process per Python process, fed
Scheme; each take sets every parameter it uses, so nothing carries over from
the take before. Segment end times come from the utterance's ``Segment``
relation (what ``utt.save.segs`` writes) and each word's span from its first
and last segment. Phones are festival's US set (``ax``, ``pau``), given to the
face as espeak-ng mnemonics (:mod:`medtalk.synth.arpabet`). Voice settings
follow espeak's units (:func:`medtalk.synth.speech.synthesize`): the rate
stretches durations, the pitch shifts f0, the range scales f0's spread (kal
only), the volume and each word's SSML-style volume scale the samples, and a
speaker tag (``festival:slt+3``) changes the vocal tract (:mod:`medtalk.synth.tract`).
Per-word pitch and rate and ``<emphasis>`` are left out, as for flite.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import tempfile
import threading
import wave
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from medtalk.audio import SAMPLE_RATE
from medtalk.errors import MedtalkError
from medtalk.synth.arpabet import espeak_symbol
from medtalk.synth.flite import finish_take, match_words, trim_edges
from medtalk.synth.speech import Prosody, check_request
from medtalk.synth.timeline import Phone, Utterance
from medtalk.synth.tract import scale_tract, tract_factor

PREFIX = "festival:"
# voice name -> (festival's voice function, the model's mean and std of f0 in Hz)
VOICES = {"slt": ("voice_cmu_us_slt_arctic_hts", 180.0, 30.0), "kal": ("voice_kal_diphone", 105.0, 14.0)}
NORMAL_RATE = 175  # espeak's words per minute at festival's own speed
PITCH_OCTAVES = 0.6  # espeak pitch 0..100 spans this many octaves around the voice's own (as for flite)
_DONE = "@@medtalk-done@@"
_WORD_START = "R:SylStructure.daughter1.daughter1.R:Segment.p.end"
_WORD_END = "R:SylStructure.daughtern.daughtern.R:Segment.end"


def is_festival(voice: str) -> bool:
    return voice.startswith(PREFIX)


def base_voice(voice: str) -> str:
    """``festival:slt+3`` -> ``slt``."""
    name = voice[len(PREFIX):].split("+", 1)[0]
    if name not in VOICES:
        raise MedtalkError(f"unknown festival voice {name!r}; choose from {', '.join(VOICES)}")
    return name


class Festival:
    """One ``festival --pipe`` process; calls are serialised by a lock."""

    def __init__(self) -> None:
        if shutil.which("festival") is None:
            raise MedtalkError("festival is not installed (apt-get install festival festvox-us-slt-hts festvox-kallpc16k)")
        self._process = subprocess.Popen(["festival", "--pipe"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL, text=True)
        self._owner = os.getpid()
        self._lock = threading.Lock()
        self._folder = Path(tempfile.mkdtemp(prefix="medtalk-festival-"))
        atexit.register(self.close)

    def run(self, scheme: str) -> list[str]:
        """Evaluate ``scheme``; the lines it printed."""
        with self._lock:
            try:
                # festival's stdout is block-buffered on a pipe: flush after the marker
                self._process.stdin.write(f'{scheme}\n(format t "\\n{_DONE}\\n") (fflush nil)\n')
                self._process.stdin.flush()
            except BrokenPipeError:
                raise MedtalkError("the festival process died") from None
            lines = []
            while (line := self._process.stdout.readline()) and line.strip() != _DONE:
                lines.append(line.rstrip("\n"))
            if not line:
                raise MedtalkError(f"the festival process died (exit status {self._process.poll()})")
            return lines

    def close(self) -> None:
        if os.getpid() == self._owner and self._process.poll() is None:
            self._process.stdin.close()
            self._process.wait()
        shutil.rmtree(self._folder, ignore_errors=True)

    @property
    def usable(self) -> bool:
        return os.getpid() == self._owner and self._process.poll() is None


_FESTIVAL: Festival | None = None
_FESTIVAL_LOCK = threading.Lock()


def festival() -> Festival:
    """This process's festival, started on first use (and again after a fork)."""
    global _FESTIVAL
    with _FESTIVAL_LOCK:
        if _FESTIVAL is None or not _FESTIVAL.usable:
            _FESTIVAL = Festival()
        return _FESTIVAL


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _scheme(name: str, text: str, path: Path, rate: float, pitch: float, pitch_range: float) -> str:
    """One take: set the voice and its parameters, synthesise at 16 kHz, save the wave, print times."""
    function, f0_mean, f0_std = VOICES[name]
    octaves = PITCH_OCTAVES * (pitch - 50) / 100
    if name == "slt":  # HTS: its own durations and f0, so speed and f0 go to the engine
        setup = (f"(set! hts_engine_params (append cmu_us_slt_arctic_hts::hts_engine_params "
                 f"(list (list \"-r\" {rate / NORMAL_RATE:.4f}) (list \"-fm\" {12 * octaves:.3f}))))")
    else:
        std = f0_std * (0.4 + 1.2 * pitch_range / 100)
        setup = (f"(Parameter.set 'Duration_Stretch {NORMAL_RATE / rate:.4f}) (set! int_lr_params "
                 f"'((target_f0_mean {f0_mean * 2 ** octaves:.2f}) (target_f0_std {std:.2f}) "
                 f"(model_f0_mean 170) (model_f0_std 34)))")
    return (
        f"({function}) {setup}\n"
        f"(set! utt (utt.synth (Utterance Text {_quoted(text)})))\n"
        f"(utt.wave.resample utt {SAMPLE_RATE})\n"
        f"(utt.save.wave utt {_quoted(str(path))} 'riff)\n"
        f"(mapcar (lambda (s) (format t \"S %s %f\\n\" (item.name s) (item.feat s \"end\"))) "
        f"(utt.relation.items utt 'Segment))\n"
        f"(mapcar (lambda (w) (format t \"W %s %f %f\\n\" (item.name w) (item.feat w \"{_WORD_START}\") "
        f"(item.feat w \"{_WORD_END}\"))) (utt.relation.items utt 'Word))"
    )


def synthesize(
    words: Sequence[str],
    voice: str = "festival:slt",
    *,
    rate: int = 175,
    pitch: int = 50,
    pitch_range: int = 50,
    volume: int = 100,
    word_prosody: Sequence[Prosody | None] | None = None,
    gap_ms: int = 0,
) -> Utterance:
    """Speak the words with a festival voice: the same contract as :func:`medtalk.synth.speech.synthesize`.

    ``voice`` is ``festival:NAME`` or ``festival:NAME+TAG`` (a speaker with its
    own vocal tract). Words festival says nothing for get an empty span at the next word.
    """
    words, _ = check_request(words, rate, pitch, pitch_range, volume, word_prosody, gap_ms)
    if gap_ms:
        raise MedtalkError("festival voices take no gap between words")
    name, factor = base_voice(voice), tract_factor(voice)
    # the tract scaling plays the take back `factor` times faster: ask for that much less beforehand
    engine_pitch = float(np.clip(pitch - 100 * np.log2(factor) / PITCH_OCTAVES, 0, 100))
    engine = festival()
    fd, tmp = tempfile.mkstemp(suffix=".wav", dir=engine._folder)
    os.close(fd)
    try:
        lines = engine.run(_scheme(name, " ".join(words), Path(tmp), rate / factor, engine_pitch, pitch_range))
        raw = _read_wave(Path(tmp))
    finally:
        os.unlink(tmp)
    ends = [(m[1], float(m[2])) for m in (re.match(r"S (\S+) (\S+)$", line) for line in lines) if m]
    spans = [(m[1], float(m[2]), float(m[3])) for m in (re.match(r"W (\S+) (\S+) (\S+)$", line) for line in lines) if m]
    phones = [Phone(espeak_symbol(symbol), ends[i - 1][1] if i else 0.0, end) for i, (symbol, end) in enumerate(ends)]
    spoken = [p for p in phones if p.symbol != "_" and p.end > p.start]
    if not spoken:
        raise MedtalkError(f"festival produced no speech for {' '.join(words)!r}")
    audio, shift = trim_edges(raw, spoken[0].start, spoken[-1].end)
    timed = match_words(words, spans, shift, spoken[-1].end + shift)
    shifted = [Phone(p.symbol, round(p.start + shift, 6), round(p.end + shift, 6)) for p in spoken]
    audio, shifted, timed = scale_tract(audio, shifted, timed, factor)
    settings = {"voice": voice, "rate": rate, "pitch": pitch, "pitch_range": pitch_range, "volume": volume,
                "engine": "festival", "tract": factor}
    return finish_take(audio, shifted, timed, word_prosody, settings)


def _read_wave(path: Path) -> np.ndarray:
    try:
        with wave.open(str(path), "rb") as w:
            if (w.getframerate(), w.getnchannels(), w.getsampwidth()) != (SAMPLE_RATE, 1, 2):
                raise MedtalkError(f"festival wrote {w.getframerate()} Hz, {w.getnchannels()} channel(s)")
            return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
    except (wave.Error, EOFError, OSError) as exc:
        raise MedtalkError(f"festival wrote no readable audio ({exc})") from None
