"""The helper process that runs work holding the GIL beside the caller (``medtalk.sidecar``)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from medtalk.sidecar import Sidecar, SidecarError


def test_a_function_runs_in_another_process_and_its_errors_come_back() -> None:
    sidecar = Sidecar()
    try:
        sidecar.submit(os.getpid)
        assert sidecar.result() != os.getpid()
        sidecar.submit(np.add, np.arange(3), 1)
        assert sidecar.result().tolist() == [1, 2, 3]  # arrays go both ways
        sidecar.submit(int, "not a number")
        with pytest.raises(SidecarError, match="ValueError: invalid literal"):
            sidecar.result()
        sidecar.submit(os.getpid)  # still serving after an error
        assert isinstance(sidecar.result(), int)
    finally:
        sidecar.close()
    assert sidecar._process.returncode == 0  # it ended when its input closed


def test_a_dead_helper_is_an_error_not_a_hang() -> None:
    sidecar = Sidecar()
    sidecar.submit(os._exit, 3)
    with pytest.raises(SidecarError, match="ended before it answered"):
        sidecar.result()
    assert sidecar._process.returncode == 3
    with pytest.raises(SidecarError, match="has ended"):
        sidecar.submit(os.getpid)
    sidecar.close()


def test_closing_a_busy_helper_ends_it_at_once() -> None:
    import time

    sidecar = Sidecar()
    sidecar.submit(time.sleep, 30)
    started = time.monotonic()
    sidecar.close()
    assert sidecar._process.returncode is not None and time.monotonic() - started < 5


def test_what_the_work_prints_does_not_spoil_the_answers() -> None:
    sidecar = Sidecar()
    try:
        sidecar.submit(print, "noise on stdout")
        assert sidecar.result() is None
        sidecar.submit(os.write, 1, b"raw bytes on fd 1\n")
        assert sidecar.result() == 18
        sidecar.submit(os.getpid)
        assert isinstance(sidecar.result(), int)
    finally:
        sidecar.close()
