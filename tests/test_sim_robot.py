"""The simulated Stretch against the robot interface: motion, limits, cameras, runstop."""

from __future__ import annotations

import mujoco
import numpy as np
import pytest

from ivfp_bt.calibration.camera_model import deproject
from ivfp_bt.robot import open_robot
from ivfp_bt.robot.interface import MotionState, Robot, wait_for
from ivfp_bt.robot.kinematics import tool_point
from ivfp_bt.robot.limits import RE1_LIMITS, CommandRefused
from ivfp_bt.robot.trajectory import Trapezoid


@pytest.fixture(scope="module")
def robot():
    robot = open_robot("sim", 3)
    yield robot
    robot.close()


def test_sim_robot_conforms_to_the_interface(robot):
    assert isinstance(robot, Robot)
    status = robot.status()
    assert set(status.joints) == {"base", "lift", "arm", "wrist_yaw", "gripper"}
    assert not status.runstop


def test_motions_take_as_long_as_on_the_robot(robot):
    start_time, start = robot.now(), robot.positions()["lift"]
    motion = robot.move_to("lift", start + 0.2)
    assert not motion.done
    wait_for(robot, [motion], 10)
    planned = Trapezoid(start, start + 0.2, RE1_LIMITS["lift"].default_speed, RE1_LIMITS["lift"].accel).duration
    assert motion.state is MotionState.DONE
    assert planned <= robot.now() - start_time <= planned + 0.5
    assert robot.positions()["lift"] == pytest.approx(start + 0.2, abs=0.01)
    wait_for(robot, [robot.move_by("lift", -0.2, speed=0.15)], 10)


@pytest.mark.parametrize("joint, target, kwargs, message", [
    ("lift", 1.5, {}, "lift: target 1.5000 m is outside its limits [0, 1.1] m"),
    ("arm", -0.1, {}, "outside its limits"),
    ("gripper", 0.2, {}, "outside its limits"),
    ("arm", 0.1, {"speed": 2.0}, "speed 2 m/s is outside (0, 0.3] m/s"),
    ("elbow", 0.1, {}, "unknown joint 'elbow'"),
    ("lift", 0.5, {"contact_effort": 150}, "contact effort 150% is outside (0, 100]"),
    ("base", 0.28, {}, "outside the workspace"),
])
def test_commands_outside_limits_or_workspace_are_refused_not_clipped(robot, joint, target, kwargs, message):
    before = dict(robot.gate.targets)
    with pytest.raises(CommandRefused) as info:
        robot.move_to(joint, target, **kwargs)
    assert message in str(info.value)
    assert robot.gate.targets == before


def test_stop_holds_every_joint_where_it_is(robot):
    motion = robot.move_by("arm", 0.2)
    robot.sync(0.5)
    robot.stop()
    assert motion.state is MotionState.STOPPED
    held = robot.positions()["arm"]
    robot.sync(0.5)
    assert robot.positions()["arm"] == pytest.approx(held, abs=0.01)
    wait_for(robot, [robot.move_to("arm", 0.0)], 10)


def test_runstop_fails_motions_and_refuses_commands(robot):
    motion = robot.move_by("lift", 0.1)
    robot.sync(0.2)
    robot.press_runstop()
    assert motion.state is MotionState.FAILED and motion.reason == "runstop"
    assert robot.status().runstop
    with pytest.raises(CommandRefused, match="runstop"):
        robot.move_by("lift", 0.05)
    robot.release_runstop()
    wait_for(robot, [robot.move_to("lift", 0.45)], 10)


def test_gripper_closing_on_nothing_stops_on_pad_contact(robot):
    close = robot.move_to("gripper", -0.02, contact_effort=60)
    wait_for(robot, [close], 5)
    assert close.state is MotionState.CONTACT
    assert robot.positions()["gripper"] == pytest.approx(0.0, abs=0.003)
    wait_for(robot, [robot.move_to("gripper", 0.05)], 5)


def test_a_guarded_open_is_not_stopped_by_the_squeeze_it_releases(robot):
    """Drop and Release open with a contact guard: the squeeze the closed gripper still exerts
    pushes the other way and must not end the opening at once (it left items in the gripper)."""
    wait_for(robot, [robot.move_to("gripper", -0.02, contact_effort=60)], 5)
    assert robot.effort("gripper") < -60           # still squeezing
    opening = robot.move_to("gripper", 0.10, contact_effort=60)
    wait_for(robot, [opening], 5)
    assert opening.state is MotionState.DONE and robot.positions()["gripper"] == pytest.approx(0.10, abs=0.006)
    wait_for(robot, [robot.move_to("gripper", 0.05)], 5)


def test_wrist_stream_records_at_its_rate(robot):
    robot.wrist_camera.start_recording(4.0)
    robot.sync(1.5)
    frames = robot.wrist_camera.stop_recording()
    assert len(frames) == 7   # t = 0, 0.25, ..., 1.5
    assert np.allclose(np.diff([f.time for f in frames]), 0.25, atol=0.003)
    assert frames[0].image.shape == (224, 224, 3)
    assert frames[0].image[0, 0].sum() == 0 and frames[0].image[112, 112].sum() > 0   # the fisheye circle


def test_head_frame_has_colour_depth_and_the_target_mask(robot):
    frame = robot.head_frame()
    h, w = frame.depth.shape
    assert frame.color.shape == (h, w, 3) and (w, h) == (frame.intrinsics.width, frame.intrinsics.height)
    assert frame.target_mask.sum() > 100
    assert (frame.depth[frame.target_mask] > 0.3).all()


def test_a_vanished_target_comes_with_the_reason():
    """An empty target mask says why: here the target was knocked out of the bin."""
    from ivfp_bt.pick.candidates import NoTarget, target_pixels

    robot = open_robot("sim", 4)
    try:
        assert robot.head_frame().target_note == ""
        body = robot.item_bodies[robot.scene.target]
        address = robot.model.jnt_qposadr[robot.model.body_jntadr[body]]
        robot.data.qpos[address:address + 3] = (0.6, -0.6, 0.05)      # on the floor beside the shelf
        mujoco.mj_forward(robot.model, robot.data)
        frame = robot.head_frame()
        assert not frame.target_mask.any() and "has left the bin" in frame.target_note
        with pytest.raises(NoTarget, match="not visible from the head camera: item .* has left the bin"):
            target_pixels(frame)
    finally:
        robot.close()


def test_deprojection_is_within_5_mm_of_ground_truth(robot):
    """Pixel + depth through intrinsics and pose against a ray cast into the same scene."""
    frame = robot.head_frame()
    k, pose = frame.intrinsics, frame.camera_pose
    base = robot.data.xpos[robot.base_body]
    vs, us = np.nonzero(frame.target_mask)
    errors = []
    for i in np.linspace(0, len(us) - 1, 60).astype(int):
        u, v = float(us[i]), float(vs[i])
        point = deproject(u, v, float(frame.depth[vs[i], us[i]]), k, pose)
        ray = pose[:3, :3] @ np.array([(u - k.cx) / k.fx, (v - k.cy) / k.fy, 1.0])
        ray /= np.linalg.norm(ray)
        geom = np.zeros(1, np.int32)
        world_only = np.array([1, 0, 0, 0, 0, 0], np.uint8)   # items and bin, not the robot's own meshes
        distance = mujoco.mj_ray(robot.model, robot.data, pose[:3, 3] + base, ray, world_only, 1, -1, geom)
        errors.append(np.linalg.norm(point - (pose[:3, 3] + distance * ray)))
    assert np.median(errors) < 0.005 and np.percentile(errors, 90) < 0.005


def test_tool_point_tracks_kinematics_in_motion(robot):
    """The tool point is between the closed fingertips, where a grasp closes."""
    wait_for(robot, [robot.move_to("arm", 0.1), robot.move_to("lift", 0.5), robot.move_to("gripper", 0.0)], 10)
    left = robot.data.xpos[robot.model.body("link_gripper_fingertip_left").id]
    right = robot.data.xpos[robot.model.body("link_gripper_fingertip_right").id]
    assert np.linalg.norm(tool_point(robot.positions()) - (left + right) / 2) < 0.005
    wait_for(robot, [robot.move_to("arm", 0.0), robot.move_to("lift", 0.45), robot.move_to("gripper", 0.05)], 10)
