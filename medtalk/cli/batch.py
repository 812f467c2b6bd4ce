"""``medtalk batch MANIFEST -o OUT``: every line of a CSV/JSONL manifest animated, resumable, on this
machine's cores or a Ray cluster (docs/BATCH.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from medtalk.cli._common import add_export, add_model, add_output, add_quiet, check_export

SHOWN_FAILURES = 10  # failed lines listed on stderr; the report has them all


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "batch", help="animate every line of a manifest (CSV or JSONL), resumable, here or on Ray",
        description="Animate every line of MANIFEST into OUT/<name>.txt (and --export files under OUT/<name>/), "
                    "longest lines first. Run it again to resume: unchanged lines are skipped, changed ones "
                    "redone. A bad line is reported in OUT/report.csv and the rest goes on; the exit status is 0 "
                    "when every line succeeded, 1 when some failed. Columns: audio (required), name, transcript "
                    "or transcript_file, emotion, describe, reference, timeline, intensity, language. A line without a "
                    "transcript is transcribed by Whisper (--no-transcribe: animated from the audio alone).",
    )
    parser.add_argument("manifest", type=Path, help="the lines: .csv with a header, or .jsonl")
    add_output(parser, help="output folder (created if missing)")
    parser.add_argument("-j", "--jobs", type=int, help="workers, each loading the model once "
                        "(default: one per core here, one per CPU of the Ray cluster)")
    parser.add_argument("--ray", nargs="?", const="auto", metavar="ADDRESS",
                        help="run on the Ray cluster whose head is at ADDRESS (host:port); "
                             "without ADDRESS, or `auto`, start a local one for this run")
    parser.add_argument("--no-transcribe", action="store_true", help="animate the lines without a transcript "
                        "from the audio alone (default: Whisper transcribes them, as medtalk animate does)")
    parser.add_argument("--whisper", metavar="MODEL", help="Whisper model for those lines: base (multilingual), tiny.en, "
                        "or a folder holding a CTranslate2 Whisper model (default: base detects the language, "
                        "tiny.en transcribes English and base the rest)")
    add_model(parser)
    add_export(parser, "under OUT/<name>/")
    add_quiet(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from medtalk.batch import BatchOptions, run_batch

    check_export(args.export)
    summary = run_batch(BatchOptions(args.manifest, args.output, args.jobs, args.ray, args.model, args.fps,
                                     args.export, args.force, progress=not args.quiet,
                                     transcribe=not args.no_transcribe, whisper=args.whisper))
    failed = [row for row in summary.rows if row["status"] == "failed"]
    for row in failed[:SHOWN_FAILURES]:
        print(f"line {row['line']} ({row['name'] or row['audio']}): {row['error']}", file=sys.stderr)
    if len(failed) > SHOWN_FAILURES:
        print(f"... and {len(failed) - SHOWN_FAILURES} more failed lines", file=sys.stderr)
    if not args.quiet:
        print(f"{len(summary.rows)} lines: {summary.count('done')} done, {summary.count('skipped')} skipped "
              f"(unchanged), {len(failed)} failed; report {summary.report}")
    return 1 if failed else 0
