"""Stretch RE1 forward and inverse kinematics for the gripper's tool point.

Numbers come from the RE1V0 URDF with the standard gripper (hello-robot-stretch-urdf);
tests/test_kinematics.py checks them against that URDF loaded in MuJoCo. Base frame: x
forward, y left, z up; the arm extends along -y. The tool point is midway between the
fingertips; at wrist_yaw 0 the gripper points along the arm (-y) and opens along x.
"""

from __future__ import annotations

import numpy as np

WRIST_AT_ZERO = np.array([-0.0214, -0.1450, 0.1642])   # wrist yaw axis at base=lift=arm=0
TOOL_FROM_WRIST = np.array([0.0001, -0.1954, -0.1323])  # tool point from the wrist, yaw 0


def wrist_point(base: float, lift: float, arm: float) -> np.ndarray:
    return WRIST_AT_ZERO + np.array([base, -arm, lift])


def tool_point(joints: dict[str, float]) -> np.ndarray:
    """The tool point in the base frame for joint positions (base, lift, arm, wrist_yaw)."""
    pose = wrist_pose(joints)
    return pose[:3, :3] @ TOOL_FROM_WRIST + pose[:3, 3]


def joints_for_tool_point(point: np.ndarray, wrist_yaw: float = 0.0) -> dict[str, float]:
    """Base, lift and arm that put the tool point at ``point`` with the given wrist yaw."""
    c, s = np.cos(wrist_yaw), np.sin(wrist_yaw)
    dx, dy, dz = TOOL_FROM_WRIST
    wrist = np.asarray(point, dtype=float) - np.array([c * dx - s * dy, s * dx + c * dy, dz])
    delta = wrist - WRIST_AT_ZERO
    return {"base": float(delta[0]), "lift": float(delta[2]), "arm": float(-delta[1]), "wrist_yaw": wrist_yaw}


def wrist_pose(joints: dict[str, float]) -> np.ndarray:
    """4x4 pose of the wrist frame in the base frame: origin on the wrist yaw axis at the
    arm's height, axes parallel to the base's at yaw 0 and turned by wrist_yaw about z.
    Everything rigid on the gripper (the tool point, a calibration board) rides on it."""
    c, s = np.cos(joints["wrist_yaw"]), np.sin(joints["wrist_yaw"])
    pose = np.eye(4)
    pose[:3, :3] = [[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]]
    pose[:3, 3] = wrist_point(joints["base"], joints["lift"], joints["arm"])
    return pose
