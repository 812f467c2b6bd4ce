"""``medtalk export``: write a rig for Unreal, Maya, Blender, ARKit or as JSON."""

from __future__ import annotations

import argparse
from pathlib import Path

from medtalk.cli._common import add_output, add_quiet, fps, number_in

TARGETS = "unreal, maya, blender, arkit-csv, expressions-csv, json, all"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write a rig for Unreal, Maya, Blender, ARKit/Live Link Face",
        description="Write a face-board rig as the files each tool reads: editor scripts plus the "
        "CSV data they key. See docs/EXPORT.md for the steps in each tool.",
    )
    parser.add_argument("rig", type=Path, help="rig file (.txt, .csv, .json or .npz)")
    parser.add_argument("--to", dest="target", required=True, metavar="TARGET", help=f"one of: {TARGETS}")
    add_output(parser, help="output folder (created if missing)")
    parser.add_argument("--fps", type=fps, help="resample to this frame rate first (default: the rig's)")
    parser.add_argument("--name", help="base name of the files written (default: the rig file's name)")
    unreal = parser.add_argument_group("Unreal")
    unreal.add_argument("--skeleton", help="face skeleton asset for the AnimSequence "
                        "(default /Game/MetaHumans/Common/Face/Face_Archetype_Skeleton)")
    unreal.add_argument("--content-path", help="content folder for the AnimSequence (default /Game/MedTalk)")
    unreal.add_argument("--level-sequence", help="Level Sequence to key (default: the one open in Sequencer)")
    unreal.add_argument("--curve-table", type=Path, metavar="JSON",
                        help="board->CTRL_expressions table replacing the default (e.g. from your DNA)")
    dcc = parser.add_argument_group("Maya and Blender")
    dcc.add_argument("--namespace", help="Maya namespace of the face-board controls")
    dcc.add_argument("--mesh", help="Blender object with the shape keys (default: the active object)")
    dcc.add_argument("--shape-key-map", type=Path, metavar="JSON",
                     help='{"eyeBlinkLeft": "your shape key", ...} for Blender')
    dcc.add_argument("--start-frame", type=number_in(-10**9, 10**9, kind=int), help="first keyed frame in Maya and Blender (default 0)")
    add_quiet(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from medtalk.export import ExportOptions, export_rig
    from medtalk.rig import read_rig

    rig = read_rig(args.rig)
    chosen = {
        "skeleton": args.skeleton, "content_path": args.content_path,
        "level_sequence": args.level_sequence, "namespace": args.namespace, "mesh": args.mesh,
        "curve_table": args.curve_table, "shape_key_map": args.shape_key_map,
        "start_frame": args.start_frame,
    }
    options = ExportOptions(**{k: v for k, v in chosen.items() if v is not None})
    name = args.name or args.rig.stem
    paths = export_rig(rig, args.target, args.output, name, args.fps, args.force, options)
    if not args.quiet:
        for path in paths:
            print(path)
    return 0
