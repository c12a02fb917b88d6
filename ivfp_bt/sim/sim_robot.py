"""The simulated Stretch RE1 in its work-cell: the default robot backend.

Joint motions follow stretch_body's trapezoidal profiles at the RE1's speeds, tracked by
position servos with limited force, so a blocked finger or a bin wall stops a joint as it
would on the robot. ``sync`` integrates the physics; ``now`` is simulated time.
"""

from __future__ import annotations

from typing import Callable

import mujoco
import numpy as np

from ivfp_bt.robot.command_gate import CommandGate
from ivfp_bt.robot.interface import JOINTS, Motion, MotionState, RGBDFrame, RobotStatus
from ivfp_bt.robot.limits import RE1_LIMITS, JointLimit, Workspace
from ivfp_bt.robot.trajectory import Trapezoid
from ivfp_bt.sim.cameras import SimCameras
from ivfp_bt.sim.scene import Scene
from ivfp_bt.sim.stretch_model import ARM_SEGMENTS, FINGERS, aperture, finger_angle
from ivfp_bt.sim.target_view import unseen_target_reason
from ivfp_bt.sim.wrist_stream import SimWristStream
from ivfp_bt.sim.cell_model import build_cell_model

# Where the robot starts: gripper lowered below the bin and out of the head camera's view.
HOME = {"base": 0.0, "lift": 0.45, "arm": 0.0, "wrist_yaw": 0.0, "gripper": 0.05}
TOLERANCE = {"base": 0.01, "lift": 0.01, "arm": 0.008, "wrist_yaw": 0.05, "gripper": 0.006}
OPEN_APERTURE = 0.10
SERVOED = ("joint_base", "joint_lift", "joint_wrist_yaw", "joint_head_pan", "joint_head_tilt", *ARM_SEGMENTS, *FINGERS)
SIM_WORKSPACE = Workspace((-0.30, -0.95, 0.30), (0.25, -0.25, 1.20))


class SimRobot:
    """A Stretch RE1 picking from a packed bin, in MuJoCo."""

    def __init__(self, scene: Scene, workspace: Workspace = SIM_WORKSPACE,
                 limits: dict[str, JointLimit] = RE1_LIMITS,
                 extra: Callable[[mujoco.MjSpec], None] | None = None):
        self.scene = scene
        self.model, self.layout = build_cell_model(scene, extra)
        self.data = mujoco.MjData(self.model)
        self._qadr = {j: self.model.jnt_qposadr[self.model.joint(j).id] for j in SERVOED}
        self._act = {j: self.model.actuator(f"servo_{j}").id for j in SERVOED}
        self.base_body = self.model.body("base_link").id
        self.item_bodies = [self.model.body(f"item_{i}").id for i in range(len(scene.items))]
        self.runstop = False
        self._references = dict(HOME)
        self._trajectories: dict[str, tuple[Trapezoid, float]] = {}
        self._finger_memo = (float("nan"), 0.0)
        self._set_pose(HOME)
        self.gate = CommandGate(limits, workspace, self.now, dict(HOME))
        self.cameras = SimCameras(self.model, self.data)
        self._wrist = SimWristStream(self)
        self.work_cell = None   # the work-cell that orders and judges picks here (ivfp_bt.sim.open_sim_robot)
        self._physics(scene.config.settle_time)
        self.data.time = 0.0

    # --- joints ---------------------------------------------------------------------------
    def _set_pose(self, pose: dict[str, float]) -> None:
        q, a = self.data.qpos, self._qadr
        q[a["joint_base"]], q[a["joint_lift"]], q[a["joint_wrist_yaw"]] = pose["base"], pose["lift"], pose["wrist_yaw"]
        for seg in ARM_SEGMENTS:
            q[a[seg]] = pose["arm"] / len(ARM_SEGMENTS)
        for finger in FINGERS:
            q[a[finger]] = finger_angle(pose["gripper"])
        q[a["joint_head_pan"]], q[a["joint_head_tilt"]] = self.layout.head_pan, self.layout.head_tilt
        self._apply_references()
        mujoco.mj_forward(self.model, self.data)

    def _apply_references(self) -> None:
        ctrl, act, ref = self.data.ctrl, self._act, self._references
        ctrl[act["joint_base"]], ctrl[act["joint_lift"]] = ref["base"], ref["lift"]
        ctrl[act["joint_wrist_yaw"]] = ref["wrist_yaw"]
        segment = ref["arm"] / len(ARM_SEGMENTS)
        for seg in ARM_SEGMENTS:
            ctrl[act[seg]] = segment
        angle = self._finger_reference(ref["gripper"])
        for finger in FINGERS:
            ctrl[act[finger]] = angle
        ctrl[act["joint_head_pan"]], ctrl[act["joint_head_tilt"]] = self.layout.head_pan, self.layout.head_tilt

    def _finger_reference(self, gripper: float) -> float:
        # called every physics step; the gripper's reference rarely changes, the interpolation is costly
        if self._finger_memo[0] != gripper:
            self._finger_memo = (gripper, finger_angle(gripper))
        return self._finger_memo[1]

    def position(self, joint: str) -> float:
        q, a = self.data.qpos, self._qadr
        if joint == "arm":
            return float(sum(q[a[s]] for s in ARM_SEGMENTS))
        if joint == "gripper":
            return aperture(float(sum(q[a[f]] for f in FINGERS) / len(FINGERS)))
        return float(q[a[f"joint_{joint}"]])

    def positions(self) -> dict[str, float]:
        return {joint: self.position(joint) for joint in JOINTS}

    def effort(self, joint: str) -> float:
        """Servo effort as a percent of its force limit, signed (stretch_body's effort_pct)."""
        def pct(servo: str) -> float:
            i = self._act[servo]
            return float(100 * self.data.actuator_force[i] / self.model.actuator_forcerange[i, 1])
        if joint == "arm":
            return max((pct(s) for s in ARM_SEGMENTS), key=abs)
        if joint == "gripper":
            return max((pct(f) for f in FINGERS), key=abs)
        return pct(f"joint_{joint}")

    def efforts(self) -> dict[str, float]:
        return {joint: self.effort(joint) for joint in JOINTS}

    # --- the Robot interface --------------------------------------------------------------
    def now(self) -> float:
        return float(self.data.time)

    def move_to(self, joint: str, position: float, *, speed: float | None = None,
                contact_effort: float | None = None) -> Motion:
        current = self.positions()
        motion = self.gate.command(joint, position, speed, contact_effort, current.get(joint, 0.0), self.runstop)
        start = self._references[joint]
        self._trajectories[joint] = (Trapezoid(start, position, motion.speed, self.gate.limits[joint].accel),
                                     self.now())
        return motion

    def drive(self, joint: str, target: float, speed: float, accel: float) -> None:
        """Start a trapezoid to ``target`` past the gate: for a double of a robot's firmware, which
        checks its commands itself (``ivfp_bt.sim.stretch_double``)."""
        self._trajectories[joint] = (Trapezoid(self._references[joint], target, speed, accel), self.now())

    def driving(self, joint: str) -> bool:
        """Whether ``joint`` still runs a trajectory, or has not reached its end."""
        if joint not in self._trajectories:
            return False
        trajectory, t0 = self._trajectories[joint]
        return self.now() - t0 < trajectory.duration or abs(self.position(joint) - trajectory.target) > TOLERANCE[joint]

    def move_by(self, joint: str, delta: float, *, speed: float | None = None,
                contact_effort: float | None = None) -> Motion:
        base = self.gate.targets.get(joint, 0.0)
        return self.move_to(joint, base + delta, speed=speed, contact_effort=contact_effort)

    def status(self) -> RobotStatus:
        guarded = {m.joint: m.state is MotionState.CONTACT for m in self.gate.motions.values()}
        q, a = self.data.qpos, self._qadr
        head = {"head_pan": float(q[a["joint_head_pan"]]), "head_tilt": float(q[a["joint_head_tilt"]])}
        return RobotStatus(self.now(), self.positions(), self.efforts(), guarded, self.runstop, head)

    @property
    def workspace(self) -> Workspace:
        return self.gate.workspace

    def head_frame(self) -> RGBDFrame:
        color, depth, bodies = self.cameras.head()
        mask = bodies == self.item_bodies[self.scene.target]
        note = "" if mask.any() else unseen_target_reason(self, bodies, self._camera_pose("head"))
        return RGBDFrame(color, depth, self.cameras.head_intrinsics, self.head_pose(), self.now(), mask, note)

    def head_pose(self) -> np.ndarray:
        """Pose of the head camera's optical frame (x right, y down, z forward) in the base frame:
        the odometry frame where the base joint reads 0, so points seen after the base has
        moved still map to the joint targets that reach them."""
        odometry = np.eye(4)
        odometry[0, 3] = self.positions()["base"]
        return odometry @ np.linalg.inv(self._body_pose(self.base_body)) @ self._camera_pose("head")

    def _camera_pose(self, name: str) -> np.ndarray:
        cam = self.model.camera(name).id
        pose = np.eye(4)
        pose[:3, :3] = self.data.cam_xmat[cam].reshape(3, 3) @ np.diag([1.0, -1.0, -1.0])
        pose[:3, 3] = self.data.cam_xpos[cam]
        return pose

    def _body_pose(self, body: int) -> np.ndarray:
        pose = np.eye(4)
        pose[:3, :3] = self.data.xmat[body].reshape(3, 3)
        pose[:3, 3] = self.data.xpos[body]
        return pose

    @property
    def wrist_camera(self) -> SimWristStream:
        return self._wrist

    def sync(self, period: float) -> None:
        steps = max(1, int(round(period / self.model.opt.timestep)))
        for _ in range(steps):
            self._control_step()
            mujoco.mj_step(self.model, self.data)
            self._wrist.after_step()
        self.gate.expire(self.positions())

    def _control_step(self) -> None:
        now = self.now()
        for joint, (trajectory, t0) in list(self._trajectories.items()):
            self._references[joint] = trajectory.position(now - t0)
        self._apply_references()
        motions = self.gate.active()
        if not motions:
            return
        for motion in motions:
            joint = motion.joint
            trajectory, t0 = self._trajectories[joint]
            if motion.contact_effort is not None and _pushing(motion, effort := self.effort(joint)):
                motion.finish(MotionState.CONTACT, f"effort {effort:.0f}% on contact")
                if joint != "gripper" or motion.target > motion.start:
                    self.hold(joint, self.position(joint))   # a guarded stop holds; a closing gripper squeezes on
            elif now - t0 >= trajectory.duration and abs(self.position(joint) - motion.target) <= TOLERANCE[joint]:
                motion.finish(MotionState.DONE)

    def hold(self, joint: str, position: float | None = None) -> None:
        """Stop ``joint``'s trajectory and servo it at ``position`` (default: where it is now)."""
        if position is None:
            position = self.position(joint)
        self._trajectories.pop(joint, None)
        self._references[joint] = position
        self.gate.targets[joint] = position

    def _physics(self, seconds: float) -> None:
        for _ in range(int(round(seconds / self.model.opt.timestep))):
            mujoco.mj_step(self.model, self.data)

    def press_runstop(self) -> None:
        """The simulated runstop button: every joint stops and new commands are refused."""
        self.runstop = True
        positions = self.positions()
        self.gate.end_all(MotionState.FAILED, "runstop", positions)
        for joint in JOINTS:
            self.hold(joint, positions[joint])

    def release_runstop(self) -> None:
        self.runstop = False

    def stop(self) -> None:
        positions = self.positions()
        self.gate.end_all(MotionState.STOPPED, "stop()", positions)
        for joint in JOINTS:
            self.hold(joint, positions[joint])

    def open_gripper(self) -> None:
        if not self.runstop:
            self.move_to("gripper", OPEN_APERTURE)

    def close(self) -> None:
        self.cameras.close()


def _pushing(motion: Motion, effort: float) -> bool:
    """A guarded move meets contact when its joint pushes against something in the direction it
    moves, as stretch_body's signed contact thresholds have it: the squeeze a gripper still
    exerts on a held item is no contact for the move that opens it."""
    direction = np.sign(motion.target - motion.start)
    return bool(direction * effort >= motion.contact_effort)
