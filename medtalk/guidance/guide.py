"""What sets the emotion of an animation: a label, a blend of labels, a description or a photo.

Every kind becomes one vector in the label-embedding space (``guide_vector``),
which the model uses in place of ``f`` (only its direction matters: the
per-frame intensity sets its length):

- a **label**: its embedding ``f``;
- a **blend** (``"happy:0.7,surprised:0.3"``): the weights are normalised to
  sum to 1 and weight the labels' unit directions ``f / ||f||`` (so a 50/50
  blend is halfway between the two, whatever their raw norms);
- a **description**: ``P_text`` of its MiniLM sentence embedding;
- a **photo**: ``P_image`` of the expression descriptor of its MediaPipe face
  mesh.

Descriptions and photos need a model trained through stage 4.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from medtalk.emotions import EMOTIONS, parse_emotion
from medtalk.errors import MedtalkError

KINDS = ("label", "blend", "description", "image")


@dataclass(frozen=True)
class Guide:
    """One emotion source: ``kind`` in :data:`KINDS`; ``value`` a label, ``{label: weight}``
    (normalised), a description or an image path."""

    kind: str
    value: str | tuple[tuple[str, float], ...] | Path

    def __str__(self) -> str:
        if self.kind == "label":
            return str(self.value)
        if self.kind == "blend":
            return ",".join(f"{label}:{weight:.2f}" for label, weight in self.value)  # type: ignore[union-attr]
        return f"{self.kind} {str(self.value)!r}"


def parse_blend(text: str) -> Guide:
    """``"happy:0.7,surprised:0.3"`` (or a bare label) -> a blend (or label) guide; weights normalised."""
    parts = [p.strip() for p in text.split(",")]
    if not any(parts):
        raise MedtalkError("the emotion is empty; give a label like happy or a blend like happy:0.7,sad:0.3")
    if not all(parts):
        raise MedtalkError(f"blend {text!r} has an empty part; write it like happy:0.7,sad:0.3")
    if len(parts) == 1 and ":" not in parts[0]:
        return Guide("label", parse_emotion(parts[0]))
    weights: dict[str, float] = {}
    for part in parts:
        name, sep, number = part.partition(":")
        label = parse_emotion(name)
        try:
            weight = float(number) if sep else 1.0
        except ValueError:
            raise MedtalkError(f"blend {text!r}: {number!r} is not a weight (use label:0.5)") from None
        if not (math.isfinite(weight) and weight >= 0):
            raise MedtalkError(f"blend {text!r}: weights must be finite and >= 0, got {number}")
        if label in weights:
            raise MedtalkError(f"blend {text!r}: {label} appears twice")
        weights[label] = weight
    total = sum(weights.values())
    if total <= 0:
        raise MedtalkError(f"blend {text!r}: the weights add up to 0")
    if len(weights) == 1:
        return Guide("label", next(iter(weights)))
    return Guide("blend", tuple((label, w / total) for label, w in weights.items()))


def description_guide(text: str) -> Guide:
    """A description guide; an empty or blank description is an error."""
    if not isinstance(text, str) or not text.strip():
        raise MedtalkError("the description is empty; describe the expression, e.g. 'quietly furious, jaw set'")
    return Guide("description", text.strip())


def image_guide(path: Path | str) -> Guide:
    """A photo guide (the file is read when its vector is computed)."""
    return Guide("image", Path(path))


def parse_guide(emotion: str | None = None, describe: str | None = None,
                reference: Path | str | None = None) -> Guide:
    """The one emotion source given: a label or blend ``emotion`` (default neutral), a
    description or a reference photo; more than one is an error."""
    given = [name for name, v in (("describe", describe), ("reference", reference)) if v is not None]
    if len(given) > 1 or (given and emotion not in (None, "neutral")):
        raise MedtalkError("give one of emotion, describe or reference")
    if describe is not None:
        return description_guide(describe)
    if reference is not None:
        return image_guide(reference)
    return parse_blend(emotion or "neutral")


def _needs_stage4(model: torch.nn.Module, guide: Guide) -> None:
    if not bool(model.guidance.trained):
        raise MedtalkError(
            f"this model was not trained for {guide.kind} guidance (stage 4); use a label or a blend, "
            "or train it: medtalk train DATA -o RUN --stages 4 --resume"
        )


@torch.inference_mode()
def guide_vector(model: torch.nn.Module, guide: Guide) -> torch.Tensor:
    """The guide as a vector of the label-embedding space: ``(label_dim,)`` (``model``: a ``MEDTalk``)."""
    if guide.kind == "label":
        return model.fim.label(torch.tensor([EMOTIONS.index(str(guide.value))]))[0]
    if guide.kind == "blend":
        from medtalk.model.intensity import unit

        labels = torch.tensor([EMOTIONS.index(label) for label, _ in guide.value])  # type: ignore[union-attr]
        weights = torch.tensor([w for _, w in guide.value], dtype=torch.float32)  # type: ignore[union-attr]
        return (weights[:, None] * unit(model.fim.label(labels))).sum(dim=0)
    _needs_stage4(model, guide)
    if guide.kind == "description":
        from medtalk.text import sentence_encoder

        embedding = sentence_encoder(model.guidance.config.text_encoder).sentence(str(guide.value))
        return model.guidance.text(torch.from_numpy(embedding)[None])[0]
    if guide.kind == "image":
        from medtalk.guidance.descriptor import expression_descriptor
        from medtalk.guidance.landmarks import face_landmarks

        descriptor = expression_descriptor(face_landmarks(Path(guide.value)))
        return model.guidance.image(torch.from_numpy(np.asarray(descriptor, dtype=np.float32))[None])[0]
    raise MedtalkError(f"unknown guide kind {guide.kind!r}; one of {', '.join(KINDS)}")
