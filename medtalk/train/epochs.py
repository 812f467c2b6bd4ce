"""One epoch of a stage, two ways.

- **Stream** (a plain ``medtalk train``): the items and every random draw of
  the run come, in turn, from one generator carried from epoch to epoch
  (saved in ``state.pt``); batches are made one ahead in a thread.
- **Seeded** (under ``torchrun``, or with loader workers): an epoch's order
  and each item's crops come from generators derived from ``(seed, stage,
  epoch, position)`` (``distributed.generator``). The global batch is the
  stage's ``batch_size`` whatever the number of processes; each rank makes
  and trains on its share (``distributed.my_share``), its loss weighted by
  its share so that DistributedDataParallel's average of the ranks'
  gradients is the gradient of the whole batch's mean loss. So the learning
  rate and schedule are the stage's for any world size, and an epoch does
  the same steps on the same items whether 1 or N processes run it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import torch
from tqdm import tqdm

from medtalk.train.batches import Rngs
from medtalk.train.distributed import (
    ITEM,
    ORDER,
    TORCH,
    World,
    generator,
    my_share,
    sum_over_ranks,
)
from medtalk.train.losses import OBJECTIVES
from medtalk.train.stages import Stage

GRAD_CLIP = 1.0  # max gradient norm: a bad crop cannot throw the weights off


def step_terms(model: torch.nn.Module, stage: Stage, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, dict[str, float]]:
    """The stage's weighted loss and each of its terms."""
    terms = OBJECTIVES[stage.objective](model, batch, set(stage.losses))
    total = sum(stage.losses[k] * terms[k] for k in stage.losses)
    return total, {k: v.item() for k, v in terms.items()}


class Objective(torch.nn.Module):
    """A stage's loss as a module whose ``forward`` is the loss: DistributedDataParallel hooks a
    module's forward, and the objectives call the model's parts rather than its own forward."""

    def __init__(self, model: torch.nn.Module, stage: Stage) -> None:
        super().__init__()
        self.model = model
        self.stage = stage

    def forward(self, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, dict[str, float]]:
        return step_terms(self.model, self.stage, batch)


def optimizer_step(optimizer: torch.optim.Optimizer, loss: torch.Tensor) -> None:
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_([p for g in optimizer.param_groups for p in g["params"]], GRAD_CLIP)
    optimizer.step()


def to_device(batch: dict[str, torch.Tensor], device: torch.device) -> dict[str, torch.Tensor]:
    """A batch on ``device`` (from pinned memory the copy overlaps the GPU's work)."""
    if device.type == "cpu":
        return batch
    return {k: v.to(device, non_blocking=True) for k, v in batch.items()}


def stream_epoch(
    model: torch.nn.Module, stage: Stage, source, optimizer: torch.optim.Optimizer, rng: np.random.Generator,
    desc: str, progress: bool, device: torch.device,
) -> dict[str, float]:
    """One epoch of ``stage`` from the run's one generator: mean of every loss term over its steps
    (``train_<term>``)."""
    order = rng.permutation(len(source))[: max(1, round(len(source) * stage.epoch_fraction))]
    steps = math.ceil(len(order) / stage.batch_size)
    sums: dict[str, float] = {}
    chunks = [order[step * stage.batch_size : (step + 1) * stage.batch_size] for step in range(steps)]
    bar = tqdm(prefetched(source, chunks, rng), total=steps, desc=desc, unit="batch", disable=not progress, leave=False)
    for batch in bar:
        total, terms = step_terms(model, stage, to_device(batch, device))
        optimizer_step(optimizer, total)
        for k, v in {**terms, "total": total.item()}.items():
            sums[k] = sums.get(k, 0.0) + v
        bar.set_postfix(loss=f"{total.item():.4g}")
    return {f"train_{k}": v / max(steps, 1) for k, v in sums.items()}


def prefetched(source, chunks: list[np.ndarray], rng: Rngs | list[Rngs]) -> Iterator[dict[str, torch.Tensor]]:
    """``source.batch(chunk, rng)`` for each chunk, the next one made in a thread while the
    caller trains on this one (torch releases the GIL, so the crops, augmentation and
    features of a batch cost no step time on a second core). With one generator, batches are
    made one at a time, in order, from it: the same batches as without the thread; a list
    gives each chunk its own generators."""
    if not chunks:
        return
    rngs = [rng] * len(chunks) if isinstance(rng, np.random.Generator) else rng
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(source.batch, chunks[0], rngs[0])
        for chunk, r in zip(chunks[1:], rngs[1:]):
            batch = pending.result()
            pending = pool.submit(source.batch, chunk, r)
            yield batch
        yield pending.result()


class _Jobs(torch.utils.data.Dataset):
    """Batches to make, one per index: what loader workers make in parallel."""

    def __init__(self, source, chunks: list[np.ndarray], rngs: list[list[np.random.Generator]]) -> None:
        self.source, self.chunks, self.rngs = source, chunks, rngs

    def __len__(self) -> int:
        return len(self.chunks)

    def __getitem__(self, step: int) -> dict[str, torch.Tensor]:
        return self.source.batch(self.chunks[step], self.rngs[step])


def made_batches(source, chunks: list[np.ndarray], rngs: list[list[np.random.Generator]], workers: int,
                 device: torch.device) -> Iterator[dict[str, torch.Tensor]]:
    """Seeded batches in order: made ahead by ``workers`` loader processes (in pinned memory for a
    GPU), or by one thread. Each batch's draws are its own, so who makes it changes nothing."""
    if workers <= 0:
        yield from prefetched(source, chunks, rngs)
        return
    loader = torch.utils.data.DataLoader(_Jobs(source, chunks, rngs), batch_size=None, num_workers=workers,
                                         pin_memory=device.type == "cuda", prefetch_factor=2)
    yield from loader


@dataclass(frozen=True)
class EpochPlan:
    """Where a seeded epoch sits in its run, and who runs it."""

    seed: int
    stage: int  # index in the run's stage list
    epoch: int
    world: World
    workers: int = 0

    def generator(self, purpose: int, index: int) -> np.random.Generator:
        return generator(self.seed, self.stage, self.epoch, purpose, index)


def seeded_jobs(stage: Stage, items: int, plan: EpochPlan) -> tuple[list[np.ndarray], list[list], list[float]]:
    """This rank's share of every step of the epoch: item indices, their generators and the
    share's weight ``len(share) * world / len(global batch)`` (0 for a rank that has no item of a
    short last batch: it steps on a copy of one, so that every rank joins every gradient average)."""
    world = plan.world
    order = plan.generator(ORDER, 0).permutation(items)[: max(1, round(items * stage.epoch_fraction))]
    chunks, rngs, weights = [], [], []
    for first in range(0, len(order), stage.batch_size):
        batch = order[first : first + stage.batch_size]
        share = my_share(len(batch), world)
        weights.append(len(share) * world.size / len(batch))
        share = share if len(share) else np.arange(1)
        chunks.append(batch[share])
        rngs.append([plan.generator(ITEM, first + int(j)) for j in share])
    return chunks, rngs, weights


def seeded_epoch(
    objective: torch.nn.Module, stage: Stage, source, optimizer: torch.optim.Optimizer, plan: EpochPlan,
    desc: str, progress: bool,
) -> dict[str, float]:
    """One seeded epoch through ``objective`` (an ``Objective``, wrapped in DistributedDataParallel
    under torchrun): mean of every loss term over its steps and the whole of each batch."""
    world = plan.world
    torch.manual_seed(int(plan.generator(TORCH, world.rank).integers(2**63)))  # dropout, guidance noise
    chunks, rngs, weights = seeded_jobs(stage, len(source), plan)
    sums: dict[str, float] = {}
    batches = made_batches(source, chunks, rngs, plan.workers, world.device)
    bar = tqdm(batches, total=len(chunks), desc=desc, unit="batch", disable=not progress, leave=False)
    for batch, weight in zip(bar, weights):
        with torch.autocast(world.device.type, dtype=world.amp_dtype, enabled=world.amp_dtype is not None):
            total, terms = objective(to_device(batch, world.device))
        optimizer_step(optimizer, total * weight)
        for k, v in {**terms, "total": total.item()}.items():
            sums[k] = sums.get(k, 0.0) + v * weight / world.size
        bar.set_postfix(loss=f"{total.item():.4g}")
    sums = sum_over_ranks(world, sums)
    return {f"train_{k}": v / max(len(chunks), 1) for k, v in sums.items()}
