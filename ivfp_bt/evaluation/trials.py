"""Runs the protocol: each trial is a freshly packed bin (seeded), picked N times by a tree.

Trials run in worker processes (each opens its own simulation); every trial's attempts are
logged by the sidecar under OUT/<tree>/trial_<seed>/ so an evaluation is also a data set.
"""

from __future__ import annotations

import concurrent.futures as futures
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ivfp_bt.errors import UserError


@dataclass(frozen=True)
class TrialSpec:
    tree: str
    seed: int
    picks: int
    objects: str
    record_dir: str
    sets: tuple[tuple[str, str], ...] = ()
    scene_version: str | None = None


@dataclass
class TrialResult:
    spec: TrialSpec
    pick_log: list[dict]
    robot_s: float
    compute_s: float
    stopped: str
    fault: str = ""


def run_trial(spec: TrialSpec) -> TrialResult:
    """One trial in this process: build the tree, open a simulated bin, run, summarise."""
    from ivfp_bt.runner import Executive, RunOptions
    from ivfp_bt.sim import open_sim_robot
    from ivfp_bt.tree.load import load_tree

    loaded = load_tree(spec.tree, dict(spec.sets))
    options = RunOptions(picks=spec.picks, tick_hz=10.0, seed=spec.seed, robot="sim", record_dir=spec.record_dir,
                         meta={"objects": spec.objects, "trial_seed": spec.seed})
    summary = Executive(loaded, options, write=lambda line: None,
                        robot_factory=lambda kind, seed: open_sim_robot(seed, spec.scene_version, spec.objects)).run()
    if isinstance(summary.fault_error, UserError):
        raise summary.fault_error
    return TrialResult(spec, summary.pick_log, summary.robot_s, summary.compute_s, summary.stopped, summary.fault)


def trial_specs(tree: str, trials: int, picks: int, objects: str, out: Path, first_seed: int,
                sets: dict[str, str], scene_version: str | None) -> list[TrialSpec]:
    name = Path(tree).stem
    return [TrialSpec(tree, first_seed + i, picks, objects, str(out / name / f"trial_{first_seed + i:04d}"),
                      tuple(sorted(sets.items())), scene_version) for i in range(trials)]


def worker_pool(workers: int) -> futures.ProcessPoolExecutor:
    # spawn, not fork: a forked child would inherit the parent's renderer and writer threads mid-state
    return futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def run_trials(specs: list[TrialSpec], workers: int, done: Callable[[TrialResult], None] = lambda result: None,
               pool: futures.ProcessPoolExecutor | None = None) -> list[TrialResult]:
    """Run every trial, ``workers`` at a time (in ``pool`` if given: a caller running many
    rounds keeps its workers, and the models they loaded, between them); ``done`` is called
    as each one finishes."""
    results: list[TrialResult] = []
    if workers <= 1 and pool is None:
        for spec in specs:
            results.append(run_trial(spec))
            done(results[-1])
        return results
    owned = pool is None
    pool = pool or worker_pool(workers)
    pending = [pool.submit(run_trial, spec) for spec in specs]
    try:
        for future in futures.as_completed(pending):
            results.append(future.result())
            done(results[-1])
    except BaseException:
        for future in pending:
            future.cancel()
        raise
    finally:
        if owned:
            pool.shutdown(cancel_futures=True)
    return sorted(results, key=lambda r: (r.spec.tree, r.spec.seed))
