"""libespeak-ng through ctypes, inside a small helper process that keeps it reproducible.

libespeak-ng keeps static state from one message to the next (pitch flutter
and glottal phase, gain control, ``rand()``, the last voice's settings): the
same text comes out slightly differently depending on what was spoken before.
So the library lives in a helper process (``python -m medtalk.synth.espeak``)
that initialises it once and never uses it itself: for every request it forks
a child that starts from that pristine state, does one thing, replies and
exits. Every synthesis is therefore reproducible byte for byte, whatever the
calling process did before and however big it is (a fork of the ~15 MB helper
is cheap; a fork of a process holding torch would not be, nor safe with threads).

Requests and replies are ``medtalk.sidecar.send`` messages (length-prefixed
pickles) over the helper's stdin and stdout. The helper exits when its stdin
closes, i.e. with the calling process.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, BinaryIO

from medtalk.errors import MedtalkError
from medtalk.sidecar import receive, send

ESPEAK_LIBRARY = "libespeak-ng.so.1"
ESPEAK_RATE = 22050  # Hz, what espeak-ng's own voices synthesise at

# speak_lib.h constants
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_PHONEME_EVENTS = 0x0001
_CHARS_UTF8 = 1
_SSML = 0x10
_POS_CHARACTER = 1
_EE_OK = 0
_PHONEMES_IPA = 0x02
_SEPARATOR = ord("_") << 8  # espeak_TextToPhonemes: phonemes separated by this character
EVENT_LIST_TERMINATED, EVENT_WORD, EVENT_PHONEME = 0, 1, 7
PARAM_RATE, PARAM_VOLUME, PARAM_PITCH, PARAM_RANGE, PARAM_WORDGAP = 1, 2, 3, 4, 7



class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    """``espeak_EVENT`` from speak_lib.h (API revision 12)."""

    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),  # 1-based character offset
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),  # ms from the start of the message
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


class _Voice(ctypes.Structure):
    """``espeak_VOICE`` from speak_lib.h."""

    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),  # priority byte + language, repeated, double-NUL terminated
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


class _Library:
    """The initialised libespeak-ng of the helper process; each method runs in a fresh child."""

    def __init__(self) -> None:
        try:
            lib = ctypes.CDLL(ESPEAK_LIBRARY)
        except OSError:
            raise MedtalkError(
                f"{ESPEAK_LIBRARY} is not installed (run `make setup` or `apt-get install libespeak-ng1`)"
            ) from None
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
        lib.espeak_Info.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
        lib.espeak_Info.restype = ctypes.c_char_p
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, _INITIALIZE_PHONEME_EVENTS)
        if rate != ESPEAK_RATE:
            raise MedtalkError(f"libespeak-ng failed to initialise (returned {rate}, expected {ESPEAK_RATE} Hz)")
        data_path = ctypes.c_char_p()
        self.version = lib.espeak_Info(ctypes.byref(data_path)).decode()
        self.data_path = data_path.value.decode()
        self.lib = lib
        self._chunks: list[bytes] = []
        self._events: list[tuple[int, int, int, str]] = []
        self._callback = _CALLBACK(self._collect)  # kept alive as long as the library
        lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav, num_samples: int, events) -> int:
        if wav and num_samples > 0:
            self._chunks.append(ctypes.string_at(wav, 2 * num_samples))
        i = 0
        while events[i].type != EVENT_LIST_TERMINATED:
            ev = events[i]
            if ev.type in (EVENT_WORD, EVENT_PHONEME):
                symbol = bytes(ev.id.string).split(b"\0", 1)[0].decode() if ev.type == EVENT_PHONEME else ""
                self._events.append((ev.type, ev.text_position, ev.audio_position, symbol))
            i += 1
        return 0  # continue synthesis

    def accepts(self, name: str) -> bool:
        return self.lib.espeak_SetVoiceByName(name.encode()) == _EE_OK

    def speak(self, ssml: str, voice: str, params: dict[int, int]) -> tuple[bytes, list[tuple[int, int, int, str]]]:
        """int16 samples at 22.05 kHz and the ``(type, text position, ms, phoneme)`` WORD/PHONEME events."""
        if not self.accepts(voice):
            raise MedtalkError(f"unknown voice {voice!r}")
        for param, value in params.items():
            self.lib.espeak_SetParameter(param, value, 0)
        text = ssml.encode()
        err = self.lib.espeak_Synth(text, len(text) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8 | _SSML, None, None)
        if err != _EE_OK:
            raise MedtalkError(f"espeak-ng failed to synthesise (error {err})")
        return b"".join(self._chunks), self._events

    def phonemes(self, words: list[str], voice: str) -> list[list[tuple[str, str]]]:
        """Each word's phonemes as ``(IPA, mnemonic)`` pairs, the word phonemised on its own."""
        if not self.accepts(voice):
            raise MedtalkError(f"unknown voice {voice!r}")
        fn = self.lib.espeak_TextToPhonemes
        fn.restype, fn.argtypes = ctypes.c_char_p, [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
        out = []
        for word in words:
            both = []
            for mode in (_PHONEMES_IPA | _SEPARATOR, _SEPARATOR):
                text = ctypes.create_string_buffer(word.encode())
                pointer = ctypes.c_void_p(ctypes.addressof(text))
                pieces = []
                while pointer.value:  # one clause per call
                    pieces.append(fn(ctypes.byref(pointer), _CHARS_UTF8, mode).decode())
                both.append([p for piece in pieces for chunk in piece.split() for p in chunk.split("_")])
            out.append(list(zip(*both)) if len(both[0]) == len(both[1]) else [])
        return out

    def voices(self) -> dict[str, str]:
        """Language code -> voice file identifier (``fr-fr`` -> ``roa/fr``)."""
        table: dict[str, str] = {}
        voices = self.lib.espeak_ListVoices(None)
        i = 0
        while voices[i]:
            voice = voices[i].contents
            # skip the priority byte; the first language is the voice's own
            language = ctypes.string_at(voice.languages + 1).decode()
            table.setdefault(language, voice.identifier.decode())
            i += 1
        return table


def serve() -> None:
    """The helper's main loop: one forked child per request, replies on the original stdout."""
    # Ctrl-C reaches the whole process group: the helper ends when its caller closes the pipe, and
    # says nothing of its own
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything the C library prints goes to stderr, never into the replies
    requests = sys.stdin.buffer
    try:
        library = _Library()
    except MedtalkError as err:
        _reply_or_exit(replies, ("error", str(err)))
        return
    # the caller may already be gone (Ctrl-C while a worker was starting its helper)
    _reply_or_exit(replies, ("ok", (library.version, library.data_path)))
    while True:
        try:
            method, args = receive(requests)
        except EOFError:  # the calling process is gone
            return
        pid = os.fork()
        if pid == 0:  # the child: one request from the pristine state, then exit
            try:
                reply = ("ok", getattr(library, method)(*args))
            except MedtalkError as err:
                reply = ("error", str(err))
            except Exception as err:  # a bug: reported to the caller, not swallowed
                reply = ("error", f"espeak helper: {type(err).__name__}: {err}")
            _reply_or_exit(replies, reply)
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        if status != 0:
            _reply_or_exit(replies, ("crash", f"espeak-ng crashed (exit status {status})"))


def _reply_or_exit(replies: BinaryIO, message: Any) -> None:
    """Send a reply; if the caller is gone (interrupted, killed), end quietly instead of a traceback."""
    try:
        send(replies, message)
    except (BrokenPipeError, ConnectionResetError):
        os._exit(0)


class EspeakCrash(MedtalkError):
    """libespeak-ng died on one request (the helper survives: each request runs in its own child)."""


class Espeak:
    """A client of the helper process; calls are serialised by a lock."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )
        self._owner = os.getpid()
        self._lock = threading.Lock()
        self.version, data_path = self._reply()
        self.data_path = Path(data_path)
        atexit.register(self.close)

    def _reply(self) -> Any:
        try:
            kind, value = receive(self._process.stdout)
        except EOFError:
            raise MedtalkError(f"the espeak-ng helper process died (exit status {self._process.poll()})") from None
        if kind == "crash":
            raise EspeakCrash(value)
        if kind == "error":
            raise MedtalkError(value)
        return value

    def call(self, method: str, *args: Any) -> Any:
        """``method(*args)`` of the helper's library (``speak``, ``phonemes``, ``accepts``, ``voices``)."""
        with self._lock:
            try:
                send(self._process.stdin, (method, args))
            except BrokenPipeError:
                raise MedtalkError("the espeak-ng helper process died") from None
            return self._reply()

    def close(self) -> None:
        """End the helper (it exits when its stdin closes)."""
        if os.getpid() == self._owner and self._process.poll() is None:
            self._process.stdin.close()
            self._process.wait()

    @property
    def usable(self) -> bool:
        """False in a forked copy of the owner (the pipes belong to the owner) or when the helper died."""
        return os.getpid() == self._owner and self._process.poll() is None


_HELPER: Espeak | None = None
_HELPER_LOCK = threading.Lock()


def helper() -> Espeak:
    """This process's espeak-ng helper, started on first use (and again after a fork)."""
    global _HELPER
    with _HELPER_LOCK:
        if _HELPER is None or not _HELPER.usable:
            _HELPER = Espeak()
        return _HELPER


if __name__ == "__main__":
    serve()
