"""Bounded background jobs: at most ``Limits.max_jobs`` run at once, each on its own worker thread.

The web server's event loop never runs model code, so the page stays usable
while a take animates. A job that cannot start because every slot is taken
is refused at once with :class:`Busy` (HTTP 429 and a "busy" message in the
page) rather than queued without bound.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from medtalk.errors import MedtalkError


class Busy(MedtalkError):
    """Every job slot is taken."""


@dataclass
class Job:
    """One running or finished job; ``stage`` is what it is doing now, for the page."""

    id: str
    kind: str
    stage: str = "starting"
    started: float = field(default_factory=time.time)
    finished: float | None = None
    error: str | None = None

    def status(self) -> dict[str, Any]:
        end = self.finished or time.time()
        return {"id": self.id, "kind": self.kind, "stage": self.stage, "error": self.error,
                "done": self.finished is not None, "elapsed": round(end - self.started, 2)}


class JobRunner:
    """Runs ``work(job)`` callables on threads, ``max_jobs`` at a time."""

    def __init__(self, max_jobs: int) -> None:
        if max_jobs < 1:
            raise MedtalkError(f"max jobs must be at least 1, got {max_jobs}")
        self.max_jobs = max_jobs
        self._slots = threading.BoundedSemaphore(max_jobs)
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}

    def running(self) -> list[Job]:
        with self._lock:
            return [j for j in self._jobs.values() if j.finished is None]

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _claim(self, job: Job) -> None:
        if not self._slots.acquire(blocking=False):
            raise Busy(f"the studio is busy: {self.max_jobs} job(s) running, the most it runs at once; "
                       "try again when one finishes")
        with self._lock:
            self._jobs[job.id] = job

    def _release(self, job: Job) -> None:
        job.finished = time.time()
        self._slots.release()

    def start(self, job: Job, work: Callable[[Job], None], on_error: Callable[[Job], None]) -> Job:
        """Run ``work`` on a new thread; a :class:`MedtalkError` (or a bug) ends up in ``job.error``
        and ``on_error(job)`` is called. Raises :class:`Busy` when no slot is free."""
        self._claim(job)

        def run() -> None:
            try:
                work(job)
                job.stage = "done"
            except MedtalkError as err:
                job.error, job.stage = str(err), "failed"
                on_error(job)
            except Exception as err:  # a bug: one line for the page, as the CLI does
                job.error, job.stage = f"internal error: {type(err).__name__}: {err}", "failed"
                on_error(job)
            finally:
                self._release(job)

        threading.Thread(target=run, name=f"studio-{job.kind}-{job.id}", daemon=True).start()
        return job

    def run_now(self, job: Job, work: Callable[[Job], Any]) -> Any:
        """Run ``work(job)`` on the caller's thread inside a slot (short jobs such as transcription)."""
        self._claim(job)
        try:
            return work(job)
        finally:
            self._release(job)
