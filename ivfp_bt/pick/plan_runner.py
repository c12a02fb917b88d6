"""Runs a motion plan against a robot, one step per call, without ever blocking.

``step()`` starts the next stage when the current one is done and reports RUNNING, DONE
or FAILED; a leaf calls it every tick. ``run_to_end`` drives the robot's clock itself, for
scripts and tools.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from ivfp_bt.pick.motion_plan import Plan, Stage
from ivfp_bt.robot.interface import Motion, Robot


class Progress(Enum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class PlanRunner:
    def __init__(self, robot: Robot, plan: Plan):
        self.robot, self.plan = robot, plan
        self.index = -1
        self.motions: list[Motion] = []
        self.stage_started = 0.0
        self.moves_done_at: float | None = None
        self.reason = ""

    @property
    def stage(self) -> Stage | None:
        return self.plan.stages[self.index] if 0 <= self.index < len(self.plan.stages) else None

    def step(self) -> Progress:
        now = self.robot.now()
        stage = self.stage
        if stage is not None:
            if not all(m.done for m in self.motions):
                if now - self.stage_started > stage.timeout:
                    return self._fail(f"{self.plan.name}: {stage.name} not done after {stage.timeout:g} s")
                return Progress.RUNNING
            bad = [m for m in self.motions if m.failed]
            if bad:
                return self._fail(f"{self.plan.name}: {stage.name}: {bad[0].joint} {bad[0].reason}")
            if self.moves_done_at is None:
                self.moves_done_at = now
            if now - self.moves_done_at < stage.pause - 1e-9:
                return Progress.RUNNING
        self.index += 1
        if self.index >= len(self.plan.stages):
            return Progress.DONE
        self._start(self.plan.stages[self.index])
        return Progress.RUNNING

    def _start(self, stage: Stage) -> None:
        self.stage_started, self.moves_done_at = self.robot.now(), None
        self.motions = [self.robot.move_by(m.joint, m.value, contact_effort=m.contact_effort) if m.relative
                        else self.robot.move_to(m.joint, m.value, contact_effort=m.contact_effort)
                        for m in stage.moves]

    def _fail(self, reason: str) -> Progress:
        self.reason = reason
        self.cancel()
        return Progress.FAILED

    def cancel(self) -> None:
        """Stop whatever this plan has moving (a preempted leaf, a timeout)."""
        if any(not m.done for m in self.motions):
            self.robot.stop()


def run_to_end(robot: Robot, plan: Plan, period: float = 0.02,
               every_tick: Callable[[], None] | None = None) -> PlanRunner:
    """Run ``plan`` to DONE or FAILED, letting robot time pass; returns the runner (see ``reason``).
    ``every_tick`` is called after each ``period`` (to watch what the motion does)."""
    runner = PlanRunner(robot, plan)
    while (progress := runner.step()) is Progress.RUNNING:
        robot.sync(period)
        if every_tick is not None:
            every_tick()
    runner.reason = runner.reason if progress is Progress.FAILED else ""
    return runner
