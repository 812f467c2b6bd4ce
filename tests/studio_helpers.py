"""A real studio server and a real headless Chromium for the studio tests.

:func:`studio_server` starts ``python -m medtalk studio`` on 127.0.0.1 with a
port the system picks, reads the address it prints and stops it afterwards.
:func:`chromium` launches Debian's ``/usr/bin/chromium`` through Playwright
(never a downloaded browser) with a fresh profile. A machine without chromium
skips these tests, except on CI, where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
    # a fake microphone, so the page's recorder can be driven without a person
    "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
]
START_TIMEOUT = 120.0  # s: importing torch on a busy 2-core machine


@contextmanager
def studio_server(workdir: Path, *flags: str) -> Iterator[str]:
    """A studio serving ``workdir`` on 127.0.0.1; yields its base URL (no trailing slash)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "medtalk", "studio", "--port", "0", "--workdir", str(workdir), *flags],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=workdir.parent,
    )
    try:
        line = _wait_for_address(proc)
        yield re.search(r"(http://127\.0\.0\.1:\d+)/", line).group(1)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_for_address(proc: subprocess.Popen) -> str:
    import select
    import time

    deadline, seen = time.monotonic() + START_TIMEOUT, []
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 1.0)
        if ready:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            seen.append(line)
            if "medtalk studio: http://" in line:
                return line
        elif proc.poll() is not None:
            break
    raise RuntimeError("the studio did not start:\n" + "".join(seen))


def require_chromium() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing on CI: `make system` installs chromium")
        pytest.skip(f"{CHROMIUM} is not installed (`make system` installs it)")


@contextmanager
def chromium() -> Iterator[object]:
    """A Playwright browser context on Debian's chromium, fresh profile, downloads accepted."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="medtalk-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            accept_downloads=True, viewport={"width": 1400, "height": 1000},
        )
        try:
            yield context
        finally:
            context.close()
