"""``medtalk preview``: draw rigs as a 2D talking face (video and/or contact sheet)."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from medtalk.cli._common import MAX_PREVIEW_SIZE, MIN_PREVIEW_SIZE, add_output, add_quiet, fps, number_in, preview_size


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "preview",
        help="render rigs as a 2D face video (with audio) or a contact sheet",
        description="Draw a front-view 2D face driven by the 174 board controls: an H.264 video "
        "(-o, rigs side by side when several) and/or a PNG sheet with one labelled panel per rig (--sheet).",
    )
    p.add_argument("rigs", nargs="+", type=Path, metavar="RIG", help="rig files (.txt .csv .json .npz)")
    add_output(p, "video to write (.mp4 .mov .m4v .mkv)", required=False)
    p.add_argument("--audio", type=Path, help="audio to mux into the video (any format ffmpeg reads)")
    p.add_argument("--sheet", type=Path, help="also (or only) write a PNG sheet, one panel per rig")
    p.add_argument("--time", type=number_in(0, math.inf), metavar="SECONDS",
                   help="sheet frame time (default: each rig's most expressive frame)")
    p.add_argument("--curves", action="store_true", help="plot key curves under the face with a playhead")
    p.add_argument("--size", type=preview_size, default=512,
                   help=f"face size in pixels (even, {MIN_PREVIEW_SIZE}-{MAX_PREVIEW_SIZE}, default 512)")
    p.add_argument("--fps", type=fps, help="frame rate of .txt rigs (default 60)")
    add_quiet(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from medtalk.errors import MedtalkError
    from medtalk.files import output_transaction
    from medtalk.preview import pick_frame, render_sheet, render_video, rig_label
    from medtalk.preview.sheet import check_sheet_output
    from medtalk.preview.video import check_audio, check_size, check_video_output
    from medtalk.rig import read_rig

    if args.output is None and args.sheet is None:
        raise MedtalkError("nothing to write: give -o VIDEO and/or --sheet PNG")
    if args.audio is not None and args.output is None:
        raise MedtalkError("--audio needs a video output (-o)")
    if args.output is not None and args.sheet is not None and args.output.resolve() == args.sheet.resolve():
        raise MedtalkError("-o and --sheet name the same file")
    # every check before any rendering, so a bad input never leaves one output written
    check_size(args.size)
    rigs = [read_rig(path, args.fps) for path in args.rigs]
    labels = [rig_label(path, rig) for path, rig in zip(args.rigs, rigs)]
    if args.output is not None:
        check_video_output(args.output, args.force)
    if args.sheet is not None:
        check_sheet_output(args.sheet, args.force)
    if args.audio is not None:
        check_audio(args.audio)
    frames = [pick_frame(rig, args.time) for rig in rigs] if args.sheet is not None else []

    with output_transaction():  # the sheet and the video appear together or not at all
        if args.sheet is not None:
            panels = [(label, rig.values[t]) for label, rig, t in zip(labels, rigs, frames)]
            render_sheet(panels, args.sheet, size=args.size, force=args.force)
        if args.output is not None:
            render_video(rigs if len(rigs) > 1 else rigs[0], args.output, audio=args.audio, curves=args.curves,
                         size=args.size, force=args.force, progress=not args.quiet,
                         labels=[label.split("\n")[0] for label in labels] if len(rigs) > 1 else None)
    if not args.quiet:
        for path in (args.sheet, args.output):
            if path is not None:
                print(f"wrote {path}")
    return 0
