"""The seven emotion labels of the paper, the aliases people type, and the intensity scale's bound."""

from __future__ import annotations

from medtalk.errors import MedtalkError

# how far a user may scale the predicted intensity (`animate --intensity`, the studio, batch
# manifests): beyond it the jaw pins at its limit and the lips stop moving
MAX_INTENSITY = 3.0

EMOTIONS: tuple[str, ...] = ("angry", "disgust", "fear", "happy", "neutral", "sad", "surprised")

ALIASES: dict[str, str] = {
    "anger": "angry", "mad": "angry", "furious": "angry",
    "disgusted": "disgust", "disg": "disgust",
    "fearful": "fear", "afraid": "fear", "scared": "fear",
    "happiness": "happy", "joy": "happy", "joyful": "happy",
    "calm": "neutral", "none": "neutral",
    "sadness": "sad", "unhappy": "sad",
    "surprise": "surprised", "surp": "surprised",
}


def parse_emotion(name: str) -> str:
    """Canonical label for ``name`` (case-insensitive, aliases accepted)."""
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key not in EMOTIONS:
        raise MedtalkError(f"unknown emotion {name!r}; choose one of {', '.join(EMOTIONS)}")
    return key


def emotion_from_filename(stem: str) -> str | None:
    """The label encoded as an EmoFace file-name prefix (``angry_gd04_001_021``), if any."""
    prefix = stem.split("_", 1)[0].lower()
    try:
        return parse_emotion(prefix)
    except MedtalkError:
        return None
