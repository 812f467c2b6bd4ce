"""Shared fixtures: the read-only reference clips, when ../shared is present, and the tiny
EmoFace folder and model of ``model_fixtures`` (registered here for every test module)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ("model_fixtures",)

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"


@pytest.fixture
def reference() -> Path:
    """The reference folder; tests that need it skip cleanly in a user's clone."""
    if not (REFERENCE / "real").is_dir():
        pytest.skip("../shared/reference is not present (only in the developers' checkout)")
    return REFERENCE


@pytest.fixture
def patient_stream(monkeypatch):
    """Real-clock Live Link tests: a test machine that stalls for a few frames sends the late
    frames in a burst instead of dropping them (dropping is tested on a fake clock), so a busy
    CI machine cannot fail "every frame arrives"."""
    monkeypatch.setattr("medtalk.export.livelink.MAX_LAG_FRAMES", 10**9)
