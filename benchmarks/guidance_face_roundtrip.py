"""How well ``fit_pose`` reads a drawn expression back: pose -> preview drawing -> MediaPipe -> fit.

Run: .venv/bin/python benchmarks/guidance_face_roundtrip.py [--figure docs/img/guidance_face_roundtrip.png]
For the seven hand-built emotion poses of the preview (``medtalk.preview.poses``)
it draws the face, finds its landmarks with MediaPipe, fits the board pose
and prints, over the upper-face and expressive-mouth controls (``S_EMO``), the
correlation between the drawn and the fitted pose and their mean absolute
difference. This checks the displacement model against MediaPipe's view of
an independent drawing (the preview was not written for it). With
``--figure`` it writes a sheet: the drawn poses on top, the fitted ones below.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

SIZE = 512  # pixels of each drawing handed to MediaPipe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figure", type=Path, help="write the drawn-vs-fitted sheet here")
    parser.add_argument("-f", "--force", action="store_true", help="overwrite the figure")
    args = parser.parse_args()

    from medtalk.guidance.face_model import fit_pose
    from medtalk.guidance.landmarks import image_landmarks
    from medtalk.preview import render_frame, render_sheet
    from medtalk.preview.poses import EMOTIONS
    from medtalk.rig import REST_POSE, S_EMO

    drawn, fitted = [], []
    print(f"{'pose':10s} {'corr':>6s} {'MAE':>6s}   (over the {len(S_EMO)} S_EMO controls)")
    for name, values in EMOTIONS.items():
        picture = np.asarray(render_frame(values, SIZE).convert("RGB"))
        fit = fit_pose(image_landmarks(picture, source=f"the {name} drawing"))
        a, b = values[S_EMO] - REST_POSE[S_EMO], fit[S_EMO] - REST_POSE[S_EMO]
        corr = float(np.corrcoef(a, b)[0, 1]) if a.std() > 0 and b.std() > 0 else float("nan")
        print(f"{name:10s} {corr:6.2f} {np.abs(a - b).mean():6.3f}")
        drawn.append((f"{name}\ndrawn", values))
        fitted.append((f"{name}\nread back", fit))
    if args.figure is not None:
        render_sheet(drawn + fitted, args.figure, size=256, force=args.force)
        print(f"wrote {args.figure}")


if __name__ == "__main__":
    main()
