"""The Robot interface on stretch_body: commands become move_to/translate_by + push_command.

stretch_body's motors run the trapezoids themselves; this adapter checks each command
through the same gate as the simulation, sends it, and on ``sync`` polls status to finish
motions: done within stretch_body's distance tolerances, contact on a guarded event,
failed on runstop or timeout.
"""

from __future__ import annotations

import time
from typing import Any

from ivfp_bt.errors import UserError
from ivfp_bt.robot.command_gate import CommandGate
from ivfp_bt.robot.interface import Motion, MotionState, RobotStatus
from ivfp_bt.robot.limits import RE1_LIMITS, CommandRefused, JointLimit, Workspace
from ivfp_bt.robot.stretch.gripper_units import aperture_to_pct, pct_to_aperture

TOLERANCE = {"base": 0.01, "lift": 0.015, "arm": 0.008, "wrist_yaw": 0.05, "gripper": 0.006}
STRETCH_WORKSPACE = Workspace((-0.30, -0.95, 0.05), (0.30, -0.20, 1.15))
OPEN_APERTURE = 0.10


class StretchRobot:
    """A homed Stretch RE1 driven through stretch_body (``body`` is its ``Robot``)."""

    def __init__(self, body: Any, workspace: Workspace = STRETCH_WORKSPACE,
                 limits: dict[str, JointLimit] = RE1_LIMITS, clock=time.monotonic):
        self.body = body
        self.clock = clock
        self._base_odometry = 0.0
        self.gate = CommandGate(limits, workspace, self.now, self.positions())

    @classmethod
    def from_body(cls, body: Any) -> "StretchRobot":
        if hasattr(body, "is_homed") and not body.is_homed():
            body.stop()
            raise CommandRefused("the Stretch is not homed: run stretch_robot_home.py first")
        return cls(body)

    def now(self) -> float:
        return self.clock()

    def positions(self) -> dict[str, float]:
        eoa = self.body.end_of_arm
        return {"base": self._base_odometry, "lift": float(self.body.lift.status["pos"]),
                "arm": float(self.body.arm.status["pos"]),
                "wrist_yaw": float(eoa.get_joint("wrist_yaw").status["pos"]),
                "gripper": pct_to_aperture(float(eoa.get_joint("stretch_gripper").status["pos_pct"]))}

    def _runstop(self) -> bool:
        return bool(self.body.pimu.status.get("runstop_event", False))

    def move_to(self, joint: str, position: float, *, speed: float | None = None,
                contact_effort: float | None = None) -> Motion:
        current = self.positions()
        motion = self.gate.command(joint, position, speed, contact_effort, current.get(joint, 0.0), self._runstop())
        accel = self.gate.limits[joint].accel
        if joint == "base":
            self.body.base.translate_by(position - current["base"], v_m=motion.speed, a_m=accel)
            self._base_odometry = position   # wheel odometry is not a joint; track the commanded value
        elif joint in ("lift", "arm"):
            threshold = {} if contact_effort is None else \
                {"contact_thresh_pos": contact_effort, "contact_thresh_neg": -contact_effort}
            getattr(self.body, joint).move_to(position, v_m=motion.speed, a_m=accel, **threshold)
        elif joint == "wrist_yaw":
            self.body.end_of_arm.move_to("wrist_yaw", position, v_r=motion.speed, a_r=accel)
        else:
            self.body.end_of_arm.move_to("stretch_gripper", aperture_to_pct(position))
        self.body.push_command()
        return motion

    def move_by(self, joint: str, delta: float, *, speed: float | None = None,
                contact_effort: float | None = None) -> Motion:
        return self.move_to(joint, self.gate.targets[joint] + delta, speed=speed, contact_effort=contact_effort)

    def status(self) -> RobotStatus:
        guarded = {j: bool(getattr(self.body, j).status.get("in_guarded_event", False)) for j in ("lift", "arm")}
        return RobotStatus(self.now(), self.positions(), {}, guarded, self._runstop())

    def sync(self, period: float) -> None:
        time.sleep(period)
        positions, status = self.positions(), self.status()
        if status.runstop:
            self.gate.end_all(MotionState.FAILED, "runstop", positions)
            return
        for motion in self.gate.active():
            if status.guarded.get(motion.joint):
                motion.finish(MotionState.CONTACT, "guarded contact")
            elif abs(positions[motion.joint] - motion.target) <= TOLERANCE[motion.joint]:
                motion.finish(MotionState.DONE)
        self.gate.expire(positions)

    def head_frame(self):
        raise UserError("the stretch backend's D435i head camera is not built yet (issue 3, in progress)")

    @property
    def wrist_camera(self):
        raise UserError("the stretch backend's wrist camera is not built yet (issue 3, in progress)")

    def stop(self) -> None:
        """Hold every joint where it is now (stretch_body's Robot.stop() would shut it down)."""
        positions = self.positions()
        self.gate.end_all(MotionState.STOPPED, "stop()", positions)
        self.body.base.translate_by(0.0)
        self.body.lift.move_to(positions["lift"])
        self.body.arm.move_to(positions["arm"])
        self.body.end_of_arm.move_to("wrist_yaw", positions["wrist_yaw"])
        self.body.push_command()

    def open_gripper(self) -> None:
        if not self._runstop():
            self.body.end_of_arm.move_to("stretch_gripper", aperture_to_pct(OPEN_APERTURE))
            self.body.push_command()

    def close(self) -> None:
        self.body.stop()

