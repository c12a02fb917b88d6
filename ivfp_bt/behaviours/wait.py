"""Wait: succeed after a duration, without blocking the tick."""

from __future__ import annotations

import py_trees

from ivfp_bt.behaviours.leaf import Leaf
from ivfp_bt.params import Param


class Wait(Leaf):
    """RUNNING until `duration` seconds have passed on the run's clock, then SUCCESS."""

    PARAMS = {"duration": Param(float, 1.0, "seconds to wait", min=0.0)}

    def initialise(self) -> None:
        self._started = self.clock()

    def update(self) -> py_trees.common.Status:
        left = self.duration - (self.clock() - self._started)
        if left <= 0:
            self.feedback_message = f"waited {self.duration:g} s"
            return py_trees.common.Status.SUCCESS
        self.feedback_message = f"{left:.2f} s left"
        return py_trees.common.Status.RUNNING
