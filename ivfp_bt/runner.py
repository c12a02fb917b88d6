"""The executive: set a loaded tree up, tick it until N picks are done, and always stop safely.

One pick is one run of the tree's root to SUCCESS (picked) or FAILURE (gave up);
the next tick starts the next pick. Ctrl-C or SIGTERM ends the run after the
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
from dataclasses import dataclass
from typing import Any

import numpy as np
import py_trees

from ivfp_bt.display.tree_log import TreeLog
from ivfp_bt.robot import Robot, open_robot
from ivfp_bt.tree.load import LoadedTree

log = logging.getLogger("ivfp_bt.runner")


@dataclass
class RunOptions:
    picks: int = 1
    tick_hz: float = 10.0  # 0: as fast as possible
    seed: int | None = None
    robot: str = "sim"
    tree_log: bool = False
    setup_timeout_s: float = 60.0


@dataclass
class RunSummary:
    picks: int = 0
    succeeded: int = 0
    ticks: int = 0
    wall_s: float = 0.0
    stopped: str = "done"  # done | interrupted | fault
    fault: str = ""
    fault_error: BaseException | None = None

    @property
    def failed(self) -> int:
        return self.picks - self.succeeded

    def line(self) -> str:
        rate = self.ticks / self.wall_s if self.wall_s > 0 else 0.0
        text = (f"{self.picks} pick(s): {self.succeeded} succeeded, {self.failed} failed; "
                f"{self.ticks} ticks in {self.wall_s:.2f} s ({rate:.1f} ticks/s); stopped: {self.stopped}")
        return text + (f" ({self.fault})" if self.fault else "")


class Executive:
    """Runs one loaded tree with the options given."""

    def __init__(self, loaded: LoadedTree, options: RunOptions, write: Callable[[str], None] = print,
                 robot_factory: Callable[[str, int | None], Robot] = open_robot):
        self.loaded = loaded
        self.options = options
        self.write = write
        self.robot_factory = robot_factory
        self.summary = RunSummary()
        self.tree = py_trees.trees.BehaviourTree(loaded.root)
        self.robot: Robot | None = None
        self._interrupts = 0

    def run(self) -> RunSummary:
        """Run to completion, interruption or fault; never leaves the robot moving."""
        started = time.monotonic()
        try:
            with _signals_handled(self._on_signal):
                self.tree.setup(timeout=self.options.setup_timeout_s, **self._resources())
                for key, value in self.loaded.blackboard.items():
                    py_trees.blackboard.Blackboard.set(key, value)
                handlers = [self._count_picks]
                if self.options.tree_log:
                    handlers.insert(0, TreeLog(self.tree, self.write))
                self._tick(lambda tree: [handler(tree) for handler in handlers])
        except KeyboardInterrupt:
            self.summary.stopped = "interrupted"
        except Exception as error:  # any fault: stop safely first, report after
            self.summary.stopped, self.summary.fault = "fault", f"{type(error).__name__}: {error}"
            self.summary.fault_error = error
        finally:
            self._stop_safely()
            self.summary.wall_s = time.monotonic() - started
        return self.summary

    def _tick(self, post_tick: Callable[[py_trees.trees.BehaviourTree], Any]) -> None:
        if self.options.tick_hz > 0:
            self.tree.tick_tock(period_ms=1000.0 / self.options.tick_hz, post_tick_handler=post_tick)
            return
        # As fast as possible: tick_tock would still call time.sleep(0) every tick, which
        # costs ~80 us here, more than ticking a 40-node tree of instant leaves.
        while not self.tree.interrupt_tick_tocking:
            self.tree.tick(post_tick_handler=post_tick)
        self.tree.interrupt_tick_tocking = False

    def _resources(self) -> dict[str, Any]:
        seed = self.options.seed
        if seed is not None:
            random.seed(seed)
        resources: dict[str, Any] = {"rng": np.random.default_rng(seed), "seed": seed, "clock": time.monotonic}
        if "robot" in self.loaded.requires:
            self.robot = self.robot_factory(self.options.robot, seed)
            resources["robot"] = self.robot
        return resources

    def _count_picks(self, tree: py_trees.trees.BehaviourTree) -> None:
        self.summary.ticks += 1
        status = tree.root.status
        if status in (py_trees.common.Status.SUCCESS, py_trees.common.Status.FAILURE):
            self.summary.picks += 1
            self.summary.succeeded += status == py_trees.common.Status.SUCCESS
            if self.summary.picks >= self.options.picks:
                tree.interrupt()

    def _on_signal(self, signum: int, _frame: Any) -> None:
        self._interrupts += 1
        self.summary.stopped = "interrupted"
        self.tree.interrupt()
        if self._interrupts > 1:
            raise KeyboardInterrupt

    def _stop_safely(self) -> None:
        steps = [("stop running leaves", lambda: self.tree.root.stop(py_trees.common.Status.INVALID)),
                 ("shut the tree down", self.tree.shutdown)]
        if self.robot is not None:
            robot = self.robot
            steps += [("stop the robot", robot.stop), ("open the gripper", robot.open_gripper),
                      ("close the robot", robot.close)]
        for what, step in steps:
            try:
                step()
            except Exception as error:  # every step runs, whatever the one before did
                log.error("could not %s: %s", what, error)
                self.write(f"warning: could not {what}: {error}")


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
