"""``medtalk face``: a photo's facial expression as a static MetaHuman board pose."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from medtalk.cli._common import add_output, add_quiet

if TYPE_CHECKING:
    import numpy as np

ROUNDING = 4  # decimals of the control values printed by --json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "face",
        help="turn a face photo's expression into a board pose",
        description="Find the face in a photo (MediaPipe face mesh), remove head pose, position and size, "
        "and fit the board controls that best explain its expression. Writes one frame as a rig file "
        "(.txt EmoFace row, .csv, .json or .npz by extension).",
    )
    p.add_argument("photo", type=Path, help="image file with a face (JPEG, PNG, ...)")
    add_output(p, "rig file for the pose (.txt .csv .json .npz)", required=False)
    p.add_argument("--json", action="store_true",
                   help="print the controls away from rest as JSON on stdout (and nothing else)")
    p.add_argument("--preview", type=Path, metavar="IMAGE", help="also draw the pose with the 2D preview face (.png)")
    add_quiet(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from medtalk.errors import MedtalkError
    from medtalk.files import check_writable, output_transaction
    from medtalk.guidance.face_model import fit_pose
    from medtalk.guidance.landmarks import face_landmarks
    from medtalk.preview.sheet import check_sheet_output
    from medtalk.rig import (
        CONTROL_NAMES,
        REST_POSE,
        RIG_EXTENSIONS,
        RigSequence,
        write_rig,
    )

    if args.output is None and args.preview is None and not args.json:
        raise MedtalkError("nothing to write: give -o RIG, --preview IMAGE and/or --json")
    if args.output is not None:
        if args.output.suffix.lower() not in RIG_EXTENSIONS:
            raise MedtalkError(f"{args.output}: unknown rig format; use one of {', '.join(RIG_EXTENSIONS)}")
        check_writable(args.output, args.force)
    if args.preview is not None:
        if args.output is not None and args.preview.resolve() == args.output.resolve():
            raise MedtalkError("-o and --preview name the same file")
        check_sheet_output(args.preview, args.force)

    values = fit_pose(face_landmarks(args.photo))

    say = not (args.quiet or args.json)  # with --json, stdout carries only the JSON document
    with output_transaction():  # the rig and its preview appear together or not at all
        if args.output is not None:
            write_rig(RigSequence(values[None, :], metadata={"source": str(args.photo)}), args.output, args.force)
        if args.preview is not None:
            _write_preview(values, args.preview, args.force)
    for path in (args.output, args.preview):
        if path is not None and say:
            print(f"wrote {path}")
    if args.json:
        moved = {name: round(float(v), ROUNDING) for name, v, rest in zip(CONTROL_NAMES, values, REST_POSE)
                 if round(float(v - rest), ROUNDING) != 0}
        print(json.dumps({"photo": str(args.photo), "controls": moved}, indent=2))
    return 0


def _write_preview(values: np.ndarray, path: Path, force: bool) -> None:
    from medtalk.files import atomic_output
    from medtalk.preview import render_frame
    from medtalk.preview.sheet import check_sheet_output

    fmt = check_sheet_output(path, force)
    with atomic_output(path, force) as tmp:
        render_frame(values).save(tmp, format=fmt)
