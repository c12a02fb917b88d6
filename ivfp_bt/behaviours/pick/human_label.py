"""HumanLabel: a person's verdict on the grasp just probed (an oracle labeller in the simulation)."""

from __future__ import annotations

import py_trees
from py_trees.ports import PortInformation

from ivfp_bt.behaviours.leaf import Leaf
from ivfp_bt.params import Param

Status = py_trees.common.Status


class HumanLabel(Leaf):
    """Ask the labeller for the grasp's outcome into `label`; SUCCESS if it says success, else FAILURE.

    A person at the web page may answer later (the leaf is RUNNING until then) or say
    "ignore": the attempt is then logged without a label, so no training uses it.
    """

    PARAMS = {"accuracy": Param(float, 0.96, "the simulated labeller's accuracy (the paper's IVFP labels: 96%); "
                                "a person on the robot ignores it", min=0.0, max=1.0)}
    OUTPUT_PORTS = {"label": PortInformation(str, required=True, description="success or a fail_* label")}
    REQUIRES = ("labeller",)

    def initialise(self) -> None:
        self.record = {}

    def update(self) -> Status:
        label = self.labeller.label(self.accuracy)
        if label is None:
            self.feedback_message = "waiting for a label"
            return Status.RUNNING
        self.feedback_message = label
        if label == "ignore":
            self.record = {"label": None, "ignored": True}
            return Status.FAILURE
        self._set_output("label", label)
        self.record = {"label": label, "reward": 1.0 if label == "success" else -1.0, "reward_source": "label"}
        return Status.SUCCESS if label == "success" else Status.FAILURE

    def terminate(self, new_status: Status) -> None:
        labeller = getattr(self, "labeller", None)
        if new_status == Status.INVALID and hasattr(labeller, "cancel"):
            labeller.cancel("label")
