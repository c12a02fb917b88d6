"""The real-Stretch backend without a robot: discovery errors and command translation."""

from __future__ import annotations

import numpy as np
import pytest

from ivfp_bt.robot import open_robot
from ivfp_bt.robot.interface import MotionState
from ivfp_bt.robot.limits import CommandRefused
from ivfp_bt.robot.stretch.discovery import NoStretchFound
from ivfp_bt.robot.stretch.gripper_units import aperture_to_pct, pct_to_aperture
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


def test_gripper_units_match_stretch_bodys_conversion():
    conversion = pytest.importorskip("stretch_body.gripper_conversion")
    import stretch_body.robot_params_RE1V0 as re1
    theirs = conversion.GripperConversion(re1.RE1V0_stretch_gripper["gripper_conversion"])
    for aperture in (0.0, 0.02, 0.05, 0.09):
        assert aperture_to_pct(aperture) == pytest.approx(theirs.aperture_to_robotis(aperture))
        assert pct_to_aperture(aperture_to_pct(aperture)) == pytest.approx(aperture)
    assert aperture_to_pct(-1.0) == -100.0


class Joint:
    def __init__(self, name, calls, pos=0.0):
        self.name, self.calls, self.status = name, calls, {"pos": pos, "pos_pct": 30.0, "in_guarded_event": False}

    def move_to(self, *args, **kwargs):
        self.calls.append((self.name, "move_to", args, kwargs))

    def translate_by(self, *args, **kwargs):
        self.calls.append((self.name, "translate_by", args, kwargs))


class EndOfArm:
    def __init__(self, calls):
        self.calls = calls
        self.joints = {"wrist_yaw": Joint("wrist_yaw", calls), "stretch_gripper": Joint("stretch_gripper", calls)}

    def get_joint(self, name):
        return self.joints[name]

    def move_to(self, joint, value, **kwargs):
        self.calls.append((joint, "move_to", (value,), kwargs))


class RecordingBody:
    """Records what the adapter asks of stretch_body's Robot."""

    def __init__(self):
        self.calls = []
        self.lift, self.arm = Joint("lift", self.calls, 0.6), Joint("arm", self.calls, 0.1)
        self.base = Joint("base", self.calls)
        self.end_of_arm = EndOfArm(self.calls)
        self.head = EndOfArm(self.calls)
        self.head.joints = {"head_pan": Joint("head_pan", self.calls), "head_tilt": Joint("head_tilt", self.calls)}
        self.pimu = type("Pimu", (), {"status": {"runstop_event": False}})()

    def push_command(self):
        self.calls.append(("robot", "push_command", (), {}))

    def stop(self):
        self.calls.append(("robot", "stop", (), {}))


def test_commands_translate_to_stretch_body_calls():
    body = RecordingBody()
    robot = StretchRobot(body)
    robot.move_to("lift", 0.8, speed=0.1, contact_effort=40)
    robot.move_to("gripper", 0.045)
    robot.move_by("base", 0.1)
    assert body.calls[0] == ("lift", "move_to", (0.8,),
                             {"v_m": 0.1, "a_m": 0.15, "contact_thresh_pos": 40, "contact_thresh_neg": -40})
    assert body.calls[1][0] == "robot"
    assert body.calls[2] == ("stretch_gripper", "move_to", (pytest.approx(35.0),), {})
    assert body.calls[4][:2] == ("base", "translate_by") and body.calls[4][2] == (pytest.approx(0.1),)


def test_limits_and_runstop_are_checked_before_anything_is_sent():
    body = RecordingBody()
    robot = StretchRobot(body)
    with pytest.raises(CommandRefused):
        robot.move_to("arm", 0.9)
    body.pimu.status["runstop_event"] = True
    with pytest.raises(CommandRefused, match="runstop"):
        robot.move_to("arm", 0.2)
    assert body.calls == []


def test_sync_finishes_motions_from_status():
    body = RecordingBody()
    robot = StretchRobot(body, clock=lambda: 0.0)
    lift = robot.move_to("lift", 0.7)
    arm = robot.move_to("arm", 0.3, contact_effort=50)
    body.lift.status["pos"] = 0.695
    body.arm.status["in_guarded_event"] = True
    robot.sync(0.0)
    assert lift.state is MotionState.DONE and arm.state is MotionState.CONTACT


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
    body = RecordingBody()
    calibration = _calibration(camera.intrinsics, {"pan": -1.6, "tilt": -0.8})
    robot = StretchRobot.from_body(body, calibration=calibration, head_camera=camera)
    assert ("head_pan", "move_to", (-1.6,), {}) in body.calls and ("head_tilt", "move_to", (-0.8,), {}) in body.calls
    frame = robot.head_frame()
    robot.close()
    assert frame.color.shape == (424, 240, 3) and frame.depth.shape == (424, 240)
    assert np.array_equal(frame.camera_pose, calibration.pose)
    assert 0.59 < np.median(frame.depth[frame.depth > 0]) < 1.01


def test_without_calibration_or_wrist_device_the_errors_say_what_to_set():
    from ivfp_bt.errors import UserError
    from ivfp_bt.robot.interface import CameraIntrinsics

    class Camera:
        intrinsics = CameraIntrinsics(240, 424, 306, 306, 119.5, 211.5)

        def grab(self):
            return np.zeros((424, 240, 3), np.uint8), np.zeros((424, 240), np.float32), 0.0

    robot = StretchRobot(RecordingBody(), head_camera=Camera())
    with pytest.raises(UserError, match="no calibration: run `ivfp-bt calibrate --robot stretch"):
        robot.head_frame()
    with pytest.raises(UserError, match="set IVFP_BT_WRIST_CAMERA"):
        robot.wrist_camera
    wrong = _calibration(CameraIntrinsics(424, 240, 306, 306, 211.5, 119.5))
    with pytest.raises(UserError, match="gives 240x424 images but its calibration test is for 424x240"):
        StretchRobot(RecordingBody(), head_camera=Camera(), calibration=wrong).head_frame()


def test_the_stretch_backend_conforms_to_the_interface():
    from ivfp_bt.robot.interface import FrameStream, Robot
    from ivfp_bt.robot.stretch.wrist_capture import WristCapture
    wrist = WristCapture.__new__(WristCapture)      # never opened: only its type matters here
    robot = StretchRobot(RecordingBody(), clock=lambda: 1.0, wrist_camera=wrist)
    assert isinstance(robot, Robot) and isinstance(robot.wrist_camera, FrameStream)
    status = robot.status()
    assert set(status.joints) == {"base", "lift", "arm", "wrist_yaw", "gripper"}
    assert set(status.head) == {"head_pan", "head_tilt"} and status.runstop is False
    assert robot.workspace.contains(robot.workspace.lower)
