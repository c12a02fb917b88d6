"""Trials as Ray tasks: `eval`, `collect` and `train rl` with `--ray [ADDRESS]`.

Each trial (an evaluation's bin, a collection batch) is one task. It runs the trial as a local
run would, from the files the driver bundled (bundle.py), into a run directory of the
worker's own, and returns it packed with the trial's result; the driver unpacks it into
``--out``, so the output is complete and laid out as a local run's. A task whose worker or node
dies is run again elsewhere (Ray's retries): nothing of it reached the driver, so there is no
duplicate and no partial record. Ctrl-C cancels the cluster's tasks, killing their workers.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ivfp_bt.errors import UserError
from ivfp_bt.evaluation.trials import TrialResult, TrialSpec, move_aside

MAX_RETRIES = 3


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise UserError("--ray needs Ray: pip install 'ivfp-bt[ray]'") from None
    return ray


@dataclass
class TaskStats:
    """Per finished task: where it ran, its CPU seconds and the bytes it sent back."""

    node: str
    cpu_s: float
    bytes_back: int


@dataclass
class RayPool:
    """A connection to a Ray cluster that runs trials; ``retried`` counts re-run tasks and
    ``nodes`` the nodes tasks started on."""

    address: str | None = None
    num_cpus: int | None = None   # for a Ray of this machine alone (no address): how many CPUs it may use
    stats: list[TaskStats] = field(default_factory=list)
    retried: int = 0
    nodes: int = 0

    def __post_init__(self) -> None:
        ray = _ray()
        env = {key: os.environ[key] for key in ("MUJOCO_GL", "IVFP_BT_DEVICE") if key in os.environ}
        try:
            ray.init(address=self.address, num_cpus=self.num_cpus, runtime_env={"env_vars": env},
                     log_to_driver=False, include_dashboard=False, configure_logging=False)
        except ConnectionError as error:
            raise UserError(f"--ray {self.address}: cannot join the cluster ({error})") from None
        self._attempts = _attempt_counter(ray)

    def run(self, specs: list[TrialSpec], done: Callable[[TrialResult], None]) -> list[TrialResult]:
        """Run ``specs`` on the cluster; ``done`` hears of each as its records land in ``--out``."""
        from ivfp_bt.cluster.bundle import make_bundle

        if not specs:
            return []
        ray = _ray()
        bundle = ray.put(make_bundle(specs))
        task = ray.remote(max_retries=MAX_RETRIES, num_cpus=1)(_run_remote)
        pending = {task.remote(spec, bundle, self._attempts): spec for spec in specs}
        results = []
        try:
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1)
                spec = pending.pop(ready[0])
                result, archive, stats = _outcome(ray, ready[0], spec)
                _land(spec, archive)
                self.stats.append(stats)
                results.append(replace(result, spec=spec))
                done(results[-1])
        except BaseException:
            for ref in pending:
                ray.cancel(ref, force=True)   # the workers die with their simulations
            raise
        finally:
            with contextlib.suppress(Exception):   # the count is a report: never a reason to hang or fail
                self.retried, self.nodes = ray.get(self._attempts.summary.remote(), timeout=10)
        return sorted(results, key=lambda r: (r.spec.tree, r.spec.seed))

    def shutdown(self) -> None:
        _ray().shutdown()


def _outcome(ray: Any, ref: Any, spec: TrialSpec) -> tuple[TrialResult, bytes, TaskStats]:
    """The task's result; its UserError as ours; a task that kept dying as one line."""
    try:
        return ray.get(ref)
    except ray.exceptions.RayTaskError as error:
        if isinstance(error.cause, UserError):
            raise error.cause from None
        raise
    except (ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError, ray.exceptions.ObjectLostError) as error:
        raise UserError(f"{Path(spec.tree).stem} seed {spec.seed}: lost on the cluster after {MAX_RETRIES} retries "
                        f"({type(error).__name__}); run the same command again to finish") from None


def _attempt_counter(ray: Any) -> Any:
    """An actor on the driver's node that counts how often each task started (its retries)."""
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    @ray.remote(num_cpus=0)
    class Attempts:
        def __init__(self) -> None:
            self.started: dict[str, int] = {}
            self.nodes: set[str] = set()

        def start(self, key: str, node: str) -> None:
            self.started[key] = self.started.get(key, 0) + 1
            self.nodes.add(node)

        def summary(self) -> tuple[int, int]:
            """(tasks run again, nodes tasks started on)"""
            return sum(count - 1 for count in self.started.values()), len(self.nodes)

    here = NodeAffinitySchedulingStrategy(ray.get_runtime_context().get_node_id(), soft=False)
    return Attempts.options(scheduling_strategy=here).remote()


def _run_remote(spec: TrialSpec, bundle: Any, attempts: Any) -> tuple[TrialResult, bytes, TaskStats]:
    """On a worker: the trial from the bundle's files, its run directory packed."""
    import ray

    from ivfp_bt.cluster.bundle import localised, unpack
    from ivfp_bt.evaluation.trials import run_trial

    ray.get(attempts.start.remote(spec.record_dir, ray.get_runtime_context().get_node_id()))
    started = time.process_time()
    root = unpack(bundle)
    work = Path(tempfile.mkdtemp(prefix="ivfp-bt-trial-"))
    previous = os.getcwd()
    try:
        os.chdir(root)   # relative paths in the tree mean what they meant on the driver
        result = run_trial(localised(spec, bundle, str(work / "run")))
    finally:
        os.chdir(previous)
    archive = _pack(work / "run")
    shutil.rmtree(work, ignore_errors=True)
    stats = TaskStats(ray.get_runtime_context().get_node_id(), time.process_time() - started, len(archive))
    return result, archive, stats


def _pack(directory: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        if directory.is_dir():
            tar.add(directory, arcname=".")
    return buffer.getvalue()


def _land(spec: TrialSpec, archive: bytes) -> None:
    """The task's run directory, whole, at the spec's place in ``--out`` (replacing a partial one)."""
    target = Path(spec.record_dir)
    staging = target.parent / f".{target.name}.landing"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r") as tar:
        tar.extractall(staging, filter="data")
    move_aside(target)
    staging.rename(target)
