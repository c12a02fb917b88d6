"""NextCandidate: take the best remaining candidate; FAILURE when they have run out."""

from __future__ import annotations

import py_trees
from py_trees.ports import NoDataAvailable, PortInformation

from ivfp_bt.behaviours.leaf import Leaf

Status = py_trees.common.Status


class NextCandidate(Leaf):
    """Move the first of `candidates` to `grasp`, appending it to `tried` where wired; FAILURE when none are left."""

    INPUT_PORTS = {"candidates": PortInformation(list, required=True, description="best first")}
    OUTPUT_PORTS = {"grasp": PortInformation(object, required=True, description="the chosen GraspCandidate"),
                    "remaining": PortInformation(list, required=True, description="the candidates left"),
                    "tried": PortInformation(list, required=False,
                                             description="the grasps taken so far, this one last (reset it with "
                                             "SetBlackboard when a new item begins)")}

    def update(self) -> Status:
        try:
            candidates = list(self.get_input("candidates"))
        except NoDataAvailable:
            candidates = []
        if not candidates:
            self.feedback_message = "no candidates left"
            return Status.FAILURE
        self._set_output("grasp", candidates[0])
        self._set_output("remaining", candidates[1:])
        if "tried" in self.port_keys:
            try:
                tried = list(self.get_last_output("tried"))
            except NoDataAvailable:
                tried = []
            self._set_output("tried", [*tried, candidates[0]])
        self.feedback_message = f"({candidates[0].u}, {candidates[0].v}), {len(candidates) - 1} left"
        return Status.SUCCESS
