"""What went wrong in a failed grasp, in the words a person watching it would use.

- ``stall``: the grasp never closed on the item (a finger met a neighbour, the lip or a part
  wider than the opening, and the reach stopped);
- ``missed``: the fingers closed, but not on the target;
- ``twist``: the target turned in the fingers (about the pads' axis) and was not carried out;
- ``tip``: the target fell over in the bin;
- ``slip``: it was held, then slid out of the fingers;
- ``multipick`` and ``wrong_item``: a neighbour came out too, or instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ivfp_bt.sim.oracle import Judgement, Outcome, held_items

if TYPE_CHECKING:
    from ivfp_bt.sim.world import SimWorld

KINDS = ("stall", "missed", "twist", "tip", "slip", "multipick", "wrong_item")
TWIST_DEG = 25.0        # turned this far in the grasp
LYING_DEG = 45.0        # an item leaning further than this from standing lies on its side
SAMPLE_PERIOD = 0.1     # seconds between samples of a trace (contacts are costly to read)


@dataclass
class GraspTrace:
    """The target's hold and its turn relative to the gripper, from the moment the grasp closed."""
    world: "SimWorld"
    gripper_body: int
    held: list[bool] = field(default_factory=list)
    turn_deg: list[float] = field(default_factory=list)
    _closed: np.ndarray | None = None
    _last: float = -np.inf

    def sample(self, force: bool = False) -> None:
        if not force and self.world.now() - self._last < SAMPLE_PERIOD - 1e-9:
            return
        self._last = self.world.now()
        relative = self._relative()
        if self._closed is None:
            self._closed = relative
        turn = self._closed.T @ relative
        self.turn_deg.append(float(np.degrees(np.arccos(np.clip((np.trace(turn) - 1) / 2, -1.0, 1.0)))))
        self.held.append(self.world.scene.target in held_items(self.world))

    def _relative(self) -> np.ndarray:
        data, target = self.world.data, self.world.item_bodies[self.world.scene.target]
        return data.xmat[self.gripper_body].reshape(3, 3).T @ data.xmat[target].reshape(3, 3)


def tilt_deg(world: "SimWorld", index: int) -> float:
    """How far an item leans from standing as packed (90: lying on its side)."""
    up = world.data.xmat[world.item_bodies[index]].reshape(3, 3)[2, 2]
    return float(np.degrees(np.arccos(np.clip(up, -1.0, 1.0))))


def _round(world: "SimWorld") -> bool:
    """A ball turns as it rolls: how far it leans says nothing."""
    return all(part.shape == "sphere" for part in world.scene.target_item.item_type.parts)


def failure_kind(judgement: Judgement, trace: GraspTrace) -> str:
    """The kind of a judged attempt's failure ("" for a success); ``trace`` sampled from the close on."""
    if judgement.outcome is Outcome.SUCCESS:
        return ""
    if judgement.outcome is Outcome.FAIL_MULTIPICK:
        return "multipick"
    if judgement.outcome is Outcome.FAIL_WRONG_ITEM:
        return "wrong_item"
    if not any(trace.held):
        return "missed"
    leaning = tilt_deg(trace.world, trace.world.scene.target) >= LYING_DEG and not _round(trace.world)
    if max(trace.turn_deg) >= TWIST_DEG and not _round(trace.world) and (trace.held[-1] or not leaning):
        return "twist"
    if leaning:
        return "tip"
    return "slip"
