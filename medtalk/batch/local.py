"""Running tasks on this machine: in the driver's own process (one job) or in worker processes.

An executor has ``slots`` (tasks it takes before one must finish), ``submit(task)``,
``next_result()`` (blocks until some task finishes, in any order) and ``close()``.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path

from medtalk.batch.work import LineResult, LineTask, LineWorker
from medtalk.errors import MedtalkError


class InProcess:
    """One worker in the driver's process: no start-up beyond the one model load."""

    slots = 1

    def __init__(self, model: Path) -> None:
        self.worker = LineWorker(model)
        self.queue: deque[LineTask] = deque()

    def submit(self, task: LineTask) -> None:
        self.queue.append(task)

    def next_result(self) -> LineResult:
        return self.worker.run(self.queue.popleft())

    def close(self) -> None:
        self.queue.clear()


_worker: LineWorker | None = None  # the worker process's own, loaded once by _start


def _start(model: Path) -> None:
    global _worker
    _worker = LineWorker(model)


def _run(task: LineTask) -> LineResult:
    assert _worker is not None, "the pool's initializer loads the worker"
    return _worker.run(task)


class Processes:
    """``jobs`` worker processes (spawned: a forked torch can hang), each loading the model once.

    Two tasks per worker are in flight, so a worker never waits for the driver to read the next line.
    """

    def __init__(self, model: Path, jobs: int) -> None:
        self.pool = ProcessPoolExecutor(jobs, mp_context=get_context("spawn"), initializer=_start,
                                        initargs=(model,))
        self.slots = 2 * jobs
        self.futures: set[Future] = set()

    def submit(self, task: LineTask) -> None:
        self.futures.add(self.pool.submit(_run, task))

    def next_result(self) -> LineResult:
        done, _ = wait(self.futures, return_when=FIRST_COMPLETED)
        future = done.pop()
        self.futures.remove(future)
        try:
            return future.result()
        except BrokenProcessPool:
            raise MedtalkError("a worker process died (out of memory?); run the same command again to "
                               "resume") from None

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
