"""Locating the installed Whisper models: tiny.en in place, base joined from its two packages and checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from medtalk.errors import MedtalkError
from medtalk.whisper.models import BASE, BASE_BYTES, BASE_SHA256, MODEL_FILES, TINY_EN, model_dir, verify


def test_tiny_en_is_the_published_model() -> None:
    folder = model_dir(TINY_EN)
    assert all((folder / name).is_file() for name in MODEL_FILES)
    verify(TINY_EN)  # raises if the package's model.bin is not the published one


def test_base_is_joined_once_into_the_cache_and_checked(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MEDTALK_CACHE", str(tmp_path))
    folder = model_dir(BASE)
    assert folder == tmp_path / "whisper-base"
    assert (folder / "model.bin").stat().st_size == BASE_BYTES
    assert verify(BASE) == BASE_SHA256
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []  # no temporary left
    stamp = (folder / "model.bin").stat().st_mtime_ns
    model_dir(BASE)
    assert (folder / "model.bin").stat().st_mtime_ns == stamp  # not joined again


def test_a_damaged_cached_base_is_reported(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MEDTALK_CACHE", str(tmp_path))
    folder = model_dir(BASE)
    with open(folder / "model.bin", "r+b") as f:
        f.seek(1000)
        f.write(b"\x00" * 16)
    with pytest.raises(MedtalkError, match="not the published"):
        verify(BASE)


def test_a_folder_that_is_not_a_whisper_model_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(MedtalkError, match="no model.bin, tokenizer.json, vocabulary.txt"):
        model_dir(tmp_path)
    with pytest.raises(MedtalkError, match="no such Whisper model folder"):
        model_dir(tmp_path / "absent")
