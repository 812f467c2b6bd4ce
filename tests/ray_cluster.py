"""A real Ray cluster on loopback for the tests: a head and one worker node, each a ``ray start --block``
process in its own process group, on free ports, dashboard and usage reporting off; stopped (the
process groups killed) when the test ends, also when it fails."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Ray replaces 127.0.0.1 (and localhost) by the machine's network address when nodes may join, so the
# nodes use another loopback address: all traffic stays on lo
HOST = "127.0.0.2"
START_SECONDS = 300  # two raylets starting on a busy 2-core machine
PROBE_SECONDS = 60  # one attempt to connect (Ray retries inside it)


def free_ports(count: int) -> list[int]:
    """``count`` ports free on the loopback address right now (the OS picks them, so they clash with nobody)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind((HOST, 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _node_ports() -> list[str]:
    manager, objects, agent, agent_grpc, metrics, env_agent, *workers = free_ports(10)
    return ["--node-manager-port", str(manager), "--object-manager-port", str(objects),
            "--dashboard-agent-listen-port", str(agent), "--dashboard-agent-grpc-port", str(agent_grpc),
            "--metrics-export-port", str(metrics), "--runtime-env-agent-port", str(env_agent),
            "--worker-port-list", ",".join(map(str, workers))]


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    ray = Path(sys.executable).with_name("ray")
    with open(log, "w") as out:
        return subprocess.Popen([str(ray), "start", "--block", "--node-ip-address", HOST, "--num-cpus", "1",
                                 "--disable-usage-stats", *args, *_node_ports()],
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def local_cluster(tmp: Path, env: dict[str, str]) -> Iterator[tuple[str, dict[str, str]]]:
    """Start a head and a worker node; yield the head's address ``127.0.0.2:PORT`` and the environment
    a driver needs (``env`` with the cluster's own token: nothing is read from or written to ~/.ray)."""
    env = {**env, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32)}
    [gcs] = free_ports(1)
    address = f"{HOST}:{gcs}"
    procs = []
    # Ray's unix sockets live under --temp-dir, and their paths must stay under 108 bytes
    sessions = Path(tempfile.mkdtemp(prefix="ray"))
    try:
        procs.append(_start(["--head", "--port", str(gcs), "--include-dashboard", "false",
                             "--temp-dir", str(sessions)],
                            env, tmp / "head.log"))
        _wait_nodes(address, 1, env, procs)
        procs.append(_start(["--address", address], env, tmp / "worker.log"))
        _wait_nodes(address, 2, env, procs)
        yield address, env
    finally:
        for proc in reversed(procs):
            _stop(proc)
        shutil.rmtree(sessions, ignore_errors=True)


def _wait_nodes(address: str, count: int, env: dict[str, str], procs: list[subprocess.Popen]) -> None:
    """Block until ``count`` nodes are alive in the cluster (a node process that exits fails at once)."""
    probe = (f"import ray, sys; ray.init(address=sys.argv[1], _node_ip_address='{HOST}', "
             "logging_level='error', log_to_driver=False); "
             "print(sum(n['Alive'] for n in ray.nodes()))")
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"a ray node exited with status {proc.returncode} (see its log)")
        try:
            out = subprocess.run([sys.executable, "-c", probe, address], env=env, capture_output=True, text=True,
                                 timeout=PROBE_SECONDS)
        except subprocess.TimeoutExpired:
            continue
        if out.returncode == 0 and out.stdout.strip().isdigit() and int(out.stdout.strip()) >= count:
            return
        time.sleep(1)
    raise RuntimeError(f"the ray cluster at {address} did not have {count} nodes after {START_SECONDS} s")
