"""What the double knows that a robot would be told: the head camera's true calibration, and
which pixels show the ordered item (a warehouse system or a person would point at it)."""

from __future__ import annotations

import numpy as np

from ivfp_bt.calibration.camera_model import CameraCalibration
from ivfp_bt.robot.interface import RGBDFrame
from ivfp_bt.sim.sim_robot import SIM_WORKSPACE, SimRobot
from ivfp_bt.sim.target_view import unseen_target_reason


def true_calibration(sim: SimRobot) -> CameraCalibration:
    head = {"pan": float(sim.layout.head_pan), "tilt": float(sim.layout.head_tilt)}
    return CameraCalibration("simulated D435i (true pose)", sim.cameras.head_intrinsics, sim.head_pose(),
                             SIM_WORKSPACE, head)


class SimTargetSource:
    """The ordered item's pixels in the render the head camera last streamed."""

    def __init__(self, sim: SimRobot, camera):
        self.sim, self.camera = sim, camera

    def mask(self, frame: RGBDFrame) -> tuple[np.ndarray | None, str]:
        bodies = self.camera.target_bodies
        if bodies is None or bodies.shape != frame.depth.shape:
            return None, "the simulated camera has not streamed a frame yet"
        mask = bodies == self.sim.item_bodies[self.sim.scene.target]
        note = "" if mask.any() else unseen_target_reason(self.sim, bodies, self.sim._camera_pose("head"))
        return mask, note
