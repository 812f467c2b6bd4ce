"""One training loop that runs the stages of ``stages.py`` in order, resumably.

A run folder holds ``config.json`` (model config, options, stages),
``state.pt`` (written after every epoch: weights, optimiser, scheduler, RNG
states and the position in the stage list), ``losses.csv`` / ``losses.png``,
the feature ``cache/`` and, at the end, ``model.pt``: the trained model with a
description of its data and its figures on the test split.

Under ``torchrun`` every process runs this loop on its share of each batch
(``epochs.py``, ``distributed.py``) and rank 0 alone writes the run folder;
``config.json`` records the world size and backend. ``state.pt`` holds
nothing that depends on the world size (weights, optimiser and scheduler,
the position in the stage list; a seeded run's random numbers derive from
the seed and the position), so a run resumes on any number of processes.
"""

from __future__ import annotations

import json
import shutil
import time
import warnings
from dataclasses import asdict, dataclass, replace
from functools import partial
from pathlib import Path

import numpy as np
import torch
from torch.nn.parallel import DistributedDataParallel

from medtalk.data.clips import Dataset, load_dataset, repeat_loaded
from medtalk.errors import MedtalkError
from medtalk.model.archs import get_arch
from medtalk.model.checkpoint import (
    load_model,
    load_state,
    load_weights,
    save_model,
    save_state,
)
from medtalk.model.config import ModelConfig, build_config
from medtalk.model.medtalk import MEDTalk
from medtalk.train import curves, distributed
from medtalk.train.ablations import ablate_config, ablate_stages
from medtalk.model.whisper import whisper_content
from medtalk.train.batches import AudioCrops, RigPairs
from medtalk.train.distributed import World
from medtalk.train.epochs import (
    EpochPlan,
    Objective,
    seeded_epoch,
    step_terms,
    stream_epoch,
    to_device,
)
from medtalk.data.frozen import cache_frozen
from medtalk.train.evaluate import evaluate
from medtalk.train.guidance_data import GuidedCrops
from medtalk.train.stages import ARCH_STAGES, Stage, select_stages
from medtalk.train.windows import StreamWindows
from medtalk.text_models import SENTENCE_DIMS

VAL_ITEMS = 64  # validation crops per epoch (fixed, unaugmented)
VAL_SEED = 1234
# a parameter broadcast in the forward pass (intensity's no_text, (1, 1, d)) gets a strided gradient; DDP
# copies it into its bucket, which costs nothing at this size, and says so on every rank
warnings.filterwarnings("ignore", message="Grad strides do not match bucket view strides")
GPU_WORKERS = 2  # loader processes per GPU by default: enough to keep a small model's GPU fed
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
    whisper: str | None = None  # the content front-end over this Whisper model's states (name or folder)
    whisper_layer: int | None = None  # ... after this many of its blocks (None: all)
    descriptions: str | None = None  # stage 4 reads descriptions with this sentence encoder (None: the config's)
    resume: bool = False
    force: bool = False
    progress: bool = True
    seed: int = 0
    threads: int = 1  # more OpenMP threads crawl when other processes share the cores
    augment: float = 1.0  # strength of the audio augmentation (0: none)
    device: str = "auto"  # auto (a GPU when there is one), cpu or cuda
    workers: int | None = None  # loader processes making batches (0: one thread; None: 0 on CPU, GPU_WORKERS on
    # a GPU); with any, batches are made in any order, so the run is seeded (epochs.py)


def _base_config(arch, opts: TrainOptions):
    """The preset asked for; without one, the configuration of the ``--init`` model (so a later stage
    keeps what an earlier one was trained with), else the default preset; with ``whisper``, its
    content front-end over that Whisper model; with ``descriptions``, that sentence encoder for stage 4."""
    if opts.preset is not None or opts.init is None:
        config = arch.preset(opts.preset or "default")
    else:
        config = load_model(opts.init)[0].config
        if not isinstance(config, arch.config):
            raise MedtalkError(f"{opts.init}: a {type(config).__name__} model, not one of --arch {arch.name}")
    if opts.descriptions is not None:
        if not hasattr(config, "guidance"):
            raise MedtalkError(f"--descriptions: the {arch.name} architecture has no stage 4 to read them")
        config = replace(config, guidance=replace(config.guidance, text_encoder=opts.descriptions,
                                                  text_dim=SENTENCE_DIMS[opts.descriptions]))
    if opts.whisper is None and opts.whisper_layer is None:
        return config
    if not hasattr(config, "content"):
        raise MedtalkError(f"--whisper: the {arch.name} architecture has no content front-end to change")
    model = opts.whisper or (config.content.whisper_model if config.content.frontend == "whisper" else "tiny.en")
    return replace(config, content=whisper_content(config.content, model, opts.whisper_layer))


def _check_run(opts: TrainOptions) -> None:
    """Refuse a run folder that is the dataset (or inside it), and ``--resume`` with nothing to resume."""
    run, data = opts.run.resolve(), opts.data.resolve()
    if not opts.data.is_dir():
        raise MedtalkError(f"{opts.data}: no such dataset folder")
    if run == data or data in run.parents:
        raise MedtalkError(f"the run folder {opts.run} is inside the dataset {opts.data}; choose another -o")
    if opts.resume and not any((opts.run / name).is_file() for name in ("state.pt", "model.pt")):
        raise MedtalkError(f"nothing to resume in {opts.run} (no state.pt or model.pt); run without --resume")


# the modules that start fresh when --init's weights differ in them: the ACM for another audio
# front-end; stage 4's (P_text, P_image, E_fuse) for another description encoder
FRESH = (("acm.", ("acm.",), "another audio front-end; the ACM starts fresh"),
         ("guidance.", ("guidance.", "fim.fuse."), "another description encoder; stage 4's modules start fresh"))


def _load_init(model: torch.nn.Module, init: torch.nn.Module, path: Path) -> None:
    """``init``'s weights into ``model``. When only the audio front-end differs (another
    ``ContentConfig.frontend`` or input size), the ACM starts fresh and everything else is kept:
    a new front-end then needs only the stages that train the ACM. When only the description
    encoder differs (another ``GuidanceConfig.text_dim``), stage 4's modules start fresh."""
    ours, theirs = model.state_dict(), init.state_dict()
    differ = sorted(k for k in ours if k not in theirs or theirs[k].shape != ours[k].shape)
    fresh = [(modules, why) for prefix, modules, why in FRESH if any(k.startswith(prefix) for k in differ)]
    renewed = tuple(m for modules, _ in fresh for m in modules)
    unfit = [k for k in differ if not k.startswith(renewed)]
    if unfit:
        raise MedtalkError(f"{path}: its weights do not fit this configuration ({unfit[0]} differs)")
    model.load_state_dict({k: theirs[k] for k in ours if not k.startswith(renewed)}, strict=False)
    for _, why in fresh:
        print(f"--init {path}: {why}, the rest is kept")


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
    if stage.data == "stream":
        return StreamWindows(clips, config, stage.crop_seconds, stage.stream_share, augment if train else 0.0, **dropout)
    return AudioCrops(clips, config, stage.crop_seconds, augment if train else 0.0, **dropout)


def _set_trainable(model: MEDTalk, stage: Stage) -> list[torch.nn.Parameter]:
    model.requires_grad_(False).eval()
    for name in stage.trainable:
        model.get_submodule(name).requires_grad_(True).train()
    return [p for p in model.parameters() if p.requires_grad]


@torch.no_grad()
def _validate(model: MEDTalk, stage: Stage, source, device: torch.device) -> dict[str, float]:
    if len(source) == 0:
        return {}
    rng = np.random.default_rng(VAL_SEED)
    indices = np.arange(len(source))[:VAL_ITEMS]
    was_training = {name: model.get_submodule(name).training for name in stage.trainable}
    model.eval()
    sums: dict[str, float] = {}
    for first in range(0, len(indices), stage.batch_size):
        batch = to_device(source.batch(indices[first : first + stage.batch_size], rng), device)
        total, terms = step_terms(model, stage, batch)
        for k, v in {**terms, "total": total.item()}.items():
            sums[k] = sums.get(k, 0.0) + v * len(indices[first : first + stage.batch_size])
    for name, training in was_training.items():
        model.get_submodule(name).train(training)
    return {f"val_{k}": v / len(indices) for k, v in sums.items()}


def _write_config(opts: TrainOptions, config: ModelConfig, stages: tuple[Stage, ...], world: World,
                  sampling: str) -> None:
    doc = {
        "model": config.to_dict(),
        "options": {k: str(v) for k, v in asdict(opts).items()},
        "stages": [asdict(s) for s in stages],
        "processes": {**world.describe(), "sampling": sampling},
    }
    (opts.run / "config.json").write_text(json.dumps(doc, indent=2))


def train(opts: TrainOptions) -> Path:
    """Run (or resume) training; returns the path of the final ``model.pt`` (under torchrun, rank 0
    writes it: the other ranks return once their training is done)."""
    torch.set_num_threads(max(1, opts.threads))
    world = distributed.start(opts.device)
    try:
        path = _train(opts, world)
        # ranks leave together: one tearing its gloo group down while rank 0 still writes the run
        # sometimes aborted it ("terminate called without an active exception")
        distributed.barrier(world)
        return path
    finally:
        distributed.stop(world)


def _train(opts: TrainOptions, world: World) -> Path:
    distributed.from_main(world, lambda: _check_run(opts))  # rank 0's view: the run folder is its alone
    arch = get_arch(opts.arch)
    if opts.ablation and opts.arch != "medtalk":
        raise MedtalkError(f"ablations are of the full model, not of {opts.arch}")
    workers = _workers(opts, world)
    stages = ablate_stages(opts.ablation, select_stages(opts.stages, opts.epochs_scale, ARCH_STAGES[arch.name]))
    state_path = opts.run / "state.pt"
    state = distributed.from_main(world, lambda: load_state(state_path) if opts.resume and state_path.is_file() else None)
    config = build_config(arch.config, state["config"]) if state else ablate_config(opts.ablation, _base_config(arch, opts))
    if state:
        stages = _resumed_stages(opts, state, stages)
    _check_world(world, stages)
    # a plain run draws from one generator as it always has; anything else (and whatever continues it) is seeded
    seeded = world.distributed or workers > 0 or bool(state and state.get("sampling") == "seeded")
    sampling = "seeded" if seeded else "stream"
    made = not opts.run.exists()
    # only once every option has been checked: a run that cannot start makes nothing
    distributed.from_main(world, lambda: (_prepare_run(opts), _write_config(opts, config, stages, world, sampling)))

    progress = opts.progress and world.main
    cache = opts.cache or opts.run / "cache"
    try:
        data = distributed.main_first(world, lambda: load_dataset(opts.data, cache, progress=progress))
        if hasattr(config, "content"):
            clips = [c for split in data.clips.values() for c in split]
            distributed.main_first(world, lambda: cache_frozen(clips, config.content, cache, progress))
    except MedtalkError:
        if made and world.main:  # a dataset that cannot be read leaves no run folder behind (only this run wrote in it)
            shutil.rmtree(opts.run, ignore_errors=True)
        raise
    torch.manual_seed(opts.seed)  # after loading: the text model may draw random numbers as it loads
    model = arch.build(config)
    if opts.init and not state:
        _load_init(model, load_model(opts.init)[0], opts.init)
    rng = np.random.default_rng(opts.seed)
    history: list[dict] = []
    position = (0, 0)  # (stage index, epoch) to continue from
    if state:
        load_weights(model, state["model"], state_path)
        if not seeded:
            rng.bit_generator.state = state["numpy_rng"]
            torch.set_rng_state(state["torch_rng"])
        history, position = state["history"], (state["stage_index"], state["epoch"])
    model.to(world.device)

    for index, stage in enumerate(stages):
        if index < position[0]:
            continue
        optimizer = torch.optim.Adam(_set_trainable(model, stage), lr=stage.lr)
        scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=stage.decay)
        first_epoch = position[1] if index == position[0] else 0
        if state and first_epoch > 0:
            optimizer.load_state_dict(state["optimizer"])
            scheduler.load_state_dict(state["scheduler"])
        run_opts = replace(opts, progress=progress)
        source = distributed.main_first(world, partial(_batches, stage, data, config, opts.augment, "train", run_opts))
        val_source = _batches(stage, data, config, 0.0, "val", run_opts) if world.main else None
        objective = _objective(model, stage, world) if seeded else None
        for epoch in range(first_epoch, stage.epochs):
            start = time.time()
            desc = f"{stage.name} {epoch + 1}/{stage.epochs}"
            plan = EpochPlan(opts.seed, index, epoch, world, workers) if seeded else None
            row = _train_epoch(model, objective, stage, source, optimizer, rng, plan, desc, progress)
            if world.main:
                row.update(_validate(model, stage, val_source, world.device))
                history.append({"stage": stage.name, "epoch": epoch, "lr": scheduler.get_last_lr()[0],
                                "seconds": round(time.time() - start, 2), "world_size": world.size, **row})
            scheduler.step()
            if not world.main:
                continue
            done = (index + 1, 0) if epoch + 1 == stage.epochs else (index, epoch + 1)
            save_state(state_path, {
                "config": config.to_dict(), "stages": [asdict(s) for s in stages], "model": model.state_dict(),
                "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
                "numpy_rng": rng.bit_generator.state, "torch_rng": torch.get_rng_state(), "sampling": sampling,
                "history": history, "stage_index": done[0], "epoch": done[1],
            })
            curves.write_csv(history, opts.run / "losses.csv")
            curves.plot(history, opts.run / "losses.png")
    if not world.main:
        return opts.run / "model.pt"
    return _finish(model, data, opts, stages)


def _workers(opts: TrainOptions, world: World) -> int:
    """Loader processes: as asked, else a few to keep a GPU fed, none on a CPU (where they would take
    the cores the training needs)."""
    if opts.workers is not None and opts.workers < 0:
        raise MedtalkError(f"--workers must be 0 or more, got {opts.workers}")
    if opts.workers is not None:
        return opts.workers
    return GPU_WORKERS if world.device.type == "cuda" else 0


def _check_world(world: World, stages: tuple[Stage, ...]) -> None:
    """Every process must hold at least one item of a step: the global batch is split, never grown."""
    small = min(stages, key=lambda s: s.batch_size)
    if world.size > small.batch_size:
        raise MedtalkError(f"{world.size} processes for a batch of {small.batch_size} ({small.name}): "
                           f"use at most {small.batch_size} processes")


def _objective(model: MEDTalk, stage: Stage, world: World) -> torch.nn.Module:
    """The stage's loss as a module, wrapped so that the ranks average their gradients. Built per
    stage: DistributedDataParallel syncs the parameters that train when it is made. Some train only
    on some batches (text dropout, guidance by text or image), hence ``find_unused_parameters``."""
    objective = Objective(model, stage)
    if not world.distributed:
        return objective
    ids = [world.device.index] if world.device.type == "cuda" else None
    return DistributedDataParallel(objective, device_ids=ids, find_unused_parameters=True)


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
    model: MEDTalk, objective: torch.nn.Module | None, stage: Stage, source, optimizer: torch.optim.Optimizer,
    rng: np.random.Generator, plan: EpochPlan | None, desc: str, progress: bool,
) -> dict[str, float]:
    """One epoch: seeded when there is a ``plan``, else from the run's one generator."""
    if plan is None:
        return stream_epoch(model, stage, source, optimizer, rng, desc, progress, next(model.parameters()).device)
    return seeded_epoch(objective, stage, source, optimizer, plan, desc, progress)


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

