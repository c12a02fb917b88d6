"""The fixed motions around a grasp: Extract, Drop, Release and ResetArm."""

from __future__ import annotations

from ivfp_bt.behaviours.pick.plan_leaf import PlanLeaf
from ivfp_bt.pick.motion_plan import Move, Plan, Stage, drop_plan, extract_plan, release_plan

HOME = {"lift": 0.45, "arm": 0.0, "wrist_yaw": 0.0, "gripper": 0.05}   # below the bin, out of the head camera's view


class Extract(PlanLeaf):
    """Lift 5 cm and retract the arm, taking the grasped item out of the bin."""

    JUDGE_AFTER = True   # the sidecar stores the ground truth, where known, when this finishes

    def make_plan(self) -> Plan:
        return extract_plan()


class Drop(PlanLeaf):
    """Open the gripper over the tote, letting go of an extracted item."""

    def make_plan(self) -> Plan:
        return drop_plan()


class Release(PlanLeaf):
    """Open the gripper and retract the arm: put back a grasp that failed verification."""

    def make_plan(self) -> Plan:
        return release_plan(self.robot.status().joints["gripper"])


class ResetArm(PlanLeaf):
    """Retract the arm and bring the gripper to its waiting pose, clear of the camera's view."""

    def make_plan(self) -> Plan:
        return Plan("reset", [Stage((Move("arm", 0.0), Move("gripper", HOME["gripper"])), name="retract"),
                              Stage((Move("lift", HOME["lift"]), Move("wrist_yaw", HOME["wrist_yaw"])),
                                    name="wait pose")])
