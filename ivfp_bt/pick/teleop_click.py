"""A person's click on the head image, checked before the robot moves: it must land on the
target (within a few pixels: a click on the item's edge means the item), with a depth reading,
at a width the gripper can open, and the grasp it makes must lie inside the workspace."""

from __future__ import annotations

import numpy as np

from ivfp_bt.errors import UserError
from ivfp_bt.pick.candidates import (
    MAX_WIDTH,
    MIN_WIDTH,
    GraspCandidate,
    NoTarget,
    candidate_at,
    target_pixels,
    target_top,
)
from ivfp_bt.pick.motion_plan import grasp_tool_point
from ivfp_bt.robot.interface import RGBDFrame
from ivfp_bt.robot.limits import Workspace

SNAP_PX = 6      # a click this close to the target counts as on it


class ClickRefused(UserError):
    """The click cannot become a grasp; the message says why, and nothing moved."""


def grasp_from_click(frame: RGBDFrame, u: float, v: float, width: float, workspace: Workspace) -> GraspCandidate:
    """The demonstrated grasp at pixel (u, v) with pre-grasp ``width`` metres, or ``ClickRefused``."""
    height, cols = frame.depth.shape
    if not (0 <= u < cols and 0 <= v < height):
        raise ClickRefused(f"the click ({u:.0f}, {v:.0f}) is outside the {cols}x{height} image")
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise ClickRefused(f"width {100 * width:.1f} cm is outside {100 * MIN_WIDTH:.0f}-{100 * MAX_WIDTH:.0f} cm")
    try:
        rows, columns = target_pixels(frame)
        nearest = int(np.argmin((rows - v) ** 2 + (columns - u) ** 2))
        if np.hypot(rows[nearest] - v, columns[nearest] - u) > SNAP_PX:
            raise ClickRefused(f"the click ({u:.0f}, {v:.0f}) is not on the target item")
        grasp = candidate_at(frame, int(columns[nearest]), int(rows[nearest]), 1.0, width=float(width))
        tool = grasp_tool_point(np.array(grasp.point), top=target_top(frame))
    except NoTarget as error:
        raise ClickRefused(str(error)) from None
    if not workspace.contains(tool):
        raise ClickRefused(f"the grasp at ({tool[0]:.3f}, {tool[1]:.3f}, {tool[2]:.3f}) m is outside the workspace")
    return grasp
