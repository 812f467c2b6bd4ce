"""Flags shared by several commands, spelled the way people expect."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_output(parser: argparse.ArgumentParser, help: str, required: bool = True) -> None:
    parser.add_argument("-o", "--output", type=Path, required=required, help=help)
    parser.add_argument("-f", "--force", action="store_true", help="overwrite existing outputs")


def add_quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars or summaries")
