"""The tote: what the robot dropped in front of the bin is taken away before the next order.

The drop opens the gripper in front of the bin, where the item falls to the floor. Left
there, a tall item can lean against the shelf across the arm's way in, and every later reach
stalls on it: a work-cell whose tote is emptied does not have that. Items that left the bin
are set down on the floor far behind the robot, out of the cameras' view and the arm's reach.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ivfp_bt.sim.oracle import inside_bin

if TYPE_CHECKING:
    from ivfp_bt.sim.world import SimWorld

AWAY_Y = 2.5          # m behind the robot (the bin is in front, at negative y)
SPACING_X = 0.5       # m between the items set down there


def take_away_dropped(world: "SimWorld") -> list[int]:
    """Set every item that is out of the bin, and not yet taken away, down on the floor behind
    the robot; the items taken away."""
    model, data = world.model, world.data
    taken = []
    for i in range(len(world.scene.items)):
        if inside_bin(world, i) or data.xpos[world.item_bodies[i]][1] >= AWAY_Y - 0.5:
            continue
        joint = model.body_jntadr[world.item_bodies[i]]
        qpos, qvel = model.jnt_qposadr[joint], model.jnt_dofadr[joint]
        height = world.scene.items[i].item_type.extents[2]
        data.qpos[qpos:qpos + 3] = [SPACING_X * i - 5.0, AWAY_Y, height + 0.01]
        data.qpos[qpos + 3:qpos + 7] = [1.0, 0.0, 0.0, 0.0]
        data.qvel[qvel:qvel + 6] = 0.0
        taken.append(i)
    return taken
