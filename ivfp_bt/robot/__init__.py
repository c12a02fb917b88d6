"""Robot backends, opened by name; hardware packages are imported only when asked for."""

from __future__ import annotations

import importlib

from ivfp_bt.errors import UserError
from ivfp_bt.robot.interface import Robot

# name -> "module:factory"; each factory takes (seed, **options) and returns a Robot.
BACKENDS: dict[str, str] = {"sim": "ivfp_bt.sim:open_sim_robot",
                             "stretch": "ivfp_bt.robot.stretch:open_stretch_robot"}
KNOWN = ("sim", "stretch")


def open_robot(kind: str, seed: int | None = None, **options) -> Robot:
    """Open the robot backend ``kind``; a clear ``UserError`` if it cannot be had here.
    ``options`` are the backend's own (the stretch backend's ``target_source``, ``calibrating``)."""
    if kind not in BACKENDS:
        if kind in KNOWN:
            raise UserError(f"this tree needs a robot, and the {kind!r} robot backend is not part of this "
                            "version of ivfp-bt yet")
        raise UserError(f"unknown robot {kind!r} (choose from {', '.join(KNOWN)})")
    module_name, factory = BACKENDS[kind].split(":")
    return getattr(importlib.import_module(module_name), factory)(seed, **options)


__all__ = ["BACKENDS", "Robot", "open_robot"]
