"""Observe: the head camera's RGB-D frame and the target mask, onto the blackboard."""

from __future__ import annotations

import py_trees
from py_trees.ports import PortInformation

from ivfp_bt.behaviours.leaf import Leaf
from ivfp_bt.robot.interface import RGBDFrame

Status = py_trees.common.Status


class Observe(Leaf):
    """Grab a head RGB-D frame with the target mask into `observation`; SUCCESS."""

    OUTPUT_PORTS = {"observation": PortInformation(RGBDFrame, required=True, description="the RGB-D frame")}
    REQUIRES = ("robot",)
    STARTS_LOOK = True   # the sidecar logs later grasps with this frame, not an earlier one

    def initialise(self) -> None:
        self.record = {}

    def update(self) -> Status:
        frame = self.robot.head_frame()
        self._set_output("observation", frame)
        self.record = {"observation": frame}
        pixels = 0 if frame.target_mask is None else int(frame.target_mask.sum())
        self.feedback_message = f"{frame.color.shape[1]}x{frame.color.shape[0]}, target {pixels} px"
        if not pixels and frame.target_note:
            self.feedback_message += f" ({frame.target_note})"
        return Status.SUCCESS
