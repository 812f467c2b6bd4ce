"""Data-parallel training: torchrun with 2 gloo processes on the tiny preset, resuming on another world
size, the seeded batches that make it exact, and the GPU path (skipped where there is no GPU)."""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

import medtalk
from medtalk.data.clips import load_dataset
from medtalk.errors import MedtalkError
from medtalk.model import preset
from medtalk.model.checkpoint import load_model
from medtalk.train import loop
from medtalk.train.batches import AudioCrops
from medtalk.train.distributed import World, resolve_device
from medtalk.train.epochs import EpochPlan, made_batches, seeded_jobs
from medtalk.train.stages import STAGES, select_stages

ROOT = Path(__file__).resolve().parents[1]
TORCHRUN = Path(sys.executable).with_name("torchrun")
SCALE = 0.1  # epochs of every stage: 2, 2, 2, 2, 2, 1
SEED = 3
# Spread of the held-out MLE of this run (2 processes, tiny preset, SCALE) over seeds 0-3: 0.0513-0.0704
# (0.0704, 0.0513, 0.0575, 0.0547), 0.0191 = 32.6 % of their mean (docs/TRAINING.md; re-measure with
# benchmarks/train_ddp.py --seeds 0,1,2,3). The seed moves the initial weights, which decide most of it.
SEED_SPREAD = 0.326


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _command(data: Path, run: Path, processes: int | None, *extra: str) -> list[str]:
    """``medtalk train`` under torchrun with ``processes`` (None: a plain process)."""
    args = ["-m", "medtalk", "train", str(data), "-o", str(run), "--preset", "tiny", "--epochs-scale", str(SCALE),
            "--seed", str(SEED), "--cache", str(run.parent / "cache"), "--device", "cpu", "-q", *extra]
    if processes is None:
        return [sys.executable, *args]
    return [str(TORCHRUN), f"--nproc_per_node={processes}", "--master_addr=127.0.0.1",
            f"--master_port={_free_port()}", *args]


def _env() -> dict[str, str]:
    # gloo binds the address the host name resolves to unless told otherwise: tests stay on loopback
    return {**os.environ, "PYTHONPATH": str(ROOT), "MASTER_ADDR": "127.0.0.1", "GLOO_SOCKET_IFNAME": "lo",
            "OMP_NUM_THREADS": "1"}


# A rank of a 2-process gloo run sometimes aborts in C++ ("terminate called without an active
# exception", SIGABRT) in the full suite on a loaded machine: seen twice in about 30 full runs,
# never in 5 runs of this command alone beside a CPU hog. Until its cause is found, such a run is
# continued as a user would (`--resume`) and must then finish; any other failure fails the test.
KNOWN_ABORT = "terminate called without an active exception"


def _train(data: Path, run: Path, processes: int | None, *extra: str) -> Path:
    done = subprocess.run(_command(data, run, processes, *extra), env=_env(), capture_output=True, text=True,
                          timeout=1200, check=False)
    if done.returncode != 0 and processes is not None and KNOWN_ABORT in done.stderr and "--resume" not in extra:
        warnings.warn(f"a gloo rank aborted ({KNOWN_ABORT}); resuming the run", stacklevel=2)
        return _train(data, run, processes, *extra, "--resume")
    assert done.returncode == 0, done.stderr[-3000:]
    return run / "model.pt"


def _mle(path: Path) -> float:
    return load_model(path)[1]["metrics"]["test"]["MLE"]


@pytest.fixture(scope="module")
def two_process_run(tiny_emoface: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny preset trained through every stage by 2 gloo processes."""
    return _train(tiny_emoface, tmp_path_factory.mktemp("ddp") / "two", 2)


@pytest.mark.slow
def test_two_processes_train_one_model_as_good_as_one_process(two_process_run: Path, tiny_emoface: Path) -> None:
    run = two_process_run.parent
    assert json.loads((run / "config.json").read_text())["processes"] == {
        "world_size": 2, "backend": "gloo", "device": "cpu", "sampling": "seeded"}
    rows = list(csv.DictReader((run / "losses.csv").open()))
    assert [r["stage"] for r in rows] == [s.name for s in select_stages(None, SCALE) for _ in range(s.epochs)]
    assert {r["world_size"] for r in rows} == {"2"}
    assert sorted(p.name for p in run.iterdir()) == ["config.json", "losses.csv", "losses.png", "model.pt",
                                                      "state.pt"]  # one writer: no per-rank leftovers
    model, info = load_model(two_process_run)
    assert model.config == preset("tiny") and info["data"]["stages"] == [s.name for s in STAGES]
    wave = np.random.default_rng(0).standard_normal(16000).astype(np.float32) * 0.1
    rig = medtalk.animate(wave, "angry", model=model)
    assert rig.values.shape == (60, 174) and np.isfinite(rig.values).all()
    single = loop.train(loop.TrainOptions(tiny_emoface, run.parent / "one", preset="tiny", epochs_scale=SCALE,
                                          seed=SEED, cache=run.parent / "cache", progress=False, device="cpu"))
    assert abs(_mle(two_process_run) - _mle(single)) <= 0.25 * _mle(single)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds torchrun's ranks through /proc (Linux)")
def test_a_killed_two_process_run_resumes_on_one(two_process_run: Path, tiny_emoface: Path, tmp_path: Path) -> None:
    run = tmp_path / "killed"
    os.symlink(two_process_run.parent.parent / "cache", tmp_path / "cache")  # the features are already made
    launched = subprocess.Popen(_command(tiny_emoface, run, 2), env=_env(), start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 900
        while not _epochs_done(run) >= 7:  # into stage 2-content: 6 of 11 epochs saved and one more
            assert launched.poll() is None and time.time() < deadline, "the run ended before it could be killed"
            time.sleep(0.2)
    finally:
        _kill_tree(launched.pid)  # torchrun and both ranks at once, as a lost machine would
        launched.wait()
    assert not (run / "model.pt").exists()
    interrupted = _epochs_done(run)
    resumed = _train(tiny_emoface, run, None, "--resume")
    rows = list(csv.DictReader((run / "losses.csv").open()))
    expected = [(s.name, str(e)) for s in select_stages(None, SCALE) for e in range(s.epochs)]
    assert [(r["stage"], r["epoch"]) for r in rows] == expected  # no epoch lost or repeated
    assert [r["world_size"] for r in rows] == ["2"] * interrupted + ["1"] * (len(rows) - interrupted)
    assert abs(_mle(resumed) - _mle(two_process_run)) <= SEED_SPREAD * _mle(two_process_run)


def _kill_tree(pid: int) -> None:
    """SIGKILL a process and all its descendants. torchrun starts each rank in a session of its own,
    so killing torchrun's process group alone would leave the ranks training."""
    family, todo = [], [pid]
    while todo:
        parent = todo.pop()
        family.append(parent)
        for task in Path(f"/proc/{parent}/task").glob("*/children"):
            todo += [int(child) for child in task.read_text().split()]
    for member in reversed(family):
        try:
            os.kill(member, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _epochs_done(run: Path) -> int:
    """Epochs in the run's last saved state (0 before the first)."""
    try:
        return len(torch.load(run / "state.pt", weights_only=True)["history"])
    except (FileNotFoundError, EOFError, RuntimeError):
        return 0


@pytest.mark.slow
@pytest.mark.parametrize("arch", ["faceformer", "endtoend"])
def test_baselines_train_on_two_processes(arch: str, tiny_emoface: Path, tmp_path: Path) -> None:
    path = _train(tiny_emoface, tmp_path / arch, 2, "--arch", arch, "--epochs-scale", "0.03")
    _, info = load_model(path)
    assert info["data"]["arch"] == arch and np.isfinite(info["metrics"]["test"]["MLE"])
    assert json.loads((tmp_path / arch / "config.json").read_text())["processes"]["world_size"] == 2


def _crops(tiny_emoface: Path, tmp_path: Path) -> AudioCrops:
    data = load_dataset(tiny_emoface, tmp_path / "cache", progress=False)
    return AudioCrops(data.clips["train"], preset("tiny"), crop_seconds=2.0, augment=1.0)


def test_the_ranks_of_a_seeded_epoch_share_out_the_one_process_batches(tiny_emoface: Path, tmp_path: Path) -> None:
    crops = _crops(tiny_emoface, tmp_path)
    stage = next(s for s in STAGES if s.name == "2-content")

    def jobs(rank: int, size: int):
        return seeded_jobs(stage, len(crops), EpochPlan(SEED, 3, 5, World(rank, size, backend="gloo")))

    whole, whole_rngs, whole_weights = jobs(0, 1)
    halves = [jobs(rank, 2) for rank in range(2)]
    assert whole_weights == [1.0] * len(whole)
    for step, chunk in enumerate(whole):
        assert np.array_equal(np.concatenate([h[0][step] for h in halves]), chunk)
        assert sum(h[2][step] for h in halves) == pytest.approx(2.0)  # the ranks' average is the batch mean
        one = crops.batch(chunk, whole_rngs[step])
        rows = [(part, i) for h in halves for part in [crops.batch(h[0][step], h[1][step])] for i in range(len(h[0][step]))]
        for j, (part, i) in enumerate(rows):  # each item's crop is its own, whichever rank makes it
            for key, mask in (("rig", "mask"), ("audio", "audio_mask")):
                assert torch.equal(part[key][i][part[mask][i]], one[key][j][one[mask][j]])
    assert not np.array_equal(jobs(0, 1)[0][0], seeded_jobs(stage, len(crops), EpochPlan(
        SEED, 3, 6, World()))[0][0])  # another epoch, another order


def test_a_rank_without_an_item_still_steps_with_no_weight() -> None:
    stage = next(s for s in STAGES if s.name == "2-content")
    # 5 items, batch 16, 8 processes: ranks 5-7 hold nothing of the one step
    chunks, _, weights = seeded_jobs(stage, 5, EpochPlan(0, 0, 0, World(6, 8, backend="gloo")))
    assert len(chunks) == 1 and len(chunks[0]) == 1 and weights == [0.0]


def test_loader_workers_make_the_batches_the_thread_makes(tiny_emoface: Path, tmp_path: Path) -> None:
    crops = _crops(tiny_emoface, tmp_path)
    stage = next(s for s in STAGES if s.name == "2-content")
    plan = EpochPlan(SEED, 3, 0, World())

    def made(workers: int):
        chunks, rngs, _ = seeded_jobs(stage, len(crops), plan)  # fresh generators: they are used up as drawn
        return list(made_batches(crops, chunks, rngs, workers, torch.device("cpu")))

    thread, workers = made(0), made(2)
    assert len(thread) == len(workers) > 0
    for a, b in zip(thread, workers):
        assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_devices_and_world_sizes_that_cannot_work_fail_in_one_line(tiny_emoface: Path, tmp_path: Path) -> None:
    with pytest.raises(MedtalkError, match="--device"):
        resolve_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(MedtalkError, match="no CUDA GPU"):
            loop.train(loop.TrainOptions(tiny_emoface, tmp_path / "run", device="cuda", progress=False))
        assert not (tmp_path / "run").exists()
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(MedtalkError, match="at most 16 processes"):
        loop._check_world(World(0, 17, backend="gloo"), select_stages("2"))
    with pytest.raises(MedtalkError, match="--workers"):
        loop.train(loop.TrainOptions(tiny_emoface, tmp_path / "run", workers=-1, progress=False))


@pytest.mark.slow
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU on this machine: the GPU path runs where one is")
def test_the_gpu_path_trains_a_model_that_animates(tiny_emoface: Path, tmp_path: Path) -> None:
    path = loop.train(loop.TrainOptions(tiny_emoface, tmp_path / "gpu", preset="tiny", epochs_scale=0.05,
                                        device="cuda", progress=False))
    assert json.loads((tmp_path / "gpu" / "config.json").read_text())["processes"]["device"] == "cuda"
    model, info = load_model(path)
    assert np.isfinite(info["metrics"]["test"]["MLE"])
    rig = medtalk.animate(np.zeros(16000, np.float32), "happy", model=model)
    assert np.isfinite(rig.values).all()


@pytest.mark.slow
@pytest.mark.skipif(torch.cuda.device_count() < 2, reason="needs 2 CUDA GPUs: NCCL runs where they are")
def test_two_gpus_train_over_nccl(tiny_emoface: Path, tmp_path: Path) -> None:
    path = _train(tiny_emoface, tmp_path / "nccl", 2, "--device", "cuda", "--epochs-scale", "0.05")
    processes = json.loads((tmp_path / "nccl" / "config.json").read_text())["processes"]
    assert processes == {"world_size": 2, "backend": "nccl", "device": "cuda", "sampling": "seeded"}
    assert np.isfinite(_mle(path))
