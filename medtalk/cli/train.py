"""``medtalk train DATA -o RUN``: train MEDTalk on an EmoFace-layout folder
(``torchrun --nproc_per_node=N -m medtalk train ...``: on N processes, docs/TRAINING.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from medtalk.cli._common import (
    MAX_THREADS,
    add_output,
    add_quiet,
    fraction,
    number_in,
    seed,
    threads,
)
from medtalk.text_models import SENTENCE_ENCODERS


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train", help="train the model (stages 1-4) on an EmoFace-layout dataset",
        description="Train MEDTalk on DATA (WAV/, VALID_CTR/, optional META/, ALIGNED_CTR/, splits.json). "
                    "RUN receives config.json, state.pt (resumable), losses.csv/.png and model.pt.",
    )
    parser.add_argument("data", type=Path, help="dataset folder in the EmoFace layout")
    add_output(parser, help="run folder")
    parser.add_argument("--stages", help="stages to run, e.g. 1,2,3 (default: 1-4); `stream` (5) fine-tunes a trained model (--init) for medtalk live; with --resume, a finished run takes further stages (e.g. 4)")
    parser.add_argument("--preset", help="default, whisper (the default over frozen Whisper encoder states), untimed (the default without word timing in the CMF) or tiny; "
                                         "default: the --init model's configuration, else default")
    parser.add_argument("--epochs-scale", type=number_in(0, 1000, low_open=True), default=1.0, help="multiply every stage's epochs (default 1)")
    parser.add_argument("--init", type=Path, help="start from the weights of this model file")
    parser.add_argument("--whisper", metavar="MODEL",
                        help="content front-end over frozen states of this Whisper model: tiny.en, base or a "
                             "local CTranslate2 Whisper folder (docs/FRONTEND.md)")
    parser.add_argument("--whisper-layer", type=int, metavar="N",
                        help="read the Whisper encoder after N of its blocks (default: the preset's, else all)")
    parser.add_argument("--descriptions", metavar="ENCODER", choices=SENTENCE_ENCODERS,
                        help="the sentence encoder stage 4 reads descriptions with: all-mpnet-base-v2 (the default "
                             "preset's) or all-MiniLM-L6-v2; default: the preset's or the --init model's. With --init, "
                             "another encoder starts stage 4's modules fresh (docs/GUIDANCE.md)")
    parser.add_argument("--arch", default="medtalk",
                        help="what to train: medtalk, or the faceformer or endtoend baseline (default: medtalk)")
    parser.add_argument("--ablation", help="an ablation of the full model: no-overlap, no-cycle, no-intensity or "
                                           "no-text (docs/RESULTS.md)")
    parser.add_argument("--cache", type=Path, help="feature cache folder (default: RUN/cache); runs may share one")
    parser.add_argument("--augment", type=fraction, default=1.0, help="audio augmentation strength 0..1 (default 1)")
    parser.add_argument("--seed", type=seed, default=0, help="random seed (default 0)")
    parser.add_argument("--threads", type=threads, default=1, help="CPU threads for torch (default 1)")
    parser.add_argument("--device", default="auto", help="auto (a GPU when there is one), cpu or cuda (default auto)")
    parser.add_argument("--workers", type=number_in(0, MAX_THREADS, kind=int),
                        help="loader processes making batches (default: 0 on a CPU, 2 on a GPU)")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted run in RUN (on any number of processes: docs/TRAINING.md)")
    add_quiet(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from medtalk.train.distributed import is_main_process
    from medtalk.train.loop import TrainOptions, train

    path = train(TrainOptions(
        data=args.data, run=args.output, preset=args.preset, stages=args.stages, epochs_scale=args.epochs_scale,
        init=args.init, resume=args.resume, force=args.force, progress=not args.quiet, seed=args.seed,
        threads=args.threads, augment=args.augment, arch=args.arch, ablation=args.ablation, cache=args.cache,
        device=args.device, workers=args.workers,
        whisper=args.whisper, whisper_layer=args.whisper_layer, descriptions=args.descriptions,
    ))
    if not args.quiet and is_main_process():
        print(f"wrote {path}")
    return 0
