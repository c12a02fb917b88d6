"""The Robot interface on stretch_body: commands become move_to/translate_by + push_command.

stretch_body's motors run the trapezoids themselves; this adapter checks each command through
the same gate as the simulation, sends it, and on ``sync`` reads status to finish motions
(``motion_watch``): done within tolerance, contact on a guarded event or a stalled gripper,
failed on runstop or timeout. Limits and gripper units come from the robot's own parameters
(``body_params``). ``clock`` and ``sleep`` are the wall clock on a robot; the stretch_body
double passes its simulated time.
"""

from __future__ import annotations

import time
from typing import Any, Callable

import numpy as np

from ivfp_bt.calibration.camera_model import CameraCalibration
from ivfp_bt.errors import UserError
from ivfp_bt.robot.command_gate import CommandGate
from ivfp_bt.robot.interface import FrameStream, Motion, MotionState, RGBDFrame, RobotStatus
from ivfp_bt.robot.limits import CommandRefused, JointLimit, Workspace
from ivfp_bt.robot.stretch.body_params import GripperRange, check_contact_params, joint_limits
from ivfp_bt.robot.stretch.motion_watch import Watched, guard_events, judge
from ivfp_bt.robot.stretch.wrist_lens import WristLens
from ivfp_bt.robot.target_source import TargetSource

STRETCH_WORKSPACE = Workspace((-0.30, -0.95, 0.05), (0.30, -0.20, 1.15))
OPEN_APERTURE = 0.10        # asked for; clipped to what this gripper opens
STEPPERS = ("lift", "arm")
# Where picking starts: the sim's HOME (gripper below the bin, out of the head camera's view),
# reached from stow (wrist turned back over the base) without sweeping the arm through anything.
START_POSE = (("arm", 0.0), ("lift", 0.45), ("wrist_yaw", 0.0), ("gripper", 0.05))
START_MOVE_TIMEOUT_S = 20.0


class StretchRobot:
    """A homed Stretch RE1 driven through stretch_body (``body`` is its ``Robot``)."""

    work_cell = None    # on the stretch_body double, the simulation's: the run judges picks by it

    def __init__(self, body: Any, workspace: Workspace = STRETCH_WORKSPACE,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 calibration: CameraCalibration | None = None, head_camera: Any = None,
                 wrist_camera: FrameStream | None = None, wrist_source: int | str | None = None,
                 target_source: TargetSource | None = None, calibrating: bool = False,
                 wrist_lens: WristLens | None = None):
        """``head_camera`` (grab() and intrinsics, as HeadCamera) and ``wrist_camera`` are opened
        on first use when not given: the D435i, and OpenCV capture of ``wrist_source`` (seen through
        ``wrist_lens``, its fisheye calibration, when given).
        ``calibrating``: head frames without a calibration (``ivfp-bt calibrate`` makes one)."""
        check_contact_params(body)
        self.body, self.clock, self._sleep = body, clock, sleep
        self.calibration, self.calibrating = calibration, calibrating
        self.target_source = target_source
        self._head_camera, self._wrist_camera, self._wrist_source = head_camera, wrist_camera, wrist_source
        self._wrist_lens = wrist_lens
        self.gripper = GripperRange.from_gripper(body.end_of_arm.get_joint("stretch_gripper"))
        self._base_zero = float(body.base.status["x"])   # odometry is relative to where the run began
        self._watched: dict[str, Watched] = {}
        self.gate = CommandGate(joint_limits(body, self.gripper),
                                calibration.workspace if calibration else workspace, self.now, self.positions())

    @classmethod
    def from_body(cls, body: Any, **kwargs: Any) -> "StretchRobot":
        if hasattr(body, "is_homed") and not body.is_homed():
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
        return {"base": float(self.body.base.status["x"]) - self._base_zero,
                "lift": float(self.body.lift.status["pos"]), "arm": float(self.body.arm.status["pos"]),
                "wrist_yaw": float(eoa.get_joint("wrist_yaw").status["pos"]),
                "gripper": self.gripper.to_aperture(float(eoa.get_joint("stretch_gripper").status["pos_pct"]))}

    def _runstop(self) -> bool:
        return bool(self.body.pimu.status["runstop_event"])

    @property
    def limits(self) -> dict[str, JointLimit]:
        """This robot's joint limits (its own ranges; the gripper's widest opening)."""
        return self.gate.limits

    def move_to(self, joint: str, position: float, *, speed: float | None = None,
                contact_effort: float | None = None) -> Motion:
        return self._command(joint, position, speed, contact_effort)

    def _command(self, joint: str, position: float, speed: float | None, contact_effort: float | None,
                 outside_workspace: bool = False) -> Motion:
        if joint == "gripper":      # "open" means as wide as this gripper goes
            position = min(position, self.gripper.max_open_m)
        current = self.positions()
        motion = self.gate.command(joint, position, speed, contact_effort, current.get(joint, 0.0), self._runstop(),
                                   outside_workspace)
        self._watched[joint] = Watched(motion, guard_events(self.body, joint) if joint in STEPPERS else 0)
        self._send(motion, current[joint])
        return motion

    def _send(self, motion: Motion, current: float) -> None:
        joint, accel = motion.joint, self.gate.limits[motion.joint].accel
        try:
            if joint == "base":     # translate_by adds to the measured position
                self.body.base.translate_by(motion.target - current, v_m=motion.speed, a_m=accel)
            elif joint in STEPPERS:
                threshold = {} if motion.contact_effort is None else \
                    {"contact_thresh_pos": motion.contact_effort, "contact_thresh_neg": -motion.contact_effort}
                getattr(self.body, joint).move_to(motion.target, v_m=motion.speed, a_m=accel, **threshold)
            elif joint == "wrist_yaw":
                self.body.end_of_arm.move_to("wrist_yaw", motion.target, v_r=motion.speed, a_r=accel)
            else:
                self.body.end_of_arm.move_to("stretch_gripper", self.gripper.to_pct(motion.target))
            self.body.push_command()
        except SystemExit:          # stretch_body exits on what it cannot do; the run must stop safely
            motion.finish(MotionState.FAILED, "stretch_body refused the command")
            raise UserError(f"stretch_body refused to move the {joint} (see its log in ~/stretch_user/log)") from None

    def go_to_start_pose(self, say: Callable[[str], None] = print) -> None:
        """Retract, set the lift, turn the wrist forward, set the gripper: one joint at a time,
        each within its limits and a timeout; a stowed wrist puts the tool point outside the
        workspace, so these moves alone may start there."""
        pose = self.positions()
        todo = [(joint, value) for joint, value in START_POSE if abs(pose[joint] - value) > 0.02]
        if not todo:
            return
        say("moving to the start pose: " + ", ".join(f"{j} {v:g}" for j, v in todo))
        for joint, value in todo:
            motion = self._command(joint, value, None, None, outside_workspace=True)
            deadline = self.now() + START_MOVE_TIMEOUT_S
            while not motion.done and self.now() < deadline:
                self.sync(0.05)
            if motion.state is not MotionState.DONE:
                self.stop()
                raise UserError(f"could not reach the start pose: the {joint} {motion.reason or 'did not get there'}")

    def move_by(self, joint: str, delta: float, *, speed: float | None = None,
                contact_effort: float | None = None) -> Motion:
        return self.move_to(joint, self.gate.targets[joint] + delta, speed=speed, contact_effort=contact_effort)

    def status(self) -> RobotStatus:
        guarded = {j: bool(getattr(self.body, j).status["motor"]["in_guarded_event"]) for j in STEPPERS}
        head = self.body.head
        pan_tilt = {j: float(head.get_joint(j).status["pos"]) for j in ("head_pan", "head_tilt")}
        efforts = {j: float(getattr(self.body, j).status["motor"]["effort_pct"]) for j in STEPPERS}
        efforts["gripper"] = float(self.body.end_of_arm.get_joint("stretch_gripper").status["effort"])
        return RobotStatus(self.now(), self.positions(), efforts, guarded, self._runstop(), pan_tilt)

    @property
    def workspace(self) -> Workspace:
        return self.gate.workspace

    def sync(self, period: float) -> None:
        self._sleep(period)
        positions = self.positions()
        if self._runstop():
            self.gate.end_all(MotionState.FAILED, "runstop", positions)
            return
        now = self.now()
        for motion in self.gate.active():
            watched = self._watched.get(motion.joint)
            if watched is not None and watched.motion is motion:
                judge(watched, self.body, positions[motion.joint], now)
        self.gate.expire(positions)

    def head_frame(self) -> RGBDFrame:
        if self.calibration is None and not self.calibrating:
            raise UserError("the head camera has no calibration: run `ivfp-bt calibrate --robot stretch -o FILE` "
                            "and set IVFP_BT_CALIBRATION=FILE")
        camera = self.head_camera
        color, depth, _ = camera.grab()
        intrinsics = camera.intrinsics
        if self.calibration is None:    # calibrating: the pose is what is being measured
            return RGBDFrame(color, depth, intrinsics, np.eye(4), self.now())
        expected = self.calibration.intrinsics
        if (intrinsics.width, intrinsics.height) != (expected.width, expected.height):
            raise UserError(f"the head camera gives {intrinsics.width}x{intrinsics.height} images but its "
                            f"calibration {self.calibration.name} is for {expected.width}x{expected.height}")
        # the calibration holds the camera in the base frame at base odometry 0; the head rides on the base
        odometry = np.eye(4)
        odometry[0, 3] = self.positions()["base"]
        frame = RGBDFrame(color, depth, intrinsics, odometry @ self.calibration.pose, self.now())
        if self.target_source is not None:
            frame.target_mask, frame.target_note = self.target_source.mask(frame)
        else:
            frame.target_note = ("no target source: run with --target (click, a mask PNG or directory, or "
                                 "module:function) or set IVFP_BT_TARGET")
        return frame

    @property
    def head_camera(self) -> Any:
        if self._head_camera is None:
            from ivfp_bt.robot.stretch.head_camera import HeadCamera
            self._head_camera = HeadCamera()
        return self._head_camera

    @property
    def wrist_camera(self) -> FrameStream:
        if self._wrist_camera is None:
            if self._wrist_source is None:
                raise UserError("no wrist camera configured: set IVFP_BT_WRIST_CAMERA to its device "
                                "(a /dev/video* path or index)")
            from ivfp_bt.robot.stretch.wrist_capture import WristCapture
            self._wrist_camera = WristCapture(self._wrist_source, lens=self._wrist_lens)
        return self._wrist_camera

    def stop(self) -> None:
        """Hold every joint, the gripper too, where fresh status says it is now (the status
        threads' copy may be 40 ms old); stretch_body's Robot.stop() would shut it down."""
        self._pull_status()
        positions = self.positions()
        self.gate.end_all(MotionState.STOPPED, "stop()", positions)
        self.body.base.translate_by(0.0)
        self.body.lift.move_to(positions["lift"])
        self.body.arm.move_to(positions["arm"])
        self.body.end_of_arm.move_to("wrist_yaw", positions["wrist_yaw"])
        gripper = self.body.end_of_arm.get_joint("stretch_gripper")
        self.body.end_of_arm.move_to("stretch_gripper", float(gripper.status["pos_pct"]))
        self.body.push_command()

    def _pull_status(self) -> None:
        eoa = self.body.end_of_arm
        for device in (self.body.pimu, self.body.base, self.body.lift, self.body.arm,
                       eoa.get_joint("wrist_yaw"), eoa.get_joint("stretch_gripper")):
            device.pull_status()

    def open_gripper(self) -> None:
        if not self._runstop():
            self.move_to("gripper", OPEN_APERTURE)

    def close(self) -> None:
        for camera in (self._head_camera, self._wrist_camera):
            close = getattr(camera, "close", None)     # a FrameStream need not have one
            if close is not None:
                close()
        self.body.stop()
