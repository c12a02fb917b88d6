"""The Robot interface on stretch_body: commands become move_to/translate_by + push_command.

stretch_body's motors run the trapezoids themselves; this adapter checks each command
through the same gate as the simulation, sends it, and on ``sync`` polls status to finish
motions: done within stretch_body's distance tolerances, contact on a guarded event,
failed on runstop or timeout.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from ivfp_bt.calibration.camera_model import CameraCalibration
from ivfp_bt.errors import UserError
from ivfp_bt.robot.command_gate import CommandGate
from ivfp_bt.robot.interface import FrameStream, Motion, MotionState, RGBDFrame, RobotStatus
from ivfp_bt.robot.limits import RE1_LIMITS, CommandRefused, JointLimit, Workspace
from ivfp_bt.robot.stretch.gripper_units import aperture_to_pct, pct_to_aperture

TOLERANCE = {"base": 0.01, "lift": 0.015, "arm": 0.008, "wrist_yaw": 0.05, "gripper": 0.006}
STRETCH_WORKSPACE = Workspace((-0.30, -0.95, 0.05), (0.30, -0.20, 1.15))
OPEN_APERTURE = 0.10


class StretchRobot:
    """A homed Stretch RE1 driven through stretch_body (``body`` is its ``Robot``)."""

    def __init__(self, body: Any, workspace: Workspace = STRETCH_WORKSPACE,
                 limits: dict[str, JointLimit] = RE1_LIMITS, clock=time.monotonic,
                 calibration: CameraCalibration | None = None, head_camera: Any = None,
                 wrist_camera: FrameStream | None = None, wrist_source: int | str | None = None):
        """``head_camera`` (grab() and intrinsics, as HeadCamera) and ``wrist_camera`` are opened
        on first use when not given: the D435i, and OpenCV capture of ``wrist_source``."""
        self.body = body
        self.clock = clock
        self.calibration = calibration
        self._head_camera, self._wrist_camera, self._wrist_source = head_camera, wrist_camera, wrist_source
        self._base_odometry = 0.0
        self.gate = CommandGate(limits, calibration.workspace if calibration else workspace, self.now,
                                self.positions())

    @classmethod
    def from_body(cls, body: Any, **kwargs: Any) -> "StretchRobot":
        if hasattr(body, "is_homed") and not body.is_homed():
            body.stop()
            raise CommandRefused("the Stretch is not homed: run stretch_robot_home.py first")
        robot = cls(body, **kwargs)
        robot.point_head()
        return robot

    def point_head(self) -> None:
        """Turn the head to where its calibration holds (its pose in the base frame depends on it)."""
        if self.calibration and self.calibration.head:
            self.body.head.move_to("head_pan", self.calibration.head["pan"])
            self.body.head.move_to("head_tilt", self.calibration.head["tilt"])
            self.body.push_command()

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
        head = self.body.head
        pan_tilt = {j: float(head.get_joint(j).status["pos"]) for j in ("head_pan", "head_tilt")}
        return RobotStatus(self.now(), self.positions(), {}, guarded, self._runstop(), pan_tilt)

    @property
    def workspace(self) -> Workspace:
        return self.gate.workspace

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

    def head_frame(self) -> RGBDFrame:
        if self._head_camera is None:
            from ivfp_bt.robot.stretch.head_camera import HeadCamera
            self._head_camera = HeadCamera()
        color, depth, stamp = self._head_camera.grab()
        intrinsics = self._head_camera.intrinsics
        if self.calibration is None:
            raise UserError("the head camera has no calibration: run `ivfp-bt calibrate --robot stretch -o FILE` "
                            "and set IVFP_BT_CALIBRATION=FILE")
        if (intrinsics.width, intrinsics.height) != (self.calibration.intrinsics.width,
                                                     self.calibration.intrinsics.height):
            raise UserError(f"the head camera gives {intrinsics.width}x{intrinsics.height} images but its "
                            f"calibration {self.calibration.name} is for {self.calibration.intrinsics.width}x"
                            f"{self.calibration.intrinsics.height}")
        # the calibration holds the camera in the base frame at base odometry 0; the head rides on the base
        odometry = np.eye(4)
        odometry[0, 3] = self.positions()["base"]
        return RGBDFrame(color, depth, intrinsics, odometry @ self.calibration.pose, self.now())

    @property
    def wrist_camera(self) -> FrameStream:
        if self._wrist_camera is None:
            if self._wrist_source is None:
                raise UserError("no wrist camera configured: set IVFP_BT_WRIST_CAMERA to its device "
                                "(a /dev/video* path or index)")
            from ivfp_bt.robot.stretch.wrist_capture import WristCapture
            self._wrist_camera = WristCapture(self._wrist_source)
        return self._wrist_camera

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
        for camera in (self._head_camera, self._wrist_camera):
            if camera is not None:
                camera.close()
        self.body.stop()

