"""The ``medtalk`` command: a thin argparse layer over the library.

Each sub-command lives in its own module here with ``register(subparsers)``;
modules import heavy libraries (torch, mediapipe) inside their ``run`` only, so
``medtalk --help`` stays instant. Errors are one line on stderr: exit 2 for bad
input (:class:`MedtalkError`) and for argument errors, 1 for an internal error,
130 when interrupted. A command with several outputs writes them in one
:func:`medtalk.files.output_transaction`: they appear only if all succeed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import signal
import sys
import threading
from typing import NoReturn

from medtalk import __version__
from medtalk.errors import MedtalkError


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors: the problem and where to read more, not the whole usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"medtalk: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="medtalk", description="Speech to expressive MetaHuman facial animation.")
    parser.add_argument("--version", action="version", version=f"medtalk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=Parser)
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):  # shared helpers, not commands
            continue
        importlib.import_module(f"{__name__}.{info.name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``medtalk ARGV`` in this process; returns the exit status."""
    return _main(argv)[0]


def command() -> NoReturn:
    """The ``medtalk`` console command: ``main``, then the exit. A command that leaves nothing
    running behind it (``set_defaults(quick_exit=True)``: ``animate``) exits at once, its output
    flushed: the interpreter's teardown of torch takes 0.35-0.45 s that nothing needs."""
    code, args = _main(None)
    if getattr(args, "quick_exit", False):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    raise SystemExit(code)


def _main(argv: list[str] | None) -> tuple[int, argparse.Namespace | None]:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, --version or an argument error, already printed
        return int(done.code or 0), None
    return _run(args), args


def _run(args: argparse.Namespace) -> int:
    main_thread = threading.current_thread() is threading.main_thread()
    # a polite kill (SIGTERM) unwinds like Ctrl-C, so temporaries are removed on that path too
    previous = signal.signal(signal.SIGTERM, _interrupt) if main_thread else None
    try:
        return int(args.func(args) or 0)
    except MedtalkError as err:
        print(f"medtalk: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("medtalk: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # a bug: one line for users, the traceback on request
        if os.environ.get("MEDTALK_DEBUG"):
            raise
        print(f"medtalk: internal error: {type(err).__name__}: {err} (set MEDTALK_DEBUG=1 for details)", file=sys.stderr)
        return 1
    finally:
        if previous is not None:  # main() called from Python (tests, scripts) leaves the caller's handler
            signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> NoReturn:
    raise KeyboardInterrupt
