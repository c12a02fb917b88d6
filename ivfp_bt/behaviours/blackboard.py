"""SetBlackboard and CheckBlackboard: write a constant, or test a value, through ports."""

from __future__ import annotations

import py_trees
from py_trees.ports import NoDataAvailable, PortInformation

from ivfp_bt.behaviours.comparison import OPERATORS, compare
from ivfp_bt.behaviours.leaf import Leaf
from ivfp_bt.params import Param


class SetBlackboard(Leaf):
    """Write `value` to the blackboard key wired to `key`; SUCCESS."""

    PARAMS = {"value": Param(object, doc="the value to write (any YAML value)")}
    OUTPUT_PORTS = {"key": PortInformation(object, required=True, description="where to write")}

    def update(self) -> py_trees.common.Status:
        self._set_output("key", self.value)
        return py_trees.common.Status.SUCCESS


class CheckBlackboard(Leaf):
    """SUCCESS if the value at `key` compares true with `value` under `op`, else FAILURE."""

    PARAMS = {
        "value": Param(object, doc="the value to compare with"),
        "op": Param(str, "==", "comparison", choices=tuple(OPERATORS)),
    }
    INPUT_PORTS = {"key": PortInformation(object, required=True, description="the value to test")}
    BTCPP_KIND = "Condition"

    def update(self) -> py_trees.common.Status:
        try:
            current = self.get_input("key")
        except NoDataAvailable:
            self.feedback_message = "no value yet"
            return py_trees.common.Status.FAILURE
        ok = compare(current, self.op, self.value)
        self.feedback_message = f"{current!r} {self.op} {self.value!r}: {ok}"
        return py_trees.common.Status.SUCCESS if ok else py_trees.common.Status.FAILURE
