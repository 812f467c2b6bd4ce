"""``medtalk batch --ray``: a real Ray cluster (a head and a worker node on loopback, started and stopped
by the test) writes the same bytes as the run on this machine's own workers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from ray_cluster import local_cluster
from test_batch import SENTENCES, clips, report, tree, write_csv  # noqa: F401, F811  (the clips fixture)

ROOT = Path(__file__).resolve().parents[1]


def _batch(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "medtalk", "batch", *args, "-q"], env=env, capture_output=True,
                          text=True, timeout=900)


@pytest.mark.slow
def test_ray_cluster_writes_the_same_bytes(clips: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the cluster's workers import this checkout's medtalk
    rows = [f"{clips / f's{k % 4}.wav'},line{k},{SENTENCES[k % 4]},{['happy', 'fear'][k % 2]}" for k in range(6)]
    rows.append(f"{clips / 'missing.wav'},missing,,")
    manifest = write_csv(tmp_path / "m.csv", "audio,name,transcript,emotion", rows)
    out, local = tmp_path / "out", tmp_path / "local"
    here = _batch(env, str(manifest), "-o", str(out), "--export", "blender", "-j", "2")
    assert here.returncode == 1, here.stderr
    out.rename(local)  # export scripts name their folder: both runs write to the same path
    with local_cluster(tmp_path, env) as (address, driver_env):
        on_ray = _batch(driver_env, str(manifest), "-o", str(out), "--export", "blender", "--ray", address)
    assert on_ray.returncode == 1, on_ray.stderr
    assert tree(out) == tree(local) and len(tree(out)) == 6 * 4  # rig, record, two blender files per line
    assert {n: r["status"] for n, r in report(out).items()} == {**{f"line{k}": "done" for k in range(6)},
                                                               "missing": "failed"}
