"""The real-Stretch backend without a robot: discovery errors and command translation."""

from __future__ import annotations

import numpy as np
import pytest

from ivfp_bt.robot import open_robot
from ivfp_bt.robot.interface import MotionState
from ivfp_bt.robot.limits import CommandRefused
from ivfp_bt.robot.stretch.discovery import NoStretchFound
from ivfp_bt.errors import UserError
from ivfp_bt.robot.stretch.stretch_robot import StretchRobot


def test_without_fleet_variables_there_is_one_clear_line(monkeypatch):
    monkeypatch.delenv("HELLO_FLEET_PATH", raising=False)
    with pytest.raises(NoStretchFound, match="^no Stretch found: HELLO_FLEET_PATH and HELLO_FLEET_ID are not set"):
        open_robot("stretch")


def test_a_missing_fleet_directory_is_reported_not_exited(monkeypatch, tmp_path):
    monkeypatch.setenv("HELLO_FLEET_PATH", str(tmp_path))
    monkeypatch.setenv("HELLO_FLEET_ID", "stretch-re1-0000")
    with pytest.raises(NoStretchFound, match="fleet directory .*stretch-re1-0000 does not exist"):
        open_robot("stretch")


def test_a_fleet_without_parameter_files_is_reported_not_exited(monkeypatch, tmp_path):
    """stretch_body calls sys.exit(1) here; the user sees one line instead."""
    pytest.importorskip("stretch_body")
    (tmp_path / "stretch-re1-0000").mkdir()
    monkeypatch.setenv("HELLO_FLEET_PATH", str(tmp_path) + "/")
    monkeypatch.setenv("HELLO_FLEET_ID", "stretch-re1-0000")
    with pytest.raises(NoStretchFound, match="could not read its parameters"):
        open_robot("stretch")


def double_body(seed: int = 0):
    """stretch_body's Robot as the double plays it (no camera), and its firmware's clock."""
    from ivfp_bt.sim import open_sim_robot
    from ivfp_bt.sim.stretch_double.body import Robot
    from ivfp_bt.sim.stretch_double.firmware import Firmware
    firmware = Firmware(open_sim_robot(seed))
    return Robot(firmware), firmware


def stretch(body, firmware, **kwargs) -> StretchRobot:
    return StretchRobot(body, clock=firmware.now, sleep=firmware.sleep, **kwargs)


def run(robot, motion, timeout=20.0):
    end = robot.now() + timeout
    while not motion.done and robot.now() < end:
        robot.sync(0.05)
    return motion


def test_limits_and_runstop_are_checked_before_anything_is_sent():
    body, firmware = double_body()
    robot = stretch(body, firmware)
    with pytest.raises(CommandRefused):
        robot.move_to("arm", 0.9)
    body.pimu.runstop_event_trigger()
    with pytest.raises(CommandRefused, match="runstop"):
        robot.move_to("arm", 0.2)
    firmware.sleep(0.5)
    assert body.arm.status["pos"] == pytest.approx(0.0, abs=1e-3)


def test_base_moves_finish_on_measured_odometry_not_the_command():
    """Defect 2: positions()["base"] was the commanded target, so a base move was done at once."""
    body, firmware = double_body()
    robot = stretch(body, firmware)
    motion = robot.move_to("base", 0.08)
    robot.sync(0.05)
    assert not motion.done and robot.positions()["base"] < 0.02
    run(robot, motion)
    assert motion.state is MotionState.DONE
    assert robot.positions()["base"] == pytest.approx(body.base.status["x"], abs=1e-9)
    assert body.base.status["x"] == pytest.approx(0.08, abs=0.011)


def test_the_gripper_opens_as_wide_as_this_re1_goes_and_finishes():
    """Defect 3: OPEN = 0.10 m was clipped by stretch_body to 53.9 % (0.069 m) and timed out."""
    body, firmware = double_body()
    robot = stretch(body, firmware)
    assert robot.limits["gripper"].upper == pytest.approx(0.0693, abs=1e-3)
    motion = run(robot, robot.move_to("gripper", 0.10))
    assert motion.state is MotionState.DONE and motion.target == pytest.approx(0.0693, abs=1e-3)
    assert robot.limits["wrist_yaw"].lower == pytest.approx(-1.384, abs=1e-3)


def test_guarded_contact_is_read_from_the_steppers_event_counter():
    """Defect 4: in_guarded_event lives in status['motor']; an old flag must not finish a new move."""
    body, firmware = double_body()
    robot = stretch(body, firmware)
    body.arm.motor.status["in_guarded_event"] = 1     # left over from an earlier move
    motion = robot.move_to("arm", 0.1)
    robot.sync(0.05)
    assert not motion.done
    firmware.guarded_events["arm"] += 1               # what the stepper does on contact
    body.arm.refresh()
    robot.sync(0.0)
    assert motion.state is MotionState.CONTACT


def test_a_stowed_robot_is_brought_to_the_start_pose():
    """Defect 6: with the wrist at its stow angle every command was refused."""
    body, firmware = double_body()
    for joint, value in (("wrist_yaw", 3.4), ("lift", 0.3)):
        firmware.sim.hold(joint, value)
        firmware.sim.drive(joint, value, 1.0, 1.0)
    firmware.sleep(2.0)
    robot = stretch(body, firmware)
    with pytest.raises(CommandRefused, match="outside the workspace"):
        robot.move_to("lift", 0.5)
    said = []
    robot.go_to_start_pose(said.append)
    assert said and said[0].startswith("moving to the start pose")
    assert robot.positions()["wrist_yaw"] == pytest.approx(0.0, abs=0.05)
    run(robot, robot.move_to("lift", 0.5))


def test_an_unmigrated_re1_is_refused_before_anything_moves():
    body, firmware = double_body()
    body.lift.params = {**body.lift.params, "contact_thresh_N": [-70, 70]}
    with pytest.raises(UserError, match="RE1_migrate_contacts.py"):
        stretch(body, firmware)


def test_stop_holds_every_joint_the_gripper_too_where_fresh_status_says():
    """Defect 9: stop() acted on status up to 40 ms old and left the gripper moving."""
    body, firmware = double_body()
    robot = stretch(body, firmware)
    robot.move_to("arm", 0.3)
    robot.move_to("gripper", 0.0)
    firmware.sleep(0.9)
    robot.stop()
    held_arm, held_gripper = firmware.sim.position("arm"), firmware.sim.position("gripper")
    firmware.sleep(1.0)
    assert firmware.sim.position("arm") == pytest.approx(held_arm, abs=0.01)
    assert firmware.sim.position("gripper") == pytest.approx(held_gripper, abs=0.006)


def _calibration(intrinsics, head=None):
    from ivfp_bt.calibration.camera_model import CameraCalibration
    from ivfp_bt.robot.stretch.stretch_robot import STRETCH_WORKSPACE
    pose = np.eye(4)
    pose[:3, 3] = (0.0, -0.04, 1.29)
    return CameraCalibration("test", intrinsics, pose, STRETCH_WORKSPACE, head)


def test_head_frames_come_from_the_d435i_with_the_calibrated_pose(tmp_path):
    pytest.importorskip("pyrealsense2")
    from ivfp_bt.robot.stretch.head_camera import HeadCamera
    from tests.realsense_synth import write_recording
    write_recording(tmp_path / "head.db3")
    camera = HeadCamera(tmp_path / "head.db3")
    body, firmware = double_body()
    calibration = _calibration(camera.intrinsics, {"pan": -1.6, "tilt": -0.8})
    robot = StretchRobot.from_body(body, calibration=calibration, head_camera=camera, clock=firmware.now,
                                   sleep=firmware.sleep)
    firmware.sleep(0.1)
    assert body.head.get_joint("head_pan").status["pos"] == -1.6
    assert body.head.get_joint("head_tilt").status["pos"] == pytest.approx(-0.8, abs=1e-3)
    frame = robot.head_frame()
    robot.close()
    assert frame.color.shape == (424, 240, 3) and frame.depth.shape == (424, 240)
    assert np.allclose(frame.camera_pose, calibration.pose, atol=1e-9)
    assert 0.59 < np.median(frame.depth[frame.depth > 0]) < 1.01


def test_without_calibration_or_wrist_device_the_errors_say_what_to_set():
    from ivfp_bt.errors import UserError
    from ivfp_bt.robot.interface import CameraIntrinsics

    class Camera:
        intrinsics = CameraIntrinsics(240, 424, 306, 306, 119.5, 211.5)

        def grab(self):
            return np.zeros((424, 240, 3), np.uint8), np.zeros((424, 240), np.float32), 0.0

    body, firmware = double_body()
    robot = stretch(body, firmware, head_camera=Camera())
    with pytest.raises(UserError, match="no calibration: run `ivfp-bt calibrate --robot stretch"):
        robot.head_frame()
    calibrating = stretch(body, firmware, head_camera=Camera(), calibrating=True)   # defect 7
    assert calibrating.head_frame().color.shape == (424, 240, 3)
    with pytest.raises(UserError, match="set IVFP_BT_WRIST_CAMERA"):
        robot.wrist_camera
    wrong = _calibration(CameraIntrinsics(424, 240, 306, 306, 211.5, 119.5))
    with pytest.raises(UserError, match="gives 240x424 images but its calibration test is for 424x240"):
        stretch(body, firmware, head_camera=Camera(), calibration=wrong).head_frame()


def test_the_stretch_backend_conforms_to_the_interface():
    from ivfp_bt.robot.interface import FrameStream, Robot
    from ivfp_bt.robot.stretch.wrist_capture import WristCapture
    wrist = WristCapture.__new__(WristCapture)      # never opened: only its type matters here
    body, firmware = double_body()
    robot = stretch(body, firmware, wrist_camera=wrist)
    assert isinstance(robot, Robot) and isinstance(robot.wrist_camera, FrameStream)
    status = robot.status()
    assert set(status.joints) == {"base", "lift", "arm", "wrist_yaw", "gripper"}
    assert set(status.head) == {"head_pan", "head_tilt"} and status.runstop is False
    assert robot.workspace.contains(robot.workspace.lower)


def test_the_reach_into_the_bin_carries_its_own_contact_threshold_to_the_stepper():
    """Defect 4: the reach set no contact threshold of its own."""
    from ivfp_bt.pick.motion_plan import REACH_EFFORT, grasp_plan
    from ivfp_bt.sim.stretch_double.firmware import Guard
    reach = grasp_plan(np.array([0.0, -0.6, 0.5]), 0.05).stages[2]
    assert reach.name == "reach" and reach.moves[0].contact_effort == REACH_EFFORT
    body, firmware = double_body()
    robot = stretch(body, firmware)
    robot.move_to("arm", 0.2, contact_effort=REACH_EFFORT)
    assert firmware.guards["arm"] == Guard(REACH_EFFORT, -REACH_EFFORT)
