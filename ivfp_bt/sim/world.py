"""What the simulation's observers read: the physics and the scene, not the robot that moves in it.

The oracle, the failure watch, the wrist stream and the target's visibility check take a
``SimWorld``; ``SimRobot`` is one. Depending on this protocol instead of on ``sim_robot``
keeps the package's imports one way: cell model → world's observers → robot → work-cell.
"""

from __future__ import annotations

from typing import Protocol

import mujoco

from ivfp_bt.sim.cameras import SimCameras
from ivfp_bt.sim.scene import Scene


class SimWorld(Protocol):
    model: mujoco.MjModel
    data: mujoco.MjData
    scene: Scene
    item_bodies: list[int]        # body id of each of the scene's items, in order
    cameras: SimCameras

    def now(self) -> float:
        """Simulated seconds since the scene settled."""
        ...
