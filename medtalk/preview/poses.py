"""Hand-built board poses: visemes and the seven emotions, for tests and the docs gallery.

Regenerate the gallery in ``docs/PREVIEW.md`` with::

    python -m medtalk.preview.poses docs/img/preview_gallery.png --force
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from medtalk.rig import REST_POSE, index


def pose(**controls: float) -> np.ndarray:
    """Rest pose ``(174,)`` with controls set by short name.

    ``brow_down=0.5`` sets ``CTRL_L_`` and ``CTRL_R_brow_down``; names starting
    with ``C_``, ``L_`` or ``R_`` set one control; a ``_tx`` suffix selects
    ``translateX`` (``C_eye_tx``).
    """
    values = REST_POSE.copy()
    for key, value in controls.items():
        axis = "translateX" if key.endswith("_tx") else "translateY"
        base = key.removesuffix("_tx")
        names = [base] if base[:2] in ("C_", "L_", "R_") else [f"L_{base}", f"R_{base}"]
        for name in names:
            values[index(f"CTRL_{name}-{axis}")] = value
    return values


VISEMES = {
    "rest": pose(),
    "ah": pose(C_jaw=0.55, mouth_lowerLipDepress=0.5, mouth_upperLipRaise=0.2),
    "oo": pose(C_jaw=0.15, mouth_purseU=0.8, mouth_purseD=0.8, mouth_towardsU=0.7, mouth_towardsD=0.7,
               mouth_funnelU=0.4, mouth_funnelD=0.4),
    "ee": pose(C_jaw=0.15, mouth_stretch=0.5, mouth_corner_tx=0.4, mouth_lowerLipDepress=0.3,
               mouth_upperLipRaise=0.2),
    "m": pose(C_jaw=0.1, mouth_lipsTogetherU=0.8, mouth_lipsTogetherD=0.8, mouth_pressU=0.3, mouth_pressD=0.3),
    "f": pose(C_jaw=0.08, mouth_lipBiteD=0.8, mouth_upperLipRaise=0.2),
    "th": pose(C_jaw=0.2, C_tongue_inOut=-0.7, C_tongue_tip=0.5, mouth_lowerLipDepress=0.2),
    "l": pose(C_jaw=0.35, C_tongue=0.9, C_tongue_tip=0.8, mouth_lowerLipDepress=0.3),
}

EMOTIONS = {
    "neutral": pose(),
    "happy": pose(mouth_cornerPull=0.9, eye_cheekRaise=0.7, mouth_dimple=0.4, C_jaw=0.08,
                  mouth_lowerLipDepress=0.2, mouth_upperLipRaise=0.15),
    "sad": pose(brow_raiseIn=0.9, brow_lateral=0.3, mouth_cornerDepress=0.8, eye_blink=0.2, jaw_ChinRaiseD=0.4),
    "angry": pose(brow_down=0.9, brow_lateral=0.8, eye_squintInner=0.6, eye_blink=-0.1, mouth_pressU=0.6,
                  mouth_pressD=0.6, nose=0.4, mouth_upperLipRaise=0.15),
    "surprised": pose(brow_raiseIn=0.9, brow_raiseOut=0.9, eye_blink=-0.8, C_jaw=0.5, mouth_lowerLipDepress=0.3),
    "fear": pose(brow_raiseIn=0.9, brow_raiseOut=0.4, brow_lateral=0.6, eye_blink=-0.7, mouth_stretch=0.8,
                 C_jaw=0.15, mouth_lowerLipDepress=0.4),
    "disgust": pose(nose=0.8, nose_wrinkleUpper=0.6, mouth_upperLipRaise=0.7, L_mouth_upperLipRaise=0.9,
                    brow_down=0.5, eye_squintInner=0.5, eye_cheekRaise=0.3, mouth_lowerLipDepress=0.3,
                    mouth_cornerDepress=0.3),
}


def main() -> None:
    from medtalk.preview.sheet import render_sheet

    parser = argparse.ArgumentParser(description="Render the viseme and emotion poses as one sheet.")
    parser.add_argument("output", type=Path)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("-f", "--force", action="store_true")
    args = parser.parse_args()
    panels = [(name, values) for name, values in {**EMOTIONS, **VISEMES}.items() if name != "rest"]
    render_sheet(panels, args.output, size=args.size, force=args.force)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
