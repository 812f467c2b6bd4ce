"""``medtalk livelink``: stream a rig to Unreal as Live Link Face UDP packets."""

from __future__ import annotations

import argparse
from pathlib import Path

from medtalk.cli._common import add_quiet, fps


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "livelink",
        help="stream a rig in real time to Unreal's Live Link Face source",
        description="Send a face-board rig as Live Link Face UDP packets (ARKit 52), one per frame "
        "in real time, to the address you give. In Unreal add a Live Link Face source.",
    )
    parser.add_argument("rig", type=Path, help="rig file (.txt, .csv, .json or .npz)")
    parser.add_argument("--target", required=True, metavar="HOST:PORT",
                        help="where Unreal listens, e.g. 127.0.0.1:11111")
    parser.add_argument("--subject", default="MEDTalk", help="Live Link subject name (default MEDTalk)")
    parser.add_argument("--audio", type=Path, help="play this audio alongside (needs ffplay)")
    parser.add_argument("--loop", action="store_true", help="repeat until interrupted (Ctrl-C)")
    parser.add_argument("--fps", type=fps, help="resample to this frame rate first (default: the rig's)")
    add_quiet(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from medtalk.export.livelink import parse_target, stream
    from medtalk.rig import read_rig

    host, port = parse_target(args.target)
    rig = read_rig(args.rig)
    if not args.quiet:
        print(f"streaming {rig.num_frames} frames ({rig.duration:.1f} s{', looped' if args.loop else ''}) "
              f"to {host}:{port} as subject {args.subject!r}; Ctrl-C stops")
    stats = stream(rig, host, port, args.subject, args.audio, args.loop, args.fps, progress=not args.quiet)
    if not args.quiet:
        late = stats.max_late * 1000
        print(f"sent {stats.sent} frames, dropped {stats.dropped}, latest send {late:.1f} ms late")
    return 0
