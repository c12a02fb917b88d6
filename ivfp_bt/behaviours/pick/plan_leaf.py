"""A leaf that runs a motion plan on the robot, one step per tick, and stops it if preempted."""

from __future__ import annotations

import abc
from typing import Any

import py_trees

from ivfp_bt.behaviours.leaf import Leaf
from ivfp_bt.pick.motion_plan import Plan
from ivfp_bt.pick.plan_runner import PlanRunner, Progress
from ivfp_bt.robot.limits import CommandRefused

Status = py_trees.common.Status


class PlanLeaf(Leaf, register=False):
    REQUIRES = ("robot",)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.runner: PlanRunner | None = None
        self.record: dict[str, Any] = {}

    @abc.abstractmethod
    def make_plan(self) -> Plan | None:
        """The plan to run, or None (with feedback_message set) to fail without moving."""

    def initialise(self) -> None:
        self.record = {}
        self._started = self.robot.now()
        plan = self.make_plan()
        self.runner = PlanRunner(self.robot, plan) if plan is not None else None

    def update(self) -> Status:
        if self.runner is None:
            return self._finish(Status.FAILURE)
        try:
            progress = self.runner.step()
        except CommandRefused as refused:
            self.feedback_message = f"refused: {refused}"
            return self._finish(Status.FAILURE)
        if progress is Progress.RUNNING:
            stage = self.runner.stage
            self.feedback_message = stage.name if stage else ""
            return Status.RUNNING
        self.feedback_message = self.runner.reason or "done"
        return self._finish(Status.SUCCESS if progress is Progress.DONE else Status.FAILURE)

    def _finish(self, status: Status) -> Status:
        self.record.setdefault(f"{self.TAG}_s", round(self.robot.now() - self._started, 3))
        if status is Status.FAILURE:
            self.record.setdefault("failure", f"{self.name}: {self.feedback_message}")
        return status

    def terminate(self, new_status: Status) -> None:
        if new_status is Status.INVALID and self.runner is not None:
            self.runner.cancel()
