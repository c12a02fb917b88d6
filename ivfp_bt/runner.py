"""The executive: set a loaded tree up, tick it until N picks are done, and always stop safely.

One pick is one run of the tree's root to SUCCESS (picked) or FAILURE (gave up);
the next tick starts the next pick. With a robot, each tick is followed by one tick period
of robot time (simulated time in the simulation, which then runs as fast as it can).
Where the robot knows its work-cell (the simulation), it names each pick's target and the
run ends early when the bin has nothing left to pick. With ``record_dir`` the sidecar
logger stores every attempt there. Ctrl-C or SIGTERM ends the run after the
tick in progress; a second Ctrl-C ends it at once. Whatever ends the run, running
leaves are stopped (their terminate() cancels motions), then the robot is stopped
and its gripper opened.
"""

from __future__ import annotations

import contextlib
import logging
import random
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import py_trees

from ivfp_bt import versions
from ivfp_bt.display.shape import tree_nodes
from ivfp_bt.display.tree_log import TreeLog
from ivfp_bt.errors import UserError
from ivfp_bt.evaluation.pick_truth import PickTruth, truth_counts
from ivfp_bt.robot import Robot, open_robot
from ivfp_bt.robot.interface import wait_until_still
from ivfp_bt.sidecar.recorder import SidecarRecorder
from ivfp_bt.sidecar.store import RunStore
from ivfp_bt.sidecar.writer import BackgroundWriter
from ivfp_bt.tree.load import LoadedTree

log = logging.getLogger("ivfp_bt.runner")
DEFAULT_ROBOT_PERIOD_S = 0.1   # robot time per tick when ticking "as fast as possible"
RESUME_SEED_STRIDE = 1_000_003  # a resumed session's bin seed: the run's seed + this x its sessions so far
GRIPPER_OPEN_TIMEOUT_S = 3.0   # the safe stop waits this long (robot time) for the gripper to open


@dataclass
class RunOptions:
    picks: int = 1
    tick_hz: float = 10.0  # 0: as fast as possible
    seed: int | None = None
    robot: str = "sim"
    tree_log: bool = False
    setup_timeout_s: float = 60.0
    record_dir: str | None = None
    meta: dict | None = None        # stored with the run's records
    realtime: bool = False          # with a robot, wait out each tick period in wall time (for people watching)


@dataclass
class RunSummary:
    picks: int = 0
    succeeded: int = 0
    ticks: int = 0
    wall_s: float = 0.0
    stopped: str = "done"  # done | interrupted | fault | runstop | bin empty
    fault: str = ""
    fault_error: BaseException | None = None
    robot_s: float = 0.0            # robot time the picks took
    compute_s: float = 0.0          # wall time inside ticks (perception, models, the tree)
    pick_log: list[dict] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return self.picks - self.succeeded

    def line(self) -> str:
        """The run in one line: the tree's verdicts and, where the work-cell knows it, the truth."""
        rate = self.ticks / self.wall_s if self.wall_s > 0 else 0.0
        verdicts = f"{self.succeeded} succeeded, {self.failed} failed"
        outcomes = [entry["outcome"] for entry in self.pick_log if "outcome" in entry]
        if outcomes:
            verdicts = f"the tree says {verdicts}; the simulator says {truth_counts(outcomes)}"
        text = (f"{self.picks} pick(s): {verdicts}; "
                f"{self.ticks} ticks in {self.wall_s:.2f} s ({rate:.1f} ticks/s); stopped: {self.stopped}")
        return text + (f" ({self.fault})" if self.fault else "")


class Executive:
    """Runs one loaded tree with the options given."""

    def __init__(self, loaded: LoadedTree, options: RunOptions, write: Callable[[str], None] = print,
                 robot_factory: Callable[[str, int | None], Robot] = open_robot,
                 watcher: Any = None, operator: Any = None,
                 tick_handlers: tuple[Callable[[py_trees.trees.BehaviourTree], Any], ...] = ()):
        """``watcher`` (the web page's feed) hears ``ticked(tree, summary)`` after every tick and
        ``ended(summary)``; ``operator`` (a person at the page) demonstrates and labels;
        ``tick_handlers`` (Groot2's server) are called with the tree after every tick."""
        self.loaded = loaded
        self.tick_handlers = tick_handlers
        self.watcher, self.operator = watcher, operator
        self.options = options
        self.write = write
        self.robot_factory = robot_factory
        self.summary = RunSummary()
        self.tree = py_trees.trees.BehaviourTree(loaded.root)
        self.robot: Robot | None = None
        self.work_cell = None
        self.truth: PickTruth | None = None
        self.tree_log: TreeLog | None = None
        self.recorder: SidecarRecorder | None = None
        self._interrupts = 0
        self._stopping = False          # the safe stop has begun: signals are noted, not obeyed
        self._pick_started = 0.0
        self._in_pick = False
        self._restowed = 0           # fallen items stood up before the pick under way
        # which item is ordered next: seeded apart from the tree's own draws
        self._orders_rng = np.random.default_rng([options.seed or 0, 0x0DE5])
        self._seed = options.seed       # this session's: a resumed run's is its own (see _resume_point)
        self._picks_before = 0          # picks a resumed run directory already holds

    def run(self) -> RunSummary:
        """Run to completion, interruption or fault; never leaves the robot moving. Signals stay
        routed here until the safe stop has finished: one that comes during it is noted, not
        obeyed, so a Ctrl-C followed by SIGTERM cannot kill the process with the gripper closed."""
        started = time.monotonic()
        with _signals_handled(self._on_signal):
            try:
                self._run_tree()
            except KeyboardInterrupt:
                self.summary.stopped = "interrupted"
            except (Exception, SystemExit) as error:  # any fault, a leaf's sys.exit too: stop safely, report after
                if not self._runstop_pressed():     # a command refused under the runstop is no fault
                    self.summary.stopped, self.summary.fault = "fault", f"{type(error).__name__}: {error}"
                    self.summary.fault_error = error
            finally:
                self._stopping = True
                self._stop_safely()
                self.summary.wall_s = time.monotonic() - started
                if self.watcher is not None:
                    self.watcher.ended(self.summary)
        return self.summary

    def _run_tree(self) -> None:
        if self.options.record_dir:
            self._resume_point()
            if self._picks_before >= self.options.picks:
                self.write(f"{self.options.record_dir}: all {self.options.picks} picks are recorded already")
                return
        resources = self._resources()
        self.tree.setup(timeout=self.options.setup_timeout_s, **resources)
        for key, value in self.loaded.blackboard.items():
            py_trees.blackboard.Blackboard.set(key, value)
        if self.work_cell is not None:
            self.truth = PickTruth(self.work_cell)
            self.tree.visitors.append(self.truth)   # before the recorder, which stores its verdicts
        if self.options.record_dir:
            self._open_recorder(resources["clock"])
        handlers = [self._count_picks]
        if self.options.tree_log:
            self.tree_log = TreeLog(self.tree, self.write)
            handlers.insert(0, self.tree_log)
        if self.watcher is not None:
            handlers.append(lambda tree: self.watcher.ticked(tree, self.summary))
        handlers += self.tick_handlers
        self._tick(lambda tree: [handler(tree) for handler in handlers])

    def _tick(self, post_tick: Callable[[py_trees.trees.BehaviourTree], Any]) -> None:
        if self.robot is not None:
            self._tick_with_robot(post_tick)
        elif self.options.tick_hz > 0:
            self.tree.tick_tock(period_ms=1000.0 / self.options.tick_hz, pre_tick_handler=self._begin_pick,
                                post_tick_handler=post_tick)
        else:
            # As fast as possible: tick_tock would still call time.sleep(0) every tick, which
            # costs ~80 us here, more than ticking a 40-node tree of instant leaves.
            while self._pick_goes_on():
                self.tree.tick(post_tick_handler=post_tick)
        self.tree.interrupt_tick_tocking = False

    def _pick_goes_on(self) -> bool:
        """Begin a pick where one is due; False when the run is to stop, before the tree is ticked
        again (a pre-tick handler cannot skip its tick: a bin with nothing left to order ran one
        more tick of the last pick's tree, and its sidecar logged a grasp at an item no longer there)."""
        if not self.tree.interrupt_tick_tocking:
            self._begin_pick(self.tree)
        return not self.tree.interrupt_tick_tocking

    def _tick_with_robot(self, post_tick: Callable[[py_trees.trees.BehaviourTree], Any]) -> None:
        period = 1.0 / self.options.tick_hz if self.options.tick_hz > 0 else DEFAULT_ROBOT_PERIOD_S
        if self.work_cell is not None:
            self.work_cell.pace = period    # so that what the simulation foresees is what a tick executes
        while self._pick_goes_on():
            started = time.monotonic()
            self.tree.tick(post_tick_handler=post_tick)
            self.summary.compute_s += time.monotonic() - started
            if self._runstop_pressed():
                return
            if not self.tree.interrupt_tick_tocking:
                self.robot.sync(period)
                if self.options.realtime:
                    time.sleep(max(0.0, period - (time.monotonic() - started)))

    def _runstop_pressed(self) -> bool:
        """A pressed runstop ends the run where it is: the pick under way is not counted (a resumed
        run makes it again), and no pick after it is tried against a robot that cannot move."""
        if self.robot is None or self.summary.stopped == "runstop" or not self.robot.status().runstop:
            return self.summary.stopped == "runstop"
        self.summary.stopped = "runstop"
        done = self._picks_before + self.summary.picks
        where = f"pick {done + 1} is not counted" if self._in_pick else f"{done} pick(s) are done"
        self.write(f"the runstop is pressed: the robot holds still; {where}. Release the runstop and run again"
                   + (f" with --record {self.options.record_dir} to go on" if self.options.record_dir else ""))
        self._in_pick = False
        self.tree.interrupt()
        return True

    def _resume_point(self) -> None:
        """A run directory that exists is resumed with the same tree, seed and robot (anything
        else would mix two runs in one); the picks it holds count, and the rest go on in a bin
        packed from a seed of their own, so no pick is made, or stored, twice."""
        if not (Path(self.options.record_dir) / "records.sqlite").is_file():
            return
        with RunStore.reader(self.options.record_dir) as old:
            meta, done, sessions = old.meta(), old.picks_done(), len(old.sessions())
        was = (meta.get("tree_path", meta.get("tree")), meta.get("seed"), meta.get("robot"))
        now = (str(Path(self.loaded.file).resolve()) if "tree_path" in meta else self.loaded.file, self.options.seed,
               self.options.robot)
        if meta and was != now:
            raise UserError(f"{self.options.record_dir} holds a run of {meta.get('tree')} (seed {meta.get('seed')}, "
                            f"robot {meta.get('robot')}); record this one elsewhere, or resume it with the same "
                            "tree, seed and robot")
        self._picks_before = done
        if done and self.options.seed is not None:
            self._seed = self.options.seed + RESUME_SEED_STRIDE * max(1, sessions)
            self._orders_rng = np.random.default_rng([self._seed, 0x0DE5])
        if done < self.options.picks:
            self.write(f"resuming {self.options.record_dir}: {done} of {self.options.picks} picks recorded"
                       + (f"; the rest on a bin packed from seed {self._seed}" if done else ""))

    def _resources(self) -> dict[str, Any]:
        seed = self._seed
        if seed is not None:
            random.seed(seed)
        rng = np.random.default_rng(seed)
        resources: dict[str, Any] = {"rng": rng, "seed": seed, "clock": time.monotonic}
        if "robot" in self.loaded.requires or "labeller" in self.loaded.requires:
            self.robot = self.robot_factory(self.options.robot, seed)
            self.work_cell = getattr(self.robot, "work_cell", None)
            resources.update(robot=self.robot, clock=self.robot.now, labeller=self._labeller(rng))
            if self.work_cell is not None:
                from ivfp_bt.sim.demonstrator import SimDemonstrator
                resources["demonstrator"] = SimDemonstrator(self.work_cell, rng)
            if self.operator is not None:
                self.operator.attach(self.robot.workspace)
                resources.update(demonstrator=self.operator, labeller=self.operator)
        return resources

    def _labeller(self, rng: np.random.Generator) -> Any:
        if self.work_cell is not None:
            from ivfp_bt.labelling.oracle_labeller import OracleLabeller
            return OracleLabeller(self.work_cell, rng)
        from ivfp_bt.labelling.terminal_labeller import TerminalLabeller
        return TerminalLabeller()

    def _open_recorder(self, clock: Callable[[], float]) -> None:
        session = {"tree": self.loaded.file, "tree_path": str(Path(self.loaded.file).resolve()),
                   "seed": self.options.seed, "session_seed": self._seed, "robot": self.options.robot,
                   "tree_nodes": tree_nodes(self.tree.root), "versions": versions.record(), **(self.options.meta or {})}
        store = RunStore(self.options.record_dir, session)
        self.recorder = SidecarRecorder(BackgroundWriter(store), clock, self.work_cell, self.truth)
        self.tree.visitors.append(self.recorder)

    def _begin_pick(self, tree: py_trees.trees.BehaviourTree) -> None:
        if self._in_pick:
            return
        context: dict[str, Any] = {"pick": self.summary.picks}
        if self.work_cell is not None:
            named = self.work_cell.next_pick(self._orders_rng)
            if named is None:
                self.summary.stopped = "bin empty"
                tree.interrupt()
                return
            context = named
            self.truth.begin_pick()
        self._restowed = int(context.get("restowed", 0))
        if self.recorder is not None:
            self.recorder.begin_pick(context)
        if self.tree_log is not None:
            self.tree_log.begin_pick(self._picks_before + self.summary.picks + 1)
        self._in_pick, self._pick_started = True, self._now()

    def _now(self) -> float:
        return self.robot.now() if self.robot is not None else time.monotonic()

    def _count_picks(self, tree: py_trees.trees.BehaviourTree) -> None:
        self.summary.ticks += 1
        status = tree.root.status
        if status not in (py_trees.common.Status.SUCCESS, py_trees.common.Status.FAILURE) or not self._in_pick:
            return
        if self._runstop_pressed():
            return
        self._in_pick = False
        self.summary.picks += 1
        self.summary.succeeded += status == py_trees.common.Status.SUCCESS
        took = self._now() - self._pick_started
        self.summary.robot_s += took
        entry: dict[str, Any] = {"result": status.value, "robot_s": round(took, 3)}
        if self.truth is not None:
            judged = self.truth.judgement
            entry.update(outcome=self.truth.outcome,
                         intervention=bool(judged is not None and judged.needs_person) or self._restowed > 0)
            if self._restowed:
                entry["restowed"] = self._restowed   # fallen items a person stood up before this pick
        if self.recorder is not None:
            entry["attempts"] = self.recorder.pick_attempts
            self.recorder.end_pick(status, self._picks_before + self.summary.picks, entry.get("outcome"))
        self.summary.pick_log.append(entry)
        self.write(self._pick_line(entry))
        if self._picks_before + self.summary.picks >= self.options.picks:
            tree.interrupt()

    def _pick_line(self, entry: dict[str, Any]) -> str:
        verdict = "succeeded" if entry["result"] == "SUCCESS" else "failed"
        line = f"pick {self._picks_before + self.summary.picks}/{self.options.picks}: the tree {verdict}"
        if "outcome" in entry:
            line += f"; the simulator says {entry['outcome']} (target: {self.work_cell.context()['target_type']})"
        return line + f" [{entry['robot_s']:.1f} s]"

    def _on_signal(self, signum: int, _frame: Any) -> None:
        self._interrupts += 1
        if self._stopping:
            return
        self.summary.stopped = "interrupted"
        self.tree.interrupt()
        if self._interrupts > 1:
            raise KeyboardInterrupt

    def _stop_safely(self) -> None:
        steps = [("stop running leaves", lambda: self.tree.root.stop(py_trees.common.Status.INVALID)),
                 ("shut the tree down", self.tree.shutdown)]
        if self.recorder is not None:
            steps.append(("write the last records", self.recorder.close))
        if self.robot is not None:
            robot = self.robot
            steps += [("stop the robot", robot.stop), ("open the gripper", robot.open_gripper),
                      ("see the gripper open", lambda: _wait_gripper_open(robot)), ("close the robot", robot.close)]
        for what, step in steps:
            try:
                step()
            except BaseException as error:  # every step runs, whatever the one before did
                log.error("could not %s: %s", what, error)
                self.write(f"warning: could not {what}: {error}")


def _wait_gripper_open(robot: Robot) -> None:
    """Closing the robot while the gripper still moves can leave it shut on an item."""
    if not wait_until_still(robot, "gripper", GRIPPER_OPEN_TIMEOUT_S):
        raise TimeoutError(f"the gripper was still moving after {GRIPPER_OPEN_TIMEOUT_S:g} s")


@contextlib.contextmanager
def _signals_handled(handler: Callable[[int, Any], None]) -> Iterator[None]:
    """Route SIGINT and SIGTERM to ``handler`` for the duration (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
