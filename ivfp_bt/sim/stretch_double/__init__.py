"""A double of stretch_body (and of the head D435i through pyrealsense2) backed by the MuJoCo
work-cell, so that the real backend's own code (``ivfp_bt.robot.stretch``) runs the pick trees
without a robot. Chosen with IVFP_BT_STRETCH_BODY=sim (``ivfp-bt run TREE --robot stretch``).

What it is not: the wrist camera is the simulation's own stream (an OpenCV capture of a V4L2
device cannot be faked without a kernel module), and the calibration is the simulation's true
head pose rather than one measured by ``ivfp-bt calibrate``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class StretchDouble:
    body: Any                   # the stretch_body Robot double
    camera: Any                 # SimD435i: its software device streams the head camera
    sim: Any                    # the SimRobot underneath
    calibration: Any            # the head camera's true pose, intrinsics and workspace
    target_source: Any          # the simulation's segmentation of the ordered item

    def clock(self) -> float:
        return self.body.firmware.now()

    def sleep(self, seconds: float) -> None:
        self.body.firmware.sleep(seconds)


def open_double(seed: int | None = None, scene_version: str | None = None, objects: str = "seen") -> StretchDouble:
    from ivfp_bt.sim import open_sim_robot
    from ivfp_bt.sim.stretch_double.body import Robot
    from ivfp_bt.sim.stretch_double.firmware import Firmware
    from ivfp_bt.sim.stretch_double.realsense_feed import SimD435i
    from ivfp_bt.sim.stretch_double.truth import SimTargetSource, true_calibration

    sim = open_sim_robot(seed, scene_version, objects)
    firmware = Firmware(sim)
    camera = SimD435i(firmware)
    camera.start()
    firmware.on_stop += [camera.kill, sim.close]
    firmware.camera = camera      # for tests that pull its cable
    return StretchDouble(Robot(firmware), camera, sim, true_calibration(sim), SimTargetSource(sim, camera))
