"""``medtalk synth``: the procedural performer on the command line.

``synth say`` speaks one sentence with an emotion and writes the speech, its
rig and its metadata; ``synth dataset`` (from ``_synth_dataset``) generates a
whole training corpus.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from medtalk.cli._common import add_output, add_quiet, seed
from medtalk.emotions import EMOTIONS
from medtalk.errors import MedtalkError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "synth", help="synthetic speech and rigs from text (the procedural performer)",
        description="Procedural performer: espeak-ng speech with rule-based MetaHuman rigs.",
    )
    sub = parser.add_subparsers(dest="synth_command", metavar="SUBCOMMAND", required=True)
    say = sub.add_parser(
        "say", help="speak one sentence with an emotion: writes .wav, .txt rig and .json metadata",
        description="Speak TEXT with an emotion. Writes OUTPUT.wav (16 kHz mono), OUTPUT.txt "
                    "(rig, 60 fps, one row of 174 controls per frame) and OUTPUT.json (timing, intensity).",
    )
    say.add_argument("text", help="the sentence to speak")
    say.add_argument("-e", "--emotion", default="neutral", help=f"one of {', '.join(EMOTIONS)} (default neutral)")
    say.add_argument("--voice", default="en-us", help="espeak-ng voice, e.g. en-us, en-gb+f2, or another engine's: flite:slt, festival:kal+2, piper:joe (default en-us)")
    say.add_argument("--seed", type=seed, default=0, help="random seed of the performance (default 0)")
    add_output(say, help="output .wav; the .txt rig and .json metadata are written next to it")
    add_quiet(say)
    say.set_defaults(func=run)
    try:
        from medtalk.cli._synth_dataset import add_dataset_parser
    except ModuleNotFoundError as err:  # the dataset command is optional; its own import errors are not
        if err.name != "medtalk.cli._synth_dataset":
            raise
    else:
        add_dataset_parser(sub)


def output_paths(output: Path) -> tuple[Path, Path, Path]:
    """The ``.wav``, ``.txt`` and ``.json`` paths for ``-o`` (given with or without ``.wav``)."""
    if output.suffix.lower() not in ("", ".wav"):
        raise MedtalkError(f"{output}: the output must be a .wav file (the .txt and .json go next to it)")
    base = output.with_suffix("")
    return base.with_suffix(".wav"), base.with_suffix(".txt"), base.with_suffix(".json")


def run(args: argparse.Namespace) -> int:
    from medtalk.audio import write_wav
    from medtalk.files import atomic_output, check_writable, output_transaction
    from medtalk.rig import write_rig
    from medtalk.synth.performer import perform

    paths = output_paths(args.output)
    for path in paths:
        check_writable(path, args.force)
    performance = perform(args.text, args.emotion, voice=args.voice, seed=args.seed)
    wav, txt, meta = paths
    with output_transaction():  # the three files appear together or not at all
        write_wav(wav, performance.utterance.audio, performance.utterance.sample_rate, force=args.force)
        write_rig(performance.rig, txt, force=args.force)
        with atomic_output(meta, args.force) as tmp_meta:
            tmp_meta.write_text(json.dumps(performance.metadata(), indent=1))
    if not args.quiet:
        print(f"{wav}, {txt}, {meta}: {performance.rig.num_frames} frames "
              f"({performance.utterance.duration:.2f} s, {performance.emotion}, {performance.voice})")
    return 0
