"""``medtalk eval MODEL_OR_RUN DATA``: the paper's metrics per clip and overall, as a table and JSON."""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from medtalk.cli._common import add_output, add_quiet
from medtalk.errors import MedtalkError
from medtalk.files import atomic_output, check_writable


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval", help="MLE, MEE, EIE and FRD of a model (or baseline) on a dataset",
        description="Animate every clip of DATA (EmoFace layout) with its audio, label and transcript, and "
                    "score it against its rig: MLE, MEE, EIE, FRD per clip, per language and overall. "
                    "MODEL_OR_RUN is a model file, a run folder, or 'performer' (the procedural performer "
                    "driven by a pocketsphinx forced alignment; English only).",
    )
    parser.add_argument("model", metavar="MODEL_OR_RUN", help="model file, run folder, or 'performer'")
    parser.add_argument("data", type=Path, help="dataset folder in the EmoFace layout")
    parser.add_argument("--split", default="test",
                        help="split to evaluate (default: test; a dataset without splits is evaluated whole)")
    parser.add_argument("--language", help="only the clips of this META language (e.g. en)")
    parser.add_argument("--no-text", action="store_true", help="withhold the transcripts from the model")
    parser.add_argument("--cache", type=Path,
                        help="feature cache folder (default: the one a run folder trained with, else temporary)")
    add_output(parser, help="write the report as JSON (per-clip rows included)", required=False)
    add_quiet(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from medtalk.eval.methods import PERFORMER, eval_clips, load_method, run_cache
    from medtalk.eval.report import evaluate, markdown_table

    if args.output is not None:
        check_writable(args.output, args.force)
    if not args.data.is_dir():
        raise MedtalkError(f"{args.data}: no such dataset folder")
    method, description = load_method(args.model, text=not args.no_text)
    cache = args.cache or (None if args.model == PERFORMER else run_cache(Path(args.model)))
    with tempfile.TemporaryDirectory(prefix="medtalk-eval-") as scratch:
        clips, chosen = eval_clips(args.data, cache or Path(scratch), args.split, args.language, not args.quiet)
        report = evaluate(method, clips, not args.quiet)
    report = {**description, "data": str(args.data), "selection": chosen, **report}
    rows = {"overall": report["overall"]}
    if set(report["languages"]) != {"?"}:  # the data names languages (META)
        rows.update({f"language {k}": v for k, v in report["languages"].items()})
    print(f"{args.model} on {args.data} ({chosen})\n\n{markdown_table(rows)}")
    if args.output is not None:
        with atomic_output(args.output, args.force) as tmp:
            tmp.write_text(json.dumps(report, indent=2))
        if not args.quiet:
            print(f"\nwrote {args.output}")
    return 0
