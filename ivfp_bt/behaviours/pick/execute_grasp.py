"""ExecuteGrasp: pre-grasp aperture, line up, reach into the bin horizontally, close."""

from __future__ import annotations

import numpy as np
import py_trees
from py_trees.ports import NoDataAvailable, PortInformation

from ivfp_bt.behaviours.pick.plan_leaf import PlanLeaf
from ivfp_bt.params import Param
from ivfp_bt.pick.candidates import NoTarget, target_top
from ivfp_bt.pick.motion_plan import BELOW_TOP, REACH_DEPTH, Plan, grasp_plan, grasp_tool_point

Status = py_trees.common.Status


class ExecuteGrasp(PlanLeaf):
    """Grasp at `grasp` (a candidate from NextCandidate); FAILURE if it is outside the workspace or a motion fails."""

    PARAMS = {
        "depth": Param(float, REACH_DEPTH, "how far past the seen surface the fingers reach, metres", min=0.0, max=0.10),
        "below_top": Param(float, BELOW_TOP, "least distance below the item's top for the fingertips' centre, metres",
                           min=0.0, max=0.10),
    }
    INPUT_PORTS = {"grasp": PortInformation(object, required=True, description="the GraspCandidate to execute"),
                   "observation": PortInformation(object, required=True, description="for the item's top")}
    STARTS_ATTEMPT = True

    def make_plan(self) -> Plan | None:
        try:
            grasp = self.get_input("grasp")
            frame = self.get_input("observation")
            top = target_top(frame)
        except (NoDataAvailable, NoTarget) as error:
            self.feedback_message = f"no grasp to execute ({error})"
            return None
        tool = grasp_tool_point(np.array(grasp.point), self.depth, top, self.below_top)
        self.record = {"grasp": grasp.to_record(), "tool_point": [round(float(v), 4) for v in tool]}
        if not self.robot.workspace.contains(tool):
            self.feedback_message = (f"grasp at ({tool[0]:.3f}, {tool[1]:.3f}, {tool[2]:.3f}) m is outside the "
                                     "workspace: not executed")
            return None
        return grasp_plan(tool, grasp.width)
