"""What text and image guidance cost per call once the models are loaded.

Run: .venv/bin/python benchmarks/guidance_speed.py [--repeats 20] [--model PATH]
Prints best-of-repeats wall times of what ``medtalk animate`` adds for a
description or a photo instead of a label (``guide_vector`` with the
installed model, or ``--model``): the sentence embedding (the model's encoder) + P_text for
one description; MediaPipe landmarks + expression descriptor + P_image for
one photo (the RAVDESS frame when the reference folder is present, else a
preview drawing of a smile); the label's own embedding for comparison;
fit_pose (``medtalk face``); and the training-side synthesis of one
descriptor from a rig frame. Load times are printed separately. Target
(issue 4): guidance adds under 100 ms per call once loaded.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from _common import REAL, best_of, load_measured_model

PHOTO = REAL / "ravdess_01-01-03-02-01-01-24.png"
DESCRIPTION = "a tight-lipped, simmering glare, nostrils flared"


def photo(folder: Path) -> Path:
    if PHOTO.is_file():
        return PHOTO
    from medtalk.preview import render_frame
    from medtalk.rig import REST_POSE
    from medtalk.synth.poses import pose

    path = folder / "smile.png"
    render_frame(REST_POSE + pose({"mouth_cornerPull": 0.8, "eye_cheekRaise": 0.6}), 512).save(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--model", type=Path, help="model file (default: the installed model)")
    args = parser.parse_args()

    import torch

    from medtalk.guidance.descriptor import expression_descriptor
    from medtalk.guidance.face_model import fit_pose, synth_landmarks
    from medtalk.guidance.guide import description_guide, guide_vector, image_guide, parse_blend
    from medtalk.guidance.landmarks import face_landmarks
    from medtalk.rig import REST_POSE
    from medtalk.text import sentence_encoder

    torch.set_num_threads(1)
    model = load_measured_model(args.model)
    if not bool(model.guidance.trained):
        raise SystemExit("this model has no stage 4 (train it with --stages 4)")
    start = time.perf_counter()
    encoder = model.guidance.config.text_encoder
    sentence_encoder(encoder)
    print(f"{encoder} load {time.perf_counter() - start:.2f} s (the model's description encoder)")

    label, blend = parse_blend("happy"), parse_blend("happy:0.7,surprised:0.3")
    print(f"label (embedding f)                                {1000 * best_of(args.repeats, lambda: guide_vector(model, label)):6.2f} ms")
    print(f"blend of two labels                                {1000 * best_of(args.repeats, lambda: guide_vector(model, blend)):6.2f} ms")
    text = description_guide(DESCRIPTION)
    guide_vector(model, text)
    print(f"text guidance (sentence embedding + P_text)        {1000 * best_of(args.repeats, lambda: guide_vector(model, text)):6.1f} ms")

    with tempfile.TemporaryDirectory() as folder:
        image = photo(Path(folder))
        start = time.perf_counter()
        face_landmarks(image)
        print(f"MediaPipe load + first photo {time.perf_counter() - start:.2f} s ({image.name})")

        photo_guide = image_guide(image)
        t_landmarks = best_of(args.repeats, lambda: face_landmarks(image))
        t_image = best_of(args.repeats, lambda: guide_vector(model, photo_guide))
        print(f"image guidance (landmarks + descriptor + P_image)  {1000 * t_image:6.1f} ms"
              f"  (landmarks alone {1000 * t_landmarks:.1f} ms, incl. reading the file)")
        landmarks = face_landmarks(image)
        fit_pose(landmarks)  # builds the fit's matrices once
        print(f"fit_pose (medtalk face)                            "
              f"{1000 * best_of(args.repeats, lambda: fit_pose(landmarks)):6.1f} ms")

    rng = np.random.default_rng(0)
    per_frame = best_of(3, lambda: [expression_descriptor(synth_landmarks(REST_POSE, rng)) for _ in range(200)]) / 200
    print(f"training: synthesised landmarks + descriptor       {1000 * per_frame:6.2f} ms per rig frame")


if __name__ == "__main__":
    main()
