"""The person who tends the bin: items that fell on their side are stood up again in their slot.

No horizontal grasp takes an item lying flat, and a warehouse does not leave one to the robot:
whoever restocks the bin stands it up again. Each item stood up counts as an intervention. An
item whose slot another has slid into is left lying (it is not ordered; see ``order_lying``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mujoco
import numpy as np

from ivfp_bt.sim.failure_kind import LYING_DEG, tilt_deg
from ivfp_bt.sim.oracle import inside_bin

if TYPE_CHECKING:
    from ivfp_bt.sim.world import SimWorld

SETTLE_S = 0.3


def stand_up_lying(world: "SimWorld") -> list[int]:
    """Stand every item lying in the bin up in its packed slot, where that slot is free; the
    items stood up, after letting them settle."""
    items, data, model = world.scene.items, world.data, world.model
    inside = [i for i in range(len(items)) if inside_bin(world, i)]
    lying = [i for i in inside if tilt_deg(world, i) > LYING_DEG]
    stood = []
    for i in lying:
        if _slot_taken(world, i, inside):
            continue
        joint = model.body_jntadr[world.item_bodies[i]]
        qpos, qvel = model.jnt_qposadr[joint], model.jnt_dofadr[joint]
        yaw = items[i].yaw
        data.qpos[qpos:qpos + 3] = items[i].pos
        data.qpos[qpos + 3:qpos + 7] = [np.cos(yaw / 2), 0.0, 0.0, np.sin(yaw / 2)]
        data.qvel[qvel:qvel + 6] = 0.0
        stood.append(i)
    if stood:
        for _ in range(int(round(SETTLE_S / model.opt.timestep))):
            mujoco.mj_step(model, data)
    return stood


def _slot_taken(world: "SimWorld", index: int, inside: list[int]) -> bool:
    """Whether another item's centre stands inside ``index``'s packed footprint."""
    item = world.scene.items[index]
    width, depth, _ = item.item_type.extents
    for j in inside:
        if j == index:
            continue
        other = world.scene.items[j].item_type.extents
        x, y, _ = world.data.xpos[world.item_bodies[j]]
        if abs(x - item.pos[0]) < (width + other[0]) / 2 and abs(y - item.pos[1]) < (depth + other[1]) / 2:
            return True
    return False
