"""``medtalk animate AUDIO -o OUT``: speech to a MetaHuman rig, the emotion set by a label, a blend,
a description, a photo or a timeline of them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from medtalk.cli._common import add_export, add_model, add_output, add_quiet, intensity
from medtalk.emotions import EMOTIONS, MAX_INTENSITY
from medtalk.errors import MedtalkError

if TYPE_CHECKING:  # the module itself imports torch, which `medtalk --help` must not wait for
    from medtalk.direction import Direction
    from medtalk.hearing import Hearing

THREADS = 2  # the machine this targets has few cores; more threads barely help a model this small


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "animate", help="animate speech with an emotion: writes a rig (.txt .csv .json .npz)",
        description="Animate AUDIO (any format ffmpeg reads) with the trained MEDTalk model. The output "
                    "format follows the extension of -o: .txt (EmoFace rows), .csv, .json or .npz.",
    )
    parser.add_argument("audio", type=Path, help="speech audio file")
    add_output(parser, help="output rig file (.txt, .csv, .json or .npz)")
    guide = parser.add_mutually_exclusive_group()
    guide.add_argument("-e", "--emotion", help=f"one of {', '.join(EMOTIONS)} (default neutral), or a blend "
                       "like happy:0.7,surprised:0.3")
    guide.add_argument("--describe", metavar="TEXT", help="describe the expression instead, e.g. "
                       "\"a tight-lipped, simmering glare\" (needs a model trained through stage 4)")
    guide.add_argument("--reference", type=Path, metavar="PHOTO", help="take the expression from a face photo "
                       "(.jpg, .png; needs a model trained through stage 4)")
    parser.add_argument("--timeline", type=Path, metavar="PLAN.json", help="change the emotion over time: "
                        "segments with start, end (s) and a label, blend, description or image each; gaps use "
                        "the emotion above (docs/GUIDANCE.md)")
    text = parser.add_mutually_exclusive_group()
    text.add_argument("--transcript", help="what is said: drives the per-frame intensity and, in English, "
                      "places the phones the lips follow (default: Whisper transcribes the audio)")
    text.add_argument("--transcript-file", type=Path, help="read the transcript from a text file")
    text.add_argument("--no-transcribe", action="store_true", help="do not transcribe: animate from the "
                      "audio alone")
    parser.add_argument("--language", metavar="CODE", help="the language spoken, as a Whisper code (en, de, "
                        "zh, ...; default: detected); with --transcript, a language other than English places "
                        "no phones")
    parser.add_argument("--whisper", metavar="MODEL", help="Whisper model for transcription: base (multilingual), tiny.en, "
                        "or a folder holding a CTranslate2 Whisper model (default: base detects the language, "
                        "tiny.en transcribes English and base the rest)")
    parser.add_argument("--intensity", type=intensity, default=1.0,
                        help=f"scale the predicted intensity, 0 to {MAX_INTENSITY:g} (default 1)")
    add_model(parser)
    parser.add_argument("--preview", type=Path, help="also render a preview video (.mp4) with the audio")
    add_export(parser, "next to -o or in --export-dir")
    parser.add_argument("--export-dir", type=Path, help="folder for --export files (default: the folder of -o)")
    parser.add_argument("--livelink", metavar="HOST:PORT", help="then stream the result in real time as "
                        "Live Link Face packets, with the audio playing")
    add_quiet(parser)
    parser.set_defaults(func=run, quick_exit=True)  # nothing of it runs on after its outputs are written


def _direction(args: argparse.Namespace) -> Direction:
    from medtalk.direction import Direction

    transcript = args.transcript
    if args.transcript_file is not None:
        from medtalk.files import read_text

        transcript = read_text(args.transcript_file, "transcript")
    return Direction(args.emotion, args.describe, args.reference, args.timeline, args.intensity, transcript,
                     _whisper(args), args.language)


def _whisper(args: argparse.Namespace):
    """The transcription options, None for the audio-only path (checked with the rest by ``direction.check``)."""
    if args.no_transcribe:
        if args.language is not None or args.whisper is not None:
            raise MedtalkError("--language and --whisper choose how to transcribe; they do not go with --no-transcribe")
        return None
    from medtalk.whisper.transcribe import WhisperOptions

    return WhisperOptions(args.whisper, args.language)


def run(args: argparse.Namespace) -> int:
    hearing = _hear_ahead(args)
    try:
        return _animate(args, hearing)
    finally:
        if hearing is not None:
            hearing.close()


def _hear_ahead(args: argparse.Namespace) -> Hearing | None:
    """Whisper transcribing the audio from now on, when it is to (no transcript given): it runs
    while torch is imported and the model loaded, a second or two it would otherwise wait."""
    options = _whisper(args)
    if options is None or args.transcript is not None or args.transcript_file is not None:
        return None
    from medtalk.audio import load_audio
    from medtalk.hearing import start_hearing

    return start_hearing(load_audio(args.audio), options)


def _animate(args: argparse.Namespace, hearing: Hearing | None) -> int:
    import torch

    from medtalk.direction import check, perform
    from medtalk.files import check_distinct, check_writable, output_transaction
    from medtalk.rig import RIG_EXTENSIONS, write_rig

    direction = _direction(args)
    check(direction)  # a typo, an empty description, a missing photo, a bad timeline or Whisper model fails first
    if args.output.suffix.lower() not in RIG_EXTENSIONS:
        raise MedtalkError(f"{args.output}: unknown rig format; use one of {', '.join(RIG_EXTENSIONS)}")
    planned = [args.output]
    if args.preview is not None:
        from medtalk.preview.video import check_video_output

        check_video_output(args.preview, args.force)
        planned.append(args.preview)
    target = _livelink_target(args)
    if args.export is not None:
        from medtalk.export.registry import planned_paths

        planned += planned_paths(args.export, args.export_dir or args.output.parent, args.output.stem,
                                 args.force).values()
    check_distinct(planned)
    for path in planned:
        if path.parent.is_dir():  # an --export-dir still to be made is checked by planned_paths
            check_writable(path, args.force)
    torch.set_num_threads(THREADS)
    rig = perform(args.audio, direction, args.model, args.fps, hearing=hearing)
    written = [args.output]
    with output_transaction():  # the rig, its preview and its exports appear together or not at all
        write_rig(rig, args.output, force=args.force)
        if args.preview is not None:
            from medtalk.preview import render_video

            render_video(rig, args.preview, audio=args.audio, force=args.force, progress=not args.quiet)
            written.append(args.preview)
        if args.export is not None:
            from medtalk.export import export_rig

            written += export_rig(rig, args.export, args.export_dir or args.output.parent, args.output.stem,
                                  force=args.force)
    # said once the outputs are written, so a failed run still says one line (the metadata keeps it)
    note = rig.metadata.get("transcription", {}).get("note")
    if note is not None and not args.quiet:
        print(f"medtalk: note: {note}", file=sys.stderr)
    if not args.quiet:
        print(f"wrote {args.output} ({rig.num_frames} frames at {rig.fps:g} fps, {direction}"
              + (f", timeline {args.timeline})" if args.timeline is not None else ")"))
        for path in written[1:]:
            print(f"wrote {path}")
    if target is not None:
        from medtalk.export import stream

        stream(rig, *target, audio=args.audio, progress=not args.quiet)
    return 0


def _livelink_target(args: argparse.Namespace) -> tuple[str, int] | None:
    """The checked ``--livelink`` address, so a typo fails before any work."""
    if args.livelink is None:
        return None
    from medtalk.export.livelink import parse_target, resolve_target

    host, port = parse_target(args.livelink)
    resolve_target(host, port)
    return host, port
