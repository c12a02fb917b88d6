"""The robot as behaviours see it, in stretch_body's vocabulary.

Joints are ``base`` (translation along the base's forward axis, metres), ``lift`` and
``arm`` (metres), ``wrist_yaw`` (radians) and ``gripper`` (aperture between the fingertips,
metres; negative apertures squeeze). Every move is non-blocking: it returns a ``Motion``
that the backend updates while robot time passes (``sync``). Nothing here says whether the
robot is simulated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol, runtime_checkable

import numpy as np

from ivfp_bt.robot.limits import Workspace

JOINTS = ("base", "lift", "arm", "wrist_yaw", "gripper")


class MotionState(Enum):
    MOVING = "moving"
    DONE = "done"          # reached its target within tolerance
    CONTACT = "contact"    # a guarded move stopped on contact (stretch_body's guarded event)
    FAILED = "failed"      # timeout, runstop or fault; ``reason`` says which
    STOPPED = "stopped"    # cancelled by stop() or by a newer command to the same joint


@dataclass
class Motion:
    """One commanded move of one joint, updated by the backend as robot time passes."""

    joint: str
    start: float
    target: float
    started_at: float
    deadline: float
    speed: float
    contact_effort: float | None = None
    state: MotionState = MotionState.MOVING
    reason: str = ""

    @property
    def done(self) -> bool:
        return self.state is not MotionState.MOVING

    @property
    def failed(self) -> bool:
        return self.state in (MotionState.FAILED, MotionState.STOPPED)

    def finish(self, state: MotionState, reason: str = "") -> None:
        if self.state is MotionState.MOVING:
            self.state, self.reason = state, reason


@dataclass(frozen=True)
class CameraIntrinsics:
    """Pinhole intrinsics in pixels (OpenCV convention: pixel centres at integers).

    ``model`` says what ``distortion`` (k1, k2, p1, p2, k3) means: ``brown_conrady`` maps ideal
    to distorted points (OpenCV's), ``inverse_brown_conrady`` maps distorted pixels to ideal
    ones (the D435's colour stream, as librealsense reports it)."""

    width: int
    height: int
    fx: float
    fy: float
    cx: float
    cy: float
    distortion: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0, 0.0)
    model: str = "brown_conrady"

    @property
    def matrix(self) -> np.ndarray:
        return np.array([[self.fx, 0.0, self.cx], [0.0, self.fy, self.cy], [0.0, 0.0, 1.0]])


@dataclass
class RGBDFrame:
    """An aligned colour + depth frame from the head camera.

    ``camera_pose`` is the 4×4 pose of the camera's optical frame (x right, y down,
    z forward) in the robot base frame. ``target_mask`` is set where the backend knows
    the target (segmentation in the simulation; an operator or detector on the robot).
    """

    color: np.ndarray            # (H, W, 3) uint8 RGB
    depth: np.ndarray            # (H, W) float32 metres, 0 where unknown
    intrinsics: CameraIntrinsics
    camera_pose: np.ndarray
    time: float
    target_mask: np.ndarray | None = None
    target_note: str = ""        # why the target shows no pixels, where the backend can tell


@dataclass
class TimedFrame:
    time: float
    image: np.ndarray            # (H, W, 3) uint8 RGB
    depth: np.ndarray | None = None   # (H, W) float32 metres, 0 = none; only from a stream that has_depth


@dataclass
class RobotStatus:
    time: float
    joints: dict[str, float]
    efforts: dict[str, float] = field(default_factory=dict)   # percent of the joint's max effort
    guarded: dict[str, bool] = field(default_factory=dict)    # joint stopped on contact
    runstop: bool = False
    head: dict[str, float] = field(default_factory=dict)      # head_pan, head_tilt (radians)


@runtime_checkable
class FrameStream(Protocol):
    """A camera that records frames at a fixed rate between start and stop (the probe video),
    and gives its newest frame at any time (the anticipation monitor polls it)."""

    def start_recording(self, rate_hz: float) -> None: ...

    def stop_recording(self) -> list[TimedFrame]: ...

    def latest(self, depth: bool = False) -> TimedFrame:
        """The newest frame; with ``depth`` its depth image too (only where ``has_depth``)."""

    @property
    def has_depth(self) -> bool:
        """Whether this camera measures depth (the simulated wrist camera does)."""


@runtime_checkable
class Robot(Protocol):
    """A robot the executive can command and always bring to a safe state."""

    def now(self) -> float:
        """Robot time in seconds (simulated time in the simulation)."""

    def move_to(self, joint: str, position: float, *, speed: float | None = None,
                contact_effort: float | None = None) -> Motion:
        """Start moving ``joint`` to ``position``; refused (CommandRefused) outside limits or workspace."""

    def move_by(self, joint: str, delta: float, *, speed: float | None = None,
                contact_effort: float | None = None) -> Motion:
        """Start moving ``joint`` by ``delta`` from its current target."""

    def status(self) -> RobotStatus: ...

    @property
    def workspace(self) -> Workspace:
        """The box the tool point must stay in; every command is checked against it."""

    def head_frame(self) -> RGBDFrame: ...

    @property
    def wrist_camera(self) -> FrameStream: ...

    def sync(self, period: float) -> None:
        """Let ``period`` seconds of robot time pass, updating motions and status."""

    def stop(self) -> None:
        """Stop every joint now."""

    def open_gripper(self) -> None:
        """Open the gripper, releasing whatever it holds."""

    def close(self) -> None:
        """Release the hardware or simulation."""


def wait_for(robot: Robot, motions: list[Motion], timeout: float, period: float = 0.02) -> None:
    """Let robot time pass until every motion is done (for scripts and tools, not behaviours)."""
    end = robot.now() + timeout
    while not all(m.done for m in motions):
        if robot.now() >= end:
            robot.stop()
            raise TimeoutError(f"motions not done after {timeout:.1f} s of robot time")
        robot.sync(period)


def wait_until_still(robot: Robot, joint: str, timeout: float, still_s: float = 0.2, tolerance: float = 0.001,
                     period: float = 0.05) -> bool:
    """Let robot time pass until ``joint`` has moved less than ``tolerance`` for ``still_s`` (it
    reached its target or stopped against something); False if it still moved after ``timeout``."""
    end = robot.now() + timeout
    last, since = robot.status().joints[joint], robot.now()
    while robot.now() < end:
        robot.sync(period)
        position = robot.status().joints[joint]
        if abs(position - last) > tolerance:
            last, since = position, robot.now()
        elif robot.now() - since >= still_s:
            return True
    return False
