"""Finding the Stretch: every way stretch_body fails without a robot becomes one clear line."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

from ivfp_bt.errors import UserError


class NoStretchFound(UserError):
    def __init__(self, why: str):
        super().__init__(f"no Stretch found: {why}")


def import_stretch_body():
    """``stretch_body.robot``, or NoStretchFound saying why it cannot be had here."""
    path, fleet_id = os.environ.get("HELLO_FLEET_PATH"), os.environ.get("HELLO_FLEET_ID")
    if not path or not fleet_id:
        # stretch_body would raise a bare KeyError on import
        raise NoStretchFound("HELLO_FLEET_PATH and HELLO_FLEET_ID are not set (on the robot they point at "
                             "~/stretch_user and the robot's serial, e.g. stretch-re1-1001)")
    fleet_dir = Path(path) / fleet_id
    if not fleet_dir.is_dir():
        raise NoStretchFound(f"the fleet directory {fleet_dir} does not exist")
    try:
        with contextlib.redirect_stdout(io.StringIO()) as said:
            import stretch_body.robot as stretch_robot
    except ImportError as e:
        raise NoStretchFound(f"stretch_body is not installed ({e.name}); pip install 'ivfp-bt[stretch]'") from None
    except SystemExit:
        # stretch_body calls sys.exit(1) when the fleet's parameter files are missing
        lines = [line for line in said.getvalue().splitlines() if line.strip()]
        raise NoStretchFound(f"stretch_body could not read its parameters in {fleet_dir}"
                             + (f": {lines[0]}" if lines else "")) from None
    return stretch_robot


def open_stretch_robot(seed: int | None = None):
    """Start stretch_body's Robot and wrap it; NoStretchFound when there is no robot to start.

    IVFP_BT_CALIBRATION names the head camera's calibration file (from ``ivfp-bt calibrate``);
    IVFP_BT_WRIST_CAMERA the wrist camera (a /dev/video* path or an index)."""
    from ivfp_bt.calibration.camera_model import load_calibration

    calibration_file = os.environ.get("IVFP_BT_CALIBRATION")
    calibration = load_calibration(calibration_file) if calibration_file else None
    wrist = os.environ.get("IVFP_BT_WRIST_CAMERA")
    wrist_source = int(wrist) if wrist and wrist.isdigit() else wrist
    stretch_robot = import_stretch_body()
    body = stretch_robot.Robot()
    if not body.startup():
        body.stop()
        raise NoStretchFound("stretch_body could not open the robot's devices (is it powered on, are "
                             "/dev/hello-* present, and is no other process using them?)")
    from ivfp_bt.robot.stretch.stretch_robot import StretchRobot
    return StretchRobot.from_body(body, calibration=calibration, wrist_source=wrist_source)
