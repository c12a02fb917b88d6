"""Succeed and Fail: instant leaves with a fixed outcome, for sketching and testing trees."""

from __future__ import annotations

import py_trees

from ivfp_bt.behaviours.leaf import Leaf


class Succeed(Leaf):
    """Always SUCCESS, at once."""

    def update(self) -> py_trees.common.Status:
        return py_trees.common.Status.SUCCESS


class Fail(Leaf):
    """Always FAILURE, at once."""

    def update(self) -> py_trees.common.Status:
        return py_trees.common.Status.FAILURE
