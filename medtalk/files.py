"""Writing output files safely: never half-written, never clobbering without --force."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from medtalk.errors import MedtalkError


def check_writable(path: Path, force: bool = False) -> None:
    """Fail early, in one line, if ``path`` cannot or must not be written."""
    if path.exists() and not force:
        raise MedtalkError(f"{path} exists (use --force to overwrite)")
    if path.is_dir():
        raise MedtalkError(f"{path} is a directory")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise MedtalkError(f"cannot write {path}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise MedtalkError(f"cannot write {path}: folder {parent} is not writable")


@contextmanager
def atomic_output(path: Path, force: bool = False, check: bool = True) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it into place on success.

    On any error the temporary file is removed, so a failed run leaves nothing.
    """
    path = Path(path)
    if check:
        check_writable(path, force)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp" + path.suffix, dir=path.parent or ".")
    os.close(fd)
    tmp_path = Path(tmp)
    # mkstemp makes 0600 files; outputs get the usual permissions for the user's umask
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_path, 0o666 & ~umask)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def save_figure(fig, path: Path, force: bool = False, **savefig) -> Path:
    """Write a matplotlib figure as PNG through :func:`atomic_output`, then close it.

    ``savefig`` passes on to ``Figure.savefig`` (``dpi``, ``bbox_inches``).
    """
    import matplotlib.pyplot as plt

    with atomic_output(path, force=force) as tmp:
        fig.savefig(tmp, format="png", **savefig)
    plt.close(fig)
    return Path(path)
