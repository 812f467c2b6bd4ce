"""Data-parallel training under ``torchrun``: which process this is, its device, and the few
collectives the loop needs.

``torchrun`` starts one process per device and tells each its ``RANK``,
``LOCAL_RANK`` and ``WORLD_SIZE``; a process started without them is a plain
single process (no process group, training exactly as before there was a
distributed mode). Processes talk over gloo on CPUs and NCCL on GPUs.

Work that fills a shared cache (feature and description caches) or must
happen once (the run folder, reading ``state.pt``) is done by rank 0 first:
its errors reach every rank as the same :class:`MedtalkError`, so a run that
cannot start stops everywhere instead of leaving the other ranks waiting.

Random numbers of a distributed run are derived from ``(seed, stage, epoch,
...)`` (:func:`generator`), never carried over from the previous epoch, so
an epoch draws the same items and crops whatever the world size, and a run
resumes on any number of processes without losing or repeating an epoch.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import torch
import torch.distributed as dist

from medtalk.errors import MedtalkError

DEVICES = ("auto", "cpu", "cuda")
T = TypeVar("T")

# what a derived generator is for: the last-but-one entry of its seed, so no two purposes share a stream
ORDER, ITEM, TORCH = 0, 1, 2


@dataclass(frozen=True)
class World:
    """This process's place in the run: ``rank`` of ``size``, its device, and the backend
    (None for a plain single process)."""

    rank: int = 0
    size: int = 1
    local_rank: int = 0
    backend: str | None = None
    device: torch.device = field(default_factory=lambda: torch.device("cpu"))

    @property
    def main(self) -> bool:
        """Rank 0: the one process that writes the run folder and shows progress."""
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.backend is not None

    @property
    def amp_dtype(self) -> torch.dtype | None:
        """Mixed precision where it is safe: bfloat16 autocast on a GPU that has it (its range is
        float32's, so no loss scaling is needed); float32 elsewhere (float16 would need a scaler)."""
        if self.device.type == "cuda" and torch.cuda.is_bf16_supported():
            return torch.bfloat16
        return None

    def describe(self) -> dict[str, object]:
        """What ``config.json`` records about the processes."""
        return {"world_size": self.size, "backend": self.backend or "none", "device": self.device.type}


def launched_by_torchrun() -> bool:
    """True in a process started by ``torchrun`` (or anything that sets its variables)."""
    return "WORLD_SIZE" in os.environ and "RANK" in os.environ


def is_main_process() -> bool:
    """Rank 0, or a plain process (for front doors that print once)."""
    return int(os.environ.get("RANK", "0")) == 0


def resolve_device(name: str, local_rank: int = 0) -> torch.device:
    """``auto`` (a GPU when there is one), ``cpu`` or ``cuda`` (this process's GPU under torchrun)."""
    if name not in DEVICES:
        raise MedtalkError(f"--device must be one of {', '.join(DEVICES)}, got {name!r}")
    if name == "cpu" or (name == "auto" and not torch.cuda.is_available()):
        return torch.device("cpu")
    if not torch.cuda.is_available():
        raise MedtalkError("--device cuda: no CUDA GPU is visible to torch (use --device cpu or auto)")
    if local_rank >= torch.cuda.device_count():
        raise MedtalkError(f"local rank {local_rank} has no GPU: {torch.cuda.device_count()} visible "
                           "(start torchrun with --nproc_per_node at most the GPU count)")
    return torch.device("cuda", local_rank)


def start(device: str) -> World:
    """Join the process group when launched by torchrun (NCCL on GPUs, gloo on CPUs)."""
    if not launched_by_torchrun():
        return World(device=resolve_device(device))
    rank, size = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    where = resolve_device(device, local_rank)
    backend = "nccl" if where.type == "cuda" else "gloo"
    if where.type == "cuda":
        torch.cuda.set_device(where)  # NCCL and the object broadcasts use the current device
    if not dist.is_initialized():
        dist.init_process_group(backend, rank=rank, world_size=size)
    return World(rank, size, local_rank, backend, where)


def barrier(world: World) -> None:
    """Wait for every rank (a no-op in a plain process)."""
    if world.distributed:
        dist.barrier()


def stop(world: World) -> None:
    if world.distributed and dist.is_initialized():
        dist.destroy_process_group()


def from_main(world: World, make: Callable[[], T]) -> T:
    """``make()`` on rank 0, its result (or its :class:`MedtalkError`) sent to every rank."""
    if not world.distributed:
        return make()
    box: list[object] = [None]
    if world.main:
        try:
            box[0] = ("ok", make())
        except MedtalkError as err:
            box[0] = ("error", str(err))
    dist.broadcast_object_list(box, src=0)
    kind, value = box[0]  # type: ignore[misc]
    if kind == "error":
        raise MedtalkError(str(value))
    return value  # type: ignore[return-value]


def main_first(world: World, make: Callable[[], T]) -> T:
    """``make()`` on every rank, rank 0 first: it fills a shared cache the others then read."""
    if not world.distributed:
        return make()
    mine: list[T] = []
    from_main(world, lambda: mine.append(make()))
    return mine[0] if mine else make()


def sum_over_ranks(world: World, values: dict[str, float]) -> dict[str, float]:
    """Each key summed over the ranks (a key a rank lacks counts 0 there)."""
    if not world.distributed:
        return values
    names: list[list[str]] = [[] for _ in range(world.size)]
    dist.all_gather_object(names, sorted(values))
    keys = sorted({k for ks in names for k in ks})
    totals = torch.tensor([values.get(k, 0.0) for k in keys], dtype=torch.float64, device=world.device)
    dist.all_reduce(totals)
    return dict(zip(keys, totals.tolist()))


def generator(seed: int, stage: int, epoch: int, purpose: int, index: int) -> np.random.Generator:
    """A generator determined by the run's seed, the position in training and what it is for."""
    return np.random.default_rng([seed & 0xFFFF_FFFF_FFFF_FFFF, stage, epoch, purpose, index])


def my_share(count: int, world: World) -> np.ndarray:
    """Positions ``0..count-1`` of a global batch that this rank takes: contiguous, sizes differ by at most one."""
    return np.array_split(np.arange(count), world.size)[world.rank]
