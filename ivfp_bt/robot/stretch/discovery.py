"""Finding the Stretch: every way stretch_body fails without a robot becomes one clear line, and
what stretch_body does to the process on the way (logging, signal handlers) is undone.

Settings come from the environment, as stretch_body's own do: IVFP_BT_CALIBRATION (the head
camera's calibration, from ``ivfp-bt calibrate``), IVFP_BT_WRIST_CAMERA (a /dev/video* path or
an index), IVFP_BT_WRIST_LENS (its fisheye calibration, see wrist_lens), IVFP_BT_TARGET (how
the target is marked: a mask PNG, a directory of them, or module:function; ``run --target``
overrides it and adds ``click``), and IVFP_BT_STRETCH_BODY=sim for the stretch_body double
backed by the MuJoCo work-cell instead of a robot.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import signal
from pathlib import Path
from typing import Any, Iterator

from ivfp_bt.errors import UserError


class NoStretchFound(UserError):
    def __init__(self, why: str):
        super().__init__(f"no Stretch found: {why}")


@contextlib.contextmanager
def process_kept() -> Iterator[None]:
    """stretch_body reconfigures logging with disable_existing_loggers (every logger made before
    is silenced, and the root logger gets its handlers) and its startup() routes SIGINT/SIGTERM to a handler that raises
    ThreadServiceExit mid-tick; put both back as they were."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    root = logging.getLogger()
    root_handlers, root_level = list(root.handlers), root.level
    try:
        yield
    finally:
        for sig, handler in handlers.items():
            if handler is not None:
                signal.signal(sig, handler)
        root.handlers[:] = root_handlers
        root.setLevel(root_level)
        for name, logger in list(logging.root.manager.loggerDict.items()):
            if name.split(".")[0] == "ivfp_bt" and isinstance(logger, logging.Logger):
                logger.disabled = False


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


def _start_body() -> Any:
    body = import_stretch_body().Robot()
    if not body.startup():
        body.stop()
        raise NoStretchFound("stretch_body could not open the robot's devices (is it powered on, are "
                             "/dev/hello-* present, and is no other process using them?)")
    return body


def open_stretch_robot(seed: int | None = None, calibrating: bool = False, target_source=None):
    """Start stretch_body's Robot (or its double), wrap it, and bring it to the start pose;
    NoStretchFound when there is no robot to start. ``calibrating``: no head calibration yet;
    ``target_source``: how the target is marked, instead of IVFP_BT_TARGET's."""
    from ivfp_bt.calibration.camera_model import load_calibration
    from ivfp_bt.robot.stretch.stretch_robot import StretchRobot
    from ivfp_bt.robot.stretch.wrist_lens import WristLens
    from ivfp_bt.robot.target_source import target_source as source_of

    calibration_file = os.environ.get("IVFP_BT_CALIBRATION")
    wrist, lens = os.environ.get("IVFP_BT_WRIST_CAMERA"), os.environ.get("IVFP_BT_WRIST_LENS")
    options: dict[str, Any] = {
        "calibration": load_calibration(calibration_file) if calibration_file else None,
        "wrist_source": int(wrist) if wrist and wrist.isdigit() else wrist,
        "wrist_lens": WristLens.load(lens) if lens else None,
        "target_source": target_source or source_of(os.environ.get("IVFP_BT_TARGET")), "calibrating": calibrating}
    double = None
    with process_kept():
        if os.environ.get("IVFP_BT_STRETCH_BODY") == "sim":
            double = _open_double(seed, options)
            body = double.body
            body.startup()
        else:
            body = _start_body()
    try:
        robot = StretchRobot.from_body(body, **options)
        if double is not None:
            robot.work_cell = double.sim.work_cell
        robot.go_to_start_pose()
    except BaseException:
        body.stop()
        raise
    return robot


def _open_double(seed: int | None, options: dict[str, Any]):
    """The stretch_body double: its software D435i, the simulation's wrist camera, and what a
    robot is told (calibration, target) unless the environment says otherwise."""
    from ivfp_bt.robot.stretch.head_camera import HeadCamera
    from ivfp_bt.sim.stretch_double import open_double

    double = open_double(seed)
    options.update(clock=double.clock, sleep=double.sleep, head_camera=HeadCamera(device=double.camera.device),
                   wrist_camera=double.sim.wrist_camera)
    if options["calibration"] is None and not options["calibrating"]:
        options["calibration"] = double.calibration
    if options["target_source"] is None:
        options["target_source"] = double.target_source
    return double
