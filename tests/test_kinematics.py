"""Kinematics constants against the RE1V0 URDF, and trapezoid timing."""

from __future__ import annotations

import mujoco
import numpy as np
import pytest

from ivfp_bt.robot.kinematics import joints_for_tool_point, tool_point
from ivfp_bt.robot.trajectory import Trapezoid
from ivfp_bt.sim.stretch_model import ARM_SEGMENTS, robot_spec


def test_tool_point_matches_the_urdf_over_random_poses():
    model = robot_spec().compile()
    data = mujoco.MjData(model)
    rng = np.random.default_rng(0)
    for _ in range(20):
        joints = {"base": rng.uniform(-0.3, 0.3), "lift": rng.uniform(0, 1.1), "arm": rng.uniform(0, 0.52),
                  "wrist_yaw": rng.uniform(-1.5, 3.5)}
        data.qpos[:] = 0
        data.qpos[model.jnt_qposadr[model.joint("joint_base").id]] = joints["base"]
        data.qpos[model.jnt_qposadr[model.joint("joint_lift").id]] = joints["lift"]
        data.qpos[model.jnt_qposadr[model.joint("joint_wrist_yaw").id]] = joints["wrist_yaw"]
        for seg in ARM_SEGMENTS:
            data.qpos[model.jnt_qposadr[model.joint(seg).id]] = joints["arm"] / 4
        mujoco.mj_kinematics(model, data)
        left = data.xpos[model.body("link_gripper_fingertip_left").id]
        right = data.xpos[model.body("link_gripper_fingertip_right").id]
        assert np.linalg.norm(tool_point(joints) - (left + right) / 2) < 1e-3


def test_inverse_kinematics_round_trips():
    point = np.array([0.05, -0.5, 0.9])
    assert np.allclose(tool_point(joints_for_tool_point(point, 0.3)), point)


@pytest.mark.parametrize("distance, speed, accel, expected", [
    (0.2, 0.1, 0.2, 2.5),      # cruise: 0.5 s up, 1.5 s at speed, 0.5 s down
    (0.01, 0.1, 0.2, 2 * (0.01 / 0.2) ** 0.5),  # a triangle: never reaches speed
])
def test_trapezoid_duration_and_ends(distance, speed, accel, expected):
    t = Trapezoid(0.3, 0.3 + distance, speed, accel)
    assert t.duration == pytest.approx(expected)
    assert t.position(0) == 0.3 and t.position(t.duration + 1) == pytest.approx(0.3 + distance)
    assert t.position(t.duration / 2) == pytest.approx(0.3 + distance / 2)
