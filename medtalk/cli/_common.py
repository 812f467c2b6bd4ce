"""Flags shared by several commands, spelled the way people expect, and the bounds of their values.

The bounds are argparse types: a value out of range is an argument error in
one line (``medtalk animate: error: argument --fps: ...``) before any work.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path

from medtalk.emotions import MAX_INTENSITY

MAX_FPS = 240.0  # frames per second: beyond any display or engine tick; 100000 wrote 545 MB of rig
MAX_PREVIEW_SIZE = 4096  # px per face: a 20000 px face ran out of memory
MAX_THREADS = 256  # threads or worker processes: 0 meant nothing sensible
MIN_PREVIEW_SIZE = 64  # px, the smallest face that still shows its features (preview.draw.MIN_SIZE)


def add_output(parser: argparse.ArgumentParser, help: str, required: bool = True) -> None:
    parser.add_argument("-o", "--output", type=Path, required=required, help=help)
    parser.add_argument("-f", "--force", action="store_true", help="overwrite existing outputs")


def add_quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars or summaries")


def number_in(low: float, high: float, *, low_open: bool = False, kind: type = float) -> Callable[[str], float]:
    """An argparse type: a finite ``kind`` (float or int) in ``[low, high]`` (``(low, high]`` if ``low_open``)."""
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {'an integer' if kind is int else 'a number'}") from None
        below = value <= low if low_open else value < low
        if not math.isfinite(value) or below or value > high:
            say = str if kind is int else "{:g}".format
            bounds = f"{'above' if low_open else 'at least'} {say(low)}" + ("" if math.isinf(high) else f" and at most {say(high)}")
            raise argparse.ArgumentTypeError(f"must be {bounds}, got {text}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its messages
    return parse


fps = number_in(0, MAX_FPS, low_open=True)
positive = number_in(0, math.inf, low_open=True)
fraction = number_in(0, 1)
intensity = number_in(0, MAX_INTENSITY)
count = number_in(1, math.inf, kind=int)
threads = number_in(1, MAX_THREADS, kind=int)
seed = number_in(0, 2**32 - 1, kind=int)  # what every random generator here accepts


def add_model(parser: argparse.ArgumentParser) -> None:
    """``--model`` and ``--fps``, for the commands that animate."""
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    parser.add_argument("--fps", type=fps, default=60.0, help=f"output frame rate, at most {MAX_FPS:g} (default 60)")


def add_export(parser: argparse.ArgumentParser, where: str) -> None:
    """``--export TARGET``; ``where`` says where its files go."""
    parser.add_argument("--export", metavar="TARGET", help="also export for unreal, maya, blender, arkit-csv, "
                        f"expressions-csv, json or all (see `medtalk export`), {where}")


def check_export(target: str | None) -> None:
    """An unknown ``--export`` target fails before any work."""
    if target is not None:
        from medtalk.export.registry import artifacts

        artifacts(target)


def preview_size(text: str) -> int:
    """An argparse type: an even face size in pixels within the preview's limits."""
    value = number_in(MIN_PREVIEW_SIZE, MAX_PREVIEW_SIZE, kind=int)(text)
    if value % 2:
        raise argparse.ArgumentTypeError(f"must be even (H.264 needs even dimensions), got {text}")
    return value
