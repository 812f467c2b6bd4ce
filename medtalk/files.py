"""Writing output files safely: never half-written, never clobbering without --force.

Every file is written to a temporary beside its target and renamed into place
when complete (:func:`atomic_output`). A command that writes several outputs
(a rig, its preview, its exports) runs inside one :func:`output_transaction`:
then each ``atomic_output`` only stages its file, and all of them are renamed
together when the whole command succeeded; on any failure, Ctrl-C included,
every temporary is removed. A temporary left by a killed run (SIGKILL cannot
be caught) names its process id, and the next run writing the same target
removes it once that process is gone.
"""

from __future__ import annotations

import contextvars
import errno
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from medtalk.errors import MedtalkError

# errors of the file system that are the user's to fix, not bugs: said in one line
_DISK_ERRORS = {errno.ENOSPC: "no space left on the device", errno.EDQUOT: "disk quota exceeded",
                errno.EROFS: "the file system is read-only", errno.EFBIG: "the file is too large"}


def disk_error(path: Path, err: OSError) -> MedtalkError | None:
    """The one-line error for a full (or read-only) disk while writing ``path``, else None."""
    reason = _DISK_ERRORS.get(err.errno)
    return MedtalkError(f"cannot write {path}: {reason}") if reason else None


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


def check_distinct(paths: list[Path]) -> None:
    """Fail in one line if a command would write two of its outputs to the same file."""
    seen: dict[Path, Path] = {}
    for path in paths:
        key = Path(os.path.abspath(path))
        if key in seen:
            raise MedtalkError(f"{seen[key]} would be written twice (two outputs name the same file)")
        seen[key] = path


class OutputTransaction:
    """The outputs of one command: temporaries staged beside their targets, renamed together."""

    def __init__(self) -> None:
        self.staged: list[tuple[Path, Path]] = []  # (temporary, target), in the order staged
        self.folders: list[Path] = []  # folders this command created, parents first

    def holds(self, path: Path) -> bool:
        """Is ``path`` one of our temporaries (a writer given it as its own target)?"""
        return any(tmp == path for tmp, _ in self.staged)

    def stage(self, tmp: Path, target: Path) -> None:
        if any(t == target for _, t in self.staged):
            raise MedtalkError(f"{target} would be written twice by this command")
        self.staged.append((tmp, target))

    def commit(self) -> None:
        for tmp, target in self.staged:
            os.replace(tmp, target)
        self.staged.clear()
        self.folders.clear()

    def abort(self) -> None:
        for tmp, _ in self.staged:
            tmp.unlink(missing_ok=True)
        self.staged.clear()
        for folder in reversed(self.folders):
            try:
                folder.rmdir()  # only if empty: a folder the user filled meanwhile stays
            except OSError:
                pass
        self.folders.clear()


_TRANSACTION: contextvars.ContextVar[OutputTransaction | None] = contextvars.ContextVar("medtalk_outputs", default=None)


@contextmanager
def output_transaction() -> Iterator[OutputTransaction]:
    """Commit every :func:`atomic_output` inside the block only if the whole block succeeds."""
    if _TRANSACTION.get() is not None:  # already inside a command's transaction: join it
        yield _TRANSACTION.get()
        return
    transaction = OutputTransaction()
    token = _TRANSACTION.set(transaction)
    try:
        yield transaction
        transaction.commit()
    except BaseException:
        transaction.abort()
        raise
    finally:
        _TRANSACTION.reset(token)


def read_text(path: Path, what: str) -> str:
    """The UTF-8 text of a user's ``what`` file (a transcript, a plan), or a one-line error."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MedtalkError(f"{path}: no such {what} file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise MedtalkError(f"{path}: cannot read the {what} ({err})") from None


def make_folder(path: Path) -> None:
    """``mkdir -p``; inside a transaction, the folders made are removed again if the command fails."""
    missing = []
    folder = Path(path)
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        except OSError as err:
            raise disk_error(folder, err) or MedtalkError(f"cannot create folder {folder} ({err.strerror})") from None
        transaction = _TRANSACTION.get()
        if transaction is not None:
            transaction.folders.append(folder)


def _temporary_prefix(path: Path) -> str:
    return f".{path.name}."


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove temporaries of ``path`` left by runs that were killed; returns what was removed.

    A temporary is named ``.NAME.PID.RANDOM.tmpSUFFIX``; it is stale when process PID is gone.
    """
    parent = path.parent if str(path.parent) else Path(".")
    pattern = re.compile(re.escape(_temporary_prefix(path)) + r"(\d+)\.[^.]+\.tmp" + re.escape(path.suffix) + "$")
    removed = []
    try:
        names = os.listdir(parent)
    except OSError:
        return removed
    for name in names:
        match = pattern.match(name)
        if match and not _process_alive(int(match.group(1))):
            (parent / name).unlink(missing_ok=True)
            removed.append(parent / name)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


@contextmanager
def atomic_output(path: Path, force: bool = False, check: bool = True) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it into place on success.

    On any error the temporary file is removed, so a failed run leaves nothing.
    Inside an :func:`output_transaction` the rename waits for the whole command.
    A full disk is reported as a one-line :class:`MedtalkError`.
    """
    path = Path(path)
    transaction = _TRANSACTION.get()
    if transaction is not None and transaction.holds(path):  # a writer handed our own temporary
        yield path
        return
    if check:
        check_writable(path, force)
    remove_stale_temporaries(path)
    parent = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f"{_temporary_prefix(path)}{os.getpid()}.", suffix=".tmp" + path.suffix,
                                   dir=parent)
    except OSError as err:
        raise disk_error(path, err) or MedtalkError(f"cannot write {path} ({err.strerror})") from None
    os.close(fd)
    tmp_path = Path(tmp)
    # mkstemp makes 0600 files; outputs get the usual permissions for the user's umask
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_path, 0o666 & ~umask)
    try:
        if transaction is not None:
            transaction.stage(tmp_path, path)
        yield tmp_path
        if transaction is None:
            os.replace(tmp_path, path)
    except OSError as err:
        tmp_path.unlink(missing_ok=True)
        raise disk_error(path, err) or err from None
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
