"""Runs the protocol: each trial is a freshly packed bin (seeded), picked N times by a tree.

Trials run in worker processes (each opens its own simulation); every trial's attempts are
logged by the sidecar under OUT/<tree>/trial_<seed>/ so an evaluation is also a data set.
A worker that dies (killed, out of memory) loses its trial alone: the finished trials are
kept, the lost ones named (``TrialsLost``), and ``run_resumable`` finishes an evaluation that
was cut short without redoing a finished trial or logging an attempt twice.
"""

from __future__ import annotations

import concurrent.futures as futures
import json
import multiprocessing
import shutil
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

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
    scene_settings: tuple[tuple[str, object], ...] = ()   # a draft's changed fields (bench only)


@dataclass
class TrialResult:
    spec: TrialSpec
    pick_log: list[dict]
    robot_s: float
    compute_s: float
    stopped: str
    fault: str = ""


RESULT_FILE = "trial.json"   # written into a trial's run directory when the trial has ended


class TrialsLost(UserError):
    """Worker processes died: ``finished`` trials are kept, ``lost`` ones (started, not finished)
    and ``not_run`` ones are not."""

    def __init__(self, finished: list[TrialResult], lost: list[TrialSpec], not_run: list[TrialSpec], why: str):
        self.finished, self.lost, self.not_run = finished, lost, not_run
        names = ", ".join(f"{Path(s.tree).stem} seed {s.seed}" for s in lost) or "none"
        super().__init__(f"a worker process died ({why}); lost trial(s): {names}; {len(finished)} finished, "
                         f"{len(not_run)} not started. Run the same command again to finish them")


def run_trial(spec: TrialSpec) -> TrialResult:
    """One trial in this process: build the tree, open a simulated bin, run, summarise."""
    from ivfp_bt.runner import Executive, RunOptions
    from ivfp_bt.sim import open_sim_robot
    from ivfp_bt.tree.load import load_tree

    loaded = load_tree(spec.tree, dict(spec.sets))
    settings = dict(spec.scene_settings)
    meta = {"objects": spec.objects, "trial_seed": spec.seed}
    if settings:   # a draft's: its records say what was changed
        meta["scene_settings"] = settings
    options = RunOptions(picks=spec.picks, tick_hz=10.0, seed=spec.seed, robot="sim", record_dir=spec.record_dir,
                         meta=meta)
    summary = Executive(loaded, options, write=lambda line: None,
                        robot_factory=lambda kind, seed: open_sim_robot(seed, spec.scene_version, spec.objects,
                                                                        settings=settings)).run()
    if isinstance(summary.fault_error, UserError):
        raise summary.fault_error
    return TrialResult(spec, summary.pick_log, summary.robot_s, summary.compute_s, summary.stopped, summary.fault)


def trial_specs(tree: str, trials: int, picks: int, objects: str, out: Path, first_seed: int,
                sets: dict[str, str], scene_version: str | None,
                scene_settings: dict | None = None) -> list[TrialSpec]:
    name = Path(tree).stem
    changed = tuple(sorted((scene_settings or {}).items()))
    return [TrialSpec(tree, first_seed + i, picks, objects, str(out / name / f"trial_{first_seed + i:04d}"),
                      tuple(sorted(sets.items())), scene_version, changed) for i in range(trials)]


def worker_pool(workers: int) -> futures.ProcessPoolExecutor:
    # spawn, not fork: a forked child would inherit the parent's renderer and writer threads mid-state
    return futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def run_trials(specs: list[TrialSpec], workers: int, done: Callable[[TrialResult], None] = lambda result: None,
               pool: Any = None) -> list[TrialResult]:
    """Run every trial, ``workers`` at a time (in ``pool`` if given: a caller running many
    rounds keeps its workers, and the models they loaded, between them; or on a Ray cluster,
    a ``RayPool``); ``done`` is called as each one finishes."""
    results: list[TrialResult] = []
    if hasattr(pool, "run"):    # a cluster (cluster/ray_pool.py): it runs the trials its own way
        return pool.run(specs, done)
    if workers <= 1 and pool is None:
        for spec in specs:
            results.append(run_trial(spec))
            done(results[-1])
        return results
    owned = pool is None
    pool = pool or worker_pool(workers)
    pending = {pool.submit(run_trial, spec): spec for spec in specs}
    try:
        for future in futures.as_completed(pending):
            results.append(future.result())
            done(results[-1])
    except BrokenProcessPool as error:
        unfinished = [spec for spec in specs if spec not in {r.spec for r in results}]
        lost = [spec for spec in unfinished if Path(spec.record_dir).exists()]   # a trial that had begun
        raise TrialsLost(results, lost, [s for s in unfinished if s not in lost], str(error) or "killed") from None
    except BaseException:
        for future in pending:
            future.cancel()
        raise
    finally:
        if owned:
            pool.shutdown(cancel_futures=True)
    return sorted(results, key=lambda r: (r.spec.tree, r.spec.seed))


def run_resumable(specs: list[TrialSpec], workers: int, done: Callable[[TrialResult], None] = lambda result: None,
                  pool: Any = None) -> list[TrialResult]:
    """``run_trials`` for trials that may have run before: a finished one's result is read back
    (and ``done`` hears of it), one left part-way is moved to OUT/interrupted/ and run again."""
    kept, todo = [], []
    for spec in specs:
        result = load_result(spec)
        if result is not None:
            kept.append(result)
            done(result)
            continue
        move_aside(Path(spec.record_dir))
        todo.append(spec)

    def finished(result: TrialResult) -> None:
        save_result(result)
        done(result)
    try:
        ran = run_trials(todo, workers, finished, pool)
    except TrialsLost as lost:
        lost.finished = kept + lost.finished
        raise
    return sorted(kept + ran, key=lambda r: (r.spec.tree, r.spec.seed))


def save_result(result: TrialResult) -> None:
    path = Path(result.spec.record_dir) / RESULT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(result)))
    tmp.replace(path)


def load_result(spec: TrialSpec) -> TrialResult | None:
    """The saved result of this very trial (same tree, seed, picks, items, settings), else None."""
    path = Path(spec.record_dir) / RESULT_FILE
    try:
        raw = json.loads(path.read_text())
        saved = TrialSpec(**{**raw["spec"], "sets": tuple(tuple(pair) for pair in raw["spec"]["sets"]),
                             "scene_settings": tuple(tuple(pair) for pair in raw["spec"].get("scene_settings", ()))})
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if saved != spec:
        return None
    return TrialResult(spec, raw["pick_log"], raw["robot_s"], raw["compute_s"], raw["stopped"], raw.get("fault", ""))


def move_aside(started: Path) -> None:
    """Keep what an interrupted trial or bin logged, in OUT/interrupted/, out of the way of its rerun."""
    if started.exists():
        aside = started.parent / "interrupted" / f"{started.name}_{time.strftime('%Y%m%d-%H%M%S')}"
        aside.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(started, aside)
