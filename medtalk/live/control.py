"""Directing a stream while it runs: control messages, and the terminal keys that stand for them.

A control message is a JSON object with a ``type``:

- ``{"type": "emotion", "emotion": "happy"}``: a label or a blend
  (``"happy:0.7,surprised:0.3"``); or ``"describe": "a simmering glare"``, or
  ``"reference": "face.jpg"`` (a photo on the machine that runs the stream);
  an optional ``"intensity"`` changes the intensity scale with it;
- ``{"type": "intensity", "value": 0.8}``: the intensity scale (>= 0);
- ``{"type": "words", "text": "Hello there", "times": [[0.5, 0.8], [0.8, 1.2]]}``:
  transcript words, with each word's start and end in seconds from the
  stream's start, or without ``times``;
- ``{"type": "end"}``: the audio has ended (a WebSocket client's stream is flushed).

The terminal keys (``KEYS``) are the same messages: ``1``-``7`` pick a label,
``+``/``-`` step the intensity, ``0`` resets it.
"""

from __future__ import annotations

import json
from typing import Any

from medtalk.emotions import EMOTIONS
from medtalk.errors import MedtalkError
from medtalk.live.stream import Stream

INTENSITY_STEP = 0.1
TYPES = ("emotion", "intensity", "words", "end")
KEYS = {str(k + 1): {"type": "emotion", "emotion": label} for k, label in enumerate(EMOTIONS)}
KEY_HELP = "keys: " + " ".join(f"{k}={m['emotion']}" for k, m in KEYS.items()) + "  +/- intensity  0 reset  q quit"


def parse_message(text: str | bytes) -> dict[str, Any]:
    """A control message from JSON text, checked for its shape (not yet applied)."""
    try:
        message = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise MedtalkError(f"control message is not JSON ({err})") from None
    if not isinstance(message, dict) or message.get("type") not in TYPES:
        raise MedtalkError(f"control message needs a \"type\" of {', '.join(TYPES)}")
    return message


def key_message(key: str, stream: Stream) -> dict[str, Any] | None:
    """The control message a terminal key stands for (None for keys with no meaning)."""
    if key in KEYS:
        return KEYS[key]
    scale = stream.intensity
    if key in "+=":
        return {"type": "intensity", "value": round(scale + INTENSITY_STEP, 3)}
    if key in "-_":
        return {"type": "intensity", "value": round(max(0.0, scale - INTENSITY_STEP), 3)}
    if key == "0":
        return {"type": "intensity", "value": 1.0}
    return None


def apply(stream: Stream, message: dict[str, Any]) -> str:
    """Carry out a control message on ``stream``; returns what changed, in words. ``end`` is the
    caller's (it owns the stream's end)."""
    kind = message["type"]
    unknown = sorted(set(message) - set(_FIELDS[kind]) - {"type"})
    if unknown:
        raise MedtalkError(f"{kind} message: unknown field(s) {', '.join(unknown)}")
    if kind == "emotion":
        given = [k for k in ("emotion", "describe", "reference") if k in message]
        if len(given) != 1 or not isinstance(message[given[0]], str):
            raise MedtalkError("emotion message needs one of emotion, describe or reference, as text")
        intensity = _number(message["intensity"], "intensity") if "intensity" in message else None
        stream.set_emotion(**{given[0]: message[given[0]]}, intensity=intensity)
        return f"{given[0]} {message[given[0]]}"
    if kind == "intensity":
        stream.set_emotion(intensity=_number(message.get("value"), "value"))
        return f"intensity {stream.intensity:g}"
    if kind == "words":
        if not isinstance(message.get("text"), str):
            raise MedtalkError("words message needs \"text\"")
        stream.push_words(message["text"], message.get("times"))
        return f"words {message['text']!r}"
    return "end"


_FIELDS = {"emotion": ("emotion", "describe", "reference", "intensity"), "intensity": ("value",),
           "words": ("text", "times"), "end": ()}


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise MedtalkError(f"{name} must be a number, got {value!r}")
    return float(value)
