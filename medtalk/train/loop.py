"""One training loop that runs the stages of ``stages.py`` in order, resumably.

A run folder holds ``config.json`` (model config, options, stages),
``state.pt`` (written after every epoch: weights, optimiser, scheduler, RNG
states and the position in the stage list), ``losses.csv`` / ``losses.png``,
the feature ``cache/`` and, at the end, ``model.pt``: the trained model with a
description of its data and its figures on the test split.
"""

from __future__ import annotations

import json
import math
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from medtalk.errors import MedtalkError
from medtalk.model.config import ModelConfig, build_config
from medtalk.model.medtalk import MEDTalk
from medtalk.train import curves
from medtalk.train.batches import AudioCrops, RigPairs
from medtalk.model.checkpoint import load_model, load_state, load_weights, save_model, save_state
from medtalk.data.clips import Dataset, load_dataset, repeat_loaded
from medtalk.train.evaluate import evaluate
from medtalk.train.guidance_data import GuidedCrops
from medtalk.train.ablations import ablate_config, ablate_stages
from medtalk.model.archs import get_arch
from medtalk.train.losses import OBJECTIVES
from medtalk.train.stages import ARCH_STAGES, Stage, select_stages

GRAD_CLIP = 1.0  # max gradient norm: a bad crop cannot throw the weights off
VAL_ITEMS = 64  # validation crops per epoch (fixed, unaugmented)
VAL_SEED = 1234
RUN_FILES = ("config.json", "state.pt", "losses.csv", "losses.png", "model.pt")


@dataclass(frozen=True)
class TrainOptions:
    """What ``medtalk train`` was asked to do."""

    data: Path
    run: Path
    preset: str | None = None  # None: the --init model's configuration, else "default"
    arch: str = "medtalk"  # or a baseline (medtalk.model.archs)
    ablation: str | None = None  # medtalk.train.ablations
    cache: Path | None = None  # feature cache (default RUN/cache); runs on the same data may share one
    stages: str | None = None
    epochs_scale: float = 1.0
    init: Path | None = None  # start from this model file's weights
    resume: bool = False
    force: bool = False
    progress: bool = True
    seed: int = 0
    threads: int = 1  # more OpenMP threads crawl when other processes share the cores
    augment: float = 1.0  # strength of the audio augmentation (0: none)


def _base_config(arch, opts: TrainOptions):
    """The preset asked for; without one, the configuration of the ``--init`` model (so a later stage
    keeps what an earlier one was trained with), else the default preset."""
    if opts.preset is not None or opts.init is None:
        return arch.preset(opts.preset or "default")
    config = load_model(opts.init)[0].config
    if not isinstance(config, arch.config):
        raise MedtalkError(f"{opts.init}: a {type(config).__name__} model, not one of --arch {arch.name}")
    return config


def _check_run(opts: TrainOptions) -> None:
    """Refuse a run folder that is the dataset (or inside it), and ``--resume`` with nothing to resume."""
    run, data = opts.run.resolve(), opts.data.resolve()
    if not opts.data.is_dir():
        raise MedtalkError(f"{opts.data}: no such dataset folder")
    if run == data or data in run.parents:
        raise MedtalkError(f"the run folder {opts.run} is inside the dataset {opts.data}; choose another -o")
    if opts.resume and not any((opts.run / name).is_file() for name in ("state.pt", "model.pt")):
        raise MedtalkError(f"nothing to resume in {opts.run} (no state.pt or model.pt); run without --resume")


def _prepare_run(opts: TrainOptions) -> None:
    run = opts.run
    if run.exists() and not run.is_dir():
        raise MedtalkError(f"{run} exists and is not a folder")
    # config.json and curves without state.pt or model.pt are a run that stopped before its first
    # epoch ended: nothing to keep, so they do not block the next run
    started = any((run / name).exists() for name in ("state.pt", "model.pt"))
    existing = [f for f in RUN_FILES if (run / f).exists()]
    if started and not (opts.resume or opts.force):
        raise MedtalkError(f"{run} already holds a run ({existing[0]}); use --resume to continue or --force to restart")
    if (opts.force or not started) and not opts.resume:
        for name in existing:
            (run / name).unlink()
    run.mkdir(parents=True, exist_ok=True)


def _batches(stage: Stage, data: Dataset, config: ModelConfig, augment: float, split: str, opts: TrainOptions):
    """The item source of a stage for a split."""
    if stage.data == "rigs":
        aligned = data.aligned if split == "train" else {}
        return RigPairs(aligned, data.clips[split], round(stage.crop_seconds * config.fps))
    train = split == "train"
    dropout = {
        "text_dropout": config.intensity.text_dropout if train and hasattr(config, "intensity") else 0.0,
        "phone_dropout": config.content.phone_dropout if train and hasattr(config, "content") else 0.0,
    }
    if stage.data == "guidance":
        return GuidedCrops(data.clips[split], config, stage.crop_seconds, opts.cache or opts.run / "cache",
                           augment if train else 0.0, progress=opts.progress, **dropout)
    clips = repeat_loaded(data.clips[split], stage.loaded_repeat) if train else data.clips[split]
    return AudioCrops(clips, config, stage.crop_seconds, augment if train else 0.0, **dropout)


def _set_trainable(model: MEDTalk, stage: Stage) -> list[torch.nn.Parameter]:
    model.requires_grad_(False).eval()
    for name in stage.trainable:
        model.get_submodule(name).requires_grad_(True).train()
    return [p for p in model.parameters() if p.requires_grad]


def _step_terms(model: MEDTalk, stage: Stage, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, dict[str, float]]:
    terms = OBJECTIVES[stage.objective](model, batch, set(stage.losses))
    total = sum(stage.losses[k] * terms[k] for k in stage.losses)
    return total, {k: v.item() for k, v in terms.items()}


@torch.no_grad()
def _validate(model: MEDTalk, stage: Stage, source) -> dict[str, float]:
    if len(source) == 0:
        return {}
    rng = np.random.default_rng(VAL_SEED)
    indices = np.arange(len(source))[:VAL_ITEMS]
    was_training = {name: model.get_submodule(name).training for name in stage.trainable}
    model.eval()
    sums: dict[str, float] = {}
    for first in range(0, len(indices), stage.batch_size):
        total, terms = _step_terms(model, stage, source.batch(indices[first : first + stage.batch_size], rng))
        for k, v in {**terms, "total": total.item()}.items():
            sums[k] = sums.get(k, 0.0) + v * len(indices[first : first + stage.batch_size])
    for name, training in was_training.items():
        model.get_submodule(name).train(training)
    return {f"val_{k}": v / len(indices) for k, v in sums.items()}


def _write_config(opts: TrainOptions, config: ModelConfig, stages: tuple[Stage, ...]) -> None:
    doc = {
        "model": config.to_dict(),
        "options": {k: str(v) for k, v in asdict(opts).items()},
        "stages": [asdict(s) for s in stages],
    }
    (opts.run / "config.json").write_text(json.dumps(doc, indent=2))


def train(opts: TrainOptions) -> Path:
    """Run (or resume) training; returns the path of the final ``model.pt``."""
    torch.set_num_threads(max(1, opts.threads))
    _check_run(opts)
    arch = get_arch(opts.arch)
    if opts.ablation and opts.arch != "medtalk":
        raise MedtalkError(f"ablations are of the full model, not of {opts.arch}")
    stages = ablate_stages(opts.ablation, select_stages(opts.stages, opts.epochs_scale, ARCH_STAGES[arch.name]))
    state_path = opts.run / "state.pt"
    state = load_state(state_path) if opts.resume and state_path.is_file() else None
    config = build_config(arch.config, state["config"]) if state else ablate_config(opts.ablation, _base_config(arch, opts))
    if state:
        stages = _resumed_stages(opts, state, stages)
    made = not opts.run.exists()
    _prepare_run(opts)  # only once every option has been checked: a run that cannot start makes nothing
    _write_config(opts, config, stages)
    try:
        data = load_dataset(opts.data, opts.cache or opts.run / "cache", progress=opts.progress)
    except MedtalkError:
        if made:  # a dataset that cannot be read leaves no run folder behind (only this run wrote in it)
            shutil.rmtree(opts.run, ignore_errors=True)
        raise
    torch.manual_seed(opts.seed)  # after loading: the text model may draw random numbers as it loads
    model = arch.build(config)
    if opts.init and not state:
        model.load_state_dict(load_model(opts.init)[0].state_dict())
    rng = np.random.default_rng(opts.seed)
    history: list[dict] = []
    position = (0, 0)  # (stage index, epoch) to continue from
    if state:
        load_weights(model, state["model"], state_path)
        rng.bit_generator.state = state["numpy_rng"]
        torch.set_rng_state(state["torch_rng"])
        history, position = state["history"], (state["stage_index"], state["epoch"])

    for index, stage in enumerate(stages):
        if index < position[0]:
            continue
        optimizer = torch.optim.Adam(_set_trainable(model, stage), lr=stage.lr)
        scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=stage.decay)
        first_epoch = position[1] if index == position[0] else 0
        if state and first_epoch > 0:
            optimizer.load_state_dict(state["optimizer"])
            scheduler.load_state_dict(state["scheduler"])
        source = _batches(stage, data, config, opts.augment, "train", opts)
        val_source = _batches(stage, data, config, 0.0, "val", opts)
        for epoch in range(first_epoch, stage.epochs):
            start = time.time()
            desc = f"{stage.name} {epoch + 1}/{stage.epochs}"
            row = _train_epoch(model, stage, source, optimizer, rng, desc, opts.progress)
            row.update(_validate(model, stage, val_source))
            history.append({"stage": stage.name, "epoch": epoch, "lr": scheduler.get_last_lr()[0],
                            "seconds": round(time.time() - start, 2), **row})
            scheduler.step()
            done = (index + 1, 0) if epoch + 1 == stage.epochs else (index, epoch + 1)
            save_state(state_path, {
                "config": config.to_dict(), "stages": [asdict(s) for s in stages], "model": model.state_dict(),
                "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
                "numpy_rng": rng.bit_generator.state, "torch_rng": torch.get_rng_state(),
                "history": history, "stage_index": done[0], "epoch": done[1],
            })
            curves.write_csv(history, opts.run / "losses.csv")
            curves.plot(history, opts.run / "losses.png")
    return _finish(model, data, opts, stages)


def _resumed_stages(opts: TrainOptions, state: dict, stages: tuple[Stage, ...]) -> tuple[Stage, ...]:
    """The stage list to resume: the interrupted run's, or the run's followed by stages it did not have
    (``--resume --stages 4`` adds stage 4 to a model trained through stage 3; so does ``--resume``
    alone, which asks for all stages, on a run made before stage 4 existed)."""
    done = tuple(Stage(**{**s, "trainable": tuple(s["trainable"])}) for s in state["stages"])
    names, done_names = [s.name for s in stages], [s.name for s in done]
    if done_names == names:
        return stages
    if done_names[-len(names) :] == names:  # an extended run, interrupted in its new stages
        return done
    if names[: len(done)] == done_names:
        return done + stages[len(done) :]
    if state["stage_index"] == len(done) and not set(done_names) & set(names):
        return done + stages
    raise MedtalkError(f"{opts.run}: --stages differ from the interrupted run ({','.join(done_names)})")


def _train_epoch(
    model: MEDTalk, stage: Stage, source, optimizer: torch.optim.Optimizer, rng: np.random.Generator,
    desc: str, progress: bool,
) -> dict[str, float]:
    """One epoch of ``stage``: mean of every loss term over its steps (``train_<term>``)."""
    order = rng.permutation(len(source))[: max(1, round(len(source) * stage.epoch_fraction))]
    steps = math.ceil(len(order) / stage.batch_size)
    sums: dict[str, float] = {}
    chunks = [order[step * stage.batch_size : (step + 1) * stage.batch_size] for step in range(steps)]
    bar = tqdm(_prefetched(source, chunks, rng), total=steps, desc=desc, unit="batch", disable=not progress, leave=False)
    for batch in bar:
        total, terms = _step_terms(model, stage, batch)
        optimizer.zero_grad(set_to_none=True)
        total.backward()
        torch.nn.utils.clip_grad_norm_([p for g in optimizer.param_groups for p in g["params"]], GRAD_CLIP)
        optimizer.step()
        for k, v in {**terms, "total": total.item()}.items():
            sums[k] = sums.get(k, 0.0) + v
        bar.set_postfix(loss=f"{total.item():.4g}")
    return {f"train_{k}": v / max(steps, 1) for k, v in sums.items()}


def _prefetched(source, chunks: list[np.ndarray], rng: np.random.Generator):
    """``source.batch(chunk, rng)`` for each chunk, the next one made in a thread while the
    caller trains on this one (torch releases the GIL, so the crops, augmentation and
    features of a batch cost no step time on a second core). Batches are made one at a
    time, in order, from the one ``rng``: the same batches as without the thread."""
    if not chunks:
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(source.batch, chunks[0], rng)
        for chunk in chunks[1:]:
            batch = pending.result()
            pending = pool.submit(source.batch, chunk, rng)
            yield batch
        yield pending.result()


def _finish(model: MEDTalk, data: Dataset, opts: TrainOptions, stages: tuple[Stage, ...]) -> Path:
    """Save the model, reload it (float16 weights) and write ``model.pt`` with its test figures.

    ``model.pt`` appears only once it is scored: a run killed while testing
    has no ``model.pt`` yet, and ``--resume`` scores it again.
    """
    path, unscored = opts.run / "model.pt", opts.run / "model.unscored.pt"
    if any(s.number == 4 for s in stages):
        model.guidance.trained.fill_(True)
    description = {
        **data.describe(), "stages": [s.name for s in stages], "epochs": {s.name: s.epochs for s in stages},
        "seed": opts.seed, "augment": opts.augment, "arch": opts.arch, "ablation": opts.ablation,
    }
    save_model(unscored, model, description, force=True)
    shipped, _ = load_model(unscored)
    metrics = {"test": evaluate(shipped, data.clips["test"], opts.progress)}
    save_model(path, shipped, description, metrics, force=True)
    unscored.unlink()
    return path

