"""Test doubles: a robot that records the safety calls, and leaves that move it or crash."""

from __future__ import annotations

import time

import py_trees

from ivfp_bt.behaviours import Leaf


class RecordingRobot:
    """Stands in for a backend; records the safety calls the executive makes."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def now(self) -> float:
        return time.monotonic()

    def sync(self, period: float) -> None:   # a real robot's time passes as wall time
        time.sleep(period)

    def stop(self) -> None:
        self.calls.append("stop")

    def open_gripper(self) -> None:
        self.calls.append("open_gripper")

    def status(self):
        from ivfp_bt.robot.interface import RobotStatus
        return RobotStatus(self.now(), {"gripper": 0.10})

    def close(self) -> None:
        self.calls.append("close")


class MoveArm(Leaf):
    """Test leaf: a motion that starts in initialise, runs for a while, and is cancelled in terminate."""

    REQUIRES = ("robot",)

    def initialise(self) -> None:
        self.robot.calls.append("move")

    def update(self) -> py_trees.common.Status:
        return py_trees.common.Status.RUNNING

    def terminate(self, new_status: py_trees.common.Status) -> None:
        if new_status == py_trees.common.Status.INVALID:
            self.robot.calls.append("cancel move")


class SlowStop(Leaf):
    """Test leaf: runs until stopped, and its stop takes half a second (a motion winding down)."""

    def update(self) -> py_trees.common.Status:
        return py_trees.common.Status.RUNNING

    def terminate(self, new_status: py_trees.common.Status) -> None:
        if new_status == py_trees.common.Status.INVALID:
            time.sleep(0.5)
            print("slow stop finished", flush=True)


class Exit(Leaf):
    """Test leaf: code that calls sys.exit(3) (a library that exits on a bad setting)."""

    def update(self) -> py_trees.common.Status:
        raise SystemExit(3)


class Explode(Leaf):
    """Test leaf: a bug in leaf code."""

    def update(self) -> py_trees.common.Status:
        raise RuntimeError("sensor cable unplugged")
