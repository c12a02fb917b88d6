"""Log: write a message to the run's log; SUCCESS."""

from __future__ import annotations

import logging

import py_trees

from ivfp_bt.behaviours.leaf import Leaf
from ivfp_bt.params import Param

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}
log = logging.getLogger("ivfp_bt.tree")


class Log(Leaf):
    """Log `message` at `level` and succeed."""

    PARAMS = {
        "message": Param(str, doc="the text to log"),
        "level": Param(str, "info", "log level", choices=tuple(_LEVELS)),
    }

    def update(self) -> py_trees.common.Status:
        log.log(_LEVELS[self.level], "%s: %s", self.name, self.message)
        return py_trees.common.Status.SUCCESS
