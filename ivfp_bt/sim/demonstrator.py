"""A scripted demonstrator for stage 1: it sees the target's true pose, as a person at the
teleop page sees the bin, and clicks near the middle of its front face, with a person's
scatter. Its grasps succeed often, not always."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ivfp_bt.pick.candidates import MAX_WIDTH, WIDTH_MARGIN, GraspCandidate, candidate_at, target_pixels
from ivfp_bt.robot.interface import RGBDFrame

if TYPE_CHECKING:
    from ivfp_bt.sim.work_cell import SimWorkCell

CLICK_SCATTER_M = 0.008     # a person's click lands this far (1 sigma) from where they meant
WIDTH_SCATTER_M = 0.005


class SimDemonstrator:
    def __init__(self, work_cell: "SimWorkCell", rng: np.random.Generator):
        self.work_cell, self.rng = work_cell, rng

    def demonstrate(self, frame: RGBDFrame) -> GraspCandidate:
        robot = self.work_cell.robot
        target = robot.scene.target_item
        width, depth, height = target.item_type.extents
        x, y, _ = robot.data.xpos[robot.item_bodies[robot.scene.target]]
        bottom = robot.scene.config.bin_floor_z
        meant = np.array([x, y + depth / 2, bottom + max(0.6 * height, height - 0.03)])
        aimed = meant + self.rng.normal(0.0, CLICK_SCATTER_M, 3) * np.array([1.0, 0.0, 1.0])
        u, v = _project(frame, aimed)
        rows, cols = target_pixels(frame)
        nearest = int(np.argmin((rows - v) ** 2 + (cols - u) ** 2))
        chosen_width = float(np.clip(width + WIDTH_MARGIN + self.rng.normal(0.0, WIDTH_SCATTER_M), 0.02, MAX_WIDTH))
        return candidate_at(frame, int(cols[nearest]), int(rows[nearest]), 1.0, width=chosen_width)


def _project(frame: RGBDFrame, point: np.ndarray) -> tuple[float, float]:
    in_camera = np.linalg.inv(frame.camera_pose) @ np.append(point, 1.0)
    k = frame.intrinsics
    return k.fx * in_camera[0] / in_camera[2] + k.cx, k.fy * in_camera[1] / in_camera[2] + k.cy
