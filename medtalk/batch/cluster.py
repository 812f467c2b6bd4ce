"""Running tasks on a Ray cluster: one actor per worker slot, each loading the model once.

Inputs and outputs travel through Ray's object store, not a shared folder:
the driver reads each line's files into its task (the arguments of an actor
call) and gets the rig back as the call's result, then writes every output
itself. The model file goes into the object store once and every actor loads
it from there. So a cluster needs no shared file system, only the same
medtalk installed on every node (``docs/BATCH.md``).
"""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
from pathlib import Path

from medtalk.batch.work import LineResult, LineTask, LineWorker
from medtalk.errors import MedtalkError, reason

AUTO = "auto"  # start a one-node cluster on 127.0.0.1 for this run


def _loopback_host(address: str) -> str | None:
    """The host of ``host:port`` when it is a loopback address (127.0.0.2 too), else None."""
    host = address.rsplit(":", 1)[0].strip("[]")
    try:
        return host if ipaddress.ip_address(host).is_loopback else None
    except ValueError:
        return None


class RayActors:
    """Tasks run by actors on the cluster at ``address`` (``"auto"``: a new local one with ``jobs``
    CPUs); ``jobs`` actors, or one per CPU of the cluster when None."""

    def __init__(self, model: Path, address: str, jobs: int | None) -> None:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # nothing leaves the cluster
        if address == AUTO:
            # Ray replaces 127.0.0.1 by the machine's network address unless multi-node clusters are
            # off; a cluster for this run alone is one node, so it stays on loopback
            os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
            # and its own token, in memory: Ray would otherwise write one to ~/.ray/auth_token, which then
            # switches on token authentication for every cluster later started on this machine
            os.environ.setdefault("RAY_AUTH_MODE", "token")
            os.environ.setdefault("RAY_AUTH_TOKEN", secrets.token_hex(32))
        try:
            import ray
        except ImportError:
            raise MedtalkError("--ray needs Ray: pip install 'medtalk[ray]' (make setup installs it)") from None
        self.ray = ray
        quiet = {"log_to_driver": False, "logging_level": logging.ERROR}
        try:
            if address == AUTO:
                ray.init(num_cpus=jobs or os.cpu_count(), include_dashboard=False, **quiet)
            else:
                # a cluster on a loopback address (nodes started with --node-ip-address 127.0.0.2) is
                # reached from the same address; otherwise Ray finds this node's address itself
                ray.init(address=address, _node_ip_address=_loopback_host(address), **quiet)
        except (ConnectionError, RuntimeError, ValueError) as err:
            raise MedtalkError(f"cannot connect to the Ray cluster at {address} ({reason(err)})") from None
        cpus = int(ray.cluster_resources().get("CPU", 0))
        count = jobs or max(1, cpus)
        if count > cpus:  # an actor waiting for a CPU that never comes would hang the batch
            ray.shutdown()
            raise MedtalkError(f"--jobs {count} needs {count} CPUs, but the Ray cluster at {address} has {cpus}")
        weights = ray.put(Path(model).read_bytes())
        actor = ray.remote(num_cpus=1)(LineWorker)
        self.actors = [actor.remote(weights) for _ in range(count)]
        self.load = [0] * count  # calls in flight per actor
        self.calls: dict = {}  # object ref -> (actor index, line name)
        self.slots = 2 * count

    def submit(self, task: LineTask) -> None:
        k = min(range(len(self.actors)), key=self.load.__getitem__)
        self.calls[self.actors[k].run.remote(task)] = (k, task.name)
        self.load[k] += 1

    def next_result(self) -> LineResult:
        [ref], _ = self.ray.wait(list(self.calls), num_returns=1)
        k, name = self.calls.pop(ref)
        self.load[k] -= 1
        try:
            return self.ray.get(ref)
        except self.ray.exceptions.RayError as err:  # the actor or its node died: this line fails
            return LineResult(name, error=f"Ray worker failed: {type(err).__name__}")

    def close(self) -> None:
        self.ray.shutdown()
