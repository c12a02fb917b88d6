"""The checks every backend runs before a motion reaches a motor, and the motions it tracks."""

from __future__ import annotations

from typing import Callable

from ivfp_bt.robot.interface import JOINTS, Motion, MotionState
from ivfp_bt.robot.kinematics import tool_point
from ivfp_bt.robot.limits import CommandRefused, JointLimit, Workspace
from ivfp_bt.robot.trajectory import Trapezoid

# A motion that has not finished after this multiple of its planned duration (plus slack
# for settling) has failed: a stall the contact model missed, or a dead motor.
TIMEOUT_FACTOR = 1.5
TIMEOUT_SLACK_S = 1.0


class CommandGate:
    """Validates commands against limits, workspace and runstop, and keeps one motion per joint."""

    def __init__(self, limits: dict[str, JointLimit], workspace: Workspace, clock: Callable[[], float],
                 positions: dict[str, float]):
        self.limits = limits
        self.workspace = workspace
        self.clock = clock
        self.targets = dict(positions)
        self.motions: dict[str, Motion] = {}

    def command(self, joint: str, target: float, speed: float | None, contact_effort: float | None,
                position: float, runstop: bool, outside_workspace: bool = False) -> Motion:
        """``outside_workspace``: a move to the start pose, which begins where the tool point may
        be outside the workspace (a stowed wrist); joint limits and runstop still hold."""
        if joint not in JOINTS:
            raise CommandRefused(f"unknown joint {joint!r} (joints: {', '.join(JOINTS)})")
        if runstop:
            raise CommandRefused(f"{joint}: the runstop is active; release it before moving")
        limit = self.limits[joint]
        limit.check(joint, target)
        speed = limit.speed(joint, speed)
        if contact_effort is not None and not 0 < contact_effort <= 100:
            raise CommandRefused(f"{joint}: contact effort {contact_effort:g}% is outside (0, 100]")
        if joint != "gripper" and not outside_workspace:
            after = {**self.targets, joint: target}
            self.workspace.check_move(joint, tool_point(self.targets), tool_point(after))
        now = self.clock()
        duration = Trapezoid(position, target, speed, limit.accel).duration
        previous = self.motions.get(joint)
        if previous is not None:
            previous.finish(MotionState.STOPPED, "superseded by a newer command")
        motion = Motion(joint, position, target, now, now + TIMEOUT_FACTOR * duration + TIMEOUT_SLACK_S,
                        speed, contact_effort)
        self.targets[joint] = target
        self.motions[joint] = motion
        return motion

    def active(self) -> list[Motion]:
        return [m for m in self.motions.values() if not m.done]

    def end_all(self, state: MotionState, reason: str, positions: dict[str, float]) -> None:
        """Finish every moving motion and hold each joint where it is."""
        for motion in self.active():
            motion.finish(state, reason)
            self.targets[motion.joint] = positions[motion.joint]

    def expire(self, positions: dict[str, float]) -> None:
        now = self.clock()
        for motion in self.active():
            if now > motion.deadline:
                motion.finish(MotionState.FAILED, f"timed out after {now - motion.started_at:.1f} s")
                self.targets[motion.joint] = positions[motion.joint]
