"""stretch_body.robot.Robot, played by the MuJoCo work-cell.

Like the real one, constructing it reconfigures logging with ``disable_existing_loggers``
(stretch_body.device does so on import) and ``startup()`` installs a SIGINT/SIGTERM handler
that raises ``ThreadServiceExit`` wherever the main thread happens to be.
"""

from __future__ import annotations

import logging.config
import signal

from ivfp_bt.sim.stretch_double import params as P
from ivfp_bt.sim.stretch_double.devices import Base, EndOfArm, Head, Pimu, PrismaticJoint
from ivfp_bt.sim.stretch_double.firmware import Firmware

LOGGING = {"version": 1, "disable_existing_loggers": True,
           "root": {"level": "DEBUG", "handlers": ["console_handler"], "propagate": False},
           "handlers": {"console_handler": {"class": "logging.StreamHandler", "level": "INFO",
                                            "formatter": "default_console_formatter"}},
           "formatters": {"default_console_formatter": {"format": "[%(levelname)s] [%(name)s]: %(message)s"}}}


class ThreadServiceExit(Exception):
    """stretch_body.hello_utils.ThreadServiceExit."""


def thread_service_shutdown(signum, frame):
    print("Caught signal %d" % signum)
    raise ThreadServiceExit


class Robot:
    def __init__(self, firmware: Firmware):
        logging.config.dictConfig(LOGGING)
        self.firmware = firmware
        layout = firmware.sim.layout
        self.params = {"tool": "tool_stretch_gripper", "serial_no": "stretch-re1-sim", "model_name": "RE1V0",
                       "stow": {"arm": 0.0, "lift": 0.2, "stretch_gripper": 0.0, "wrist_yaw": 3.4}}
        self.pimu, self.base = Pimu(firmware), Base(firmware)
        self.lift = PrismaticJoint("lift", P.LIFT, firmware)
        self.arm = PrismaticJoint("arm", P.ARM, firmware)
        self.end_of_arm = EndOfArm(firmware)
        self.head = Head(firmware, layout.head_pan, layout.head_tilt)
        self.status = {"pimu": self.pimu.status, "base": self.base.status, "lift": self.lift.status,
                       "arm": self.arm.status, "head": self.head.status, "end_of_arm": self.end_of_arm.status}
        firmware.refresh_all()

    def startup(self, start_non_dxl_thread=True, start_dxl_thread=True, start_sys_mon_thread=True):
        signal.signal(signal.SIGTERM, thread_service_shutdown)
        signal.signal(signal.SIGINT, thread_service_shutdown)
        return True

    def stop(self):
        for stop in self.firmware.on_stop:
            stop()

    def is_homed(self):
        return True

    def push_command(self):
        for device in (self.base, self.arm, self.lift, self.pimu):
            device.push_command()

    def get_status(self):
        return self.status.copy()
