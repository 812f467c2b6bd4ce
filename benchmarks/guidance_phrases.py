"""Where descriptions land: the label embeddings closest to P_text of each phrase.

Run: .venv/bin/python benchmarks/guidance_phrases.py [--model PATH] [PHRASE ...]
Prints, for each phrase (default: the examples of docs/GUIDANCE.md's
"Writing good descriptions"), the cosine of its guide vector with the three
closest label embeddings ``f``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from _common import load_measured_model

EXAMPLES = (
    "seething with anger, glaring", "grossed out by the smell", "terrified, eyes wide",
    "beaming with joy, big smile", "a warm smile", "calm and matter-of-fact", "heartbroken, on the verge of tears",
    "astonished, jaw dropped", "on cloud nine", "quietly furious", "quietly furious, jaw set, brows down",
    "jaw set, brows down", "happy but a bit scared", "smiling through tears", "not at all happy",
    "after her dog died, at the window", "a cold stare", "sarcastic smirk", "barely sad", "utterly sad",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("phrases", nargs="*", default=EXAMPLES)
    parser.add_argument("--model", type=Path, help="model file (default: the installed model)")
    args = parser.parse_args()

    import numpy as np
    import torch

    from medtalk.emotions import EMOTIONS
    from medtalk.guidance.guide import description_guide, guide_vector
    from medtalk.model.intensity import unit

    torch.set_num_threads(1)
    model = load_measured_model(args.model)
    with torch.no_grad():
        labels = unit(model.fim.label(torch.arange(len(EMOTIONS))))
    for phrase in args.phrases:
        cos = (labels @ unit(guide_vector(model, description_guide(phrase)))).numpy()
        best = np.argsort(-cos)[:3]
        print(f"{phrase!r:45s} " + ", ".join(f"{EMOTIONS[i]} {cos[i]:.2f}" for i in best))


if __name__ == "__main__":
    main()
