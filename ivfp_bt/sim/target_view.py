"""Why the head camera does not see the target, when it does not: the simulation knows.

A pick whose earlier grasps were let go can push the target out of the bin, under a
neighbour or behind the gripper; without a reason, "target 0 px" leaves a person guessing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ivfp_bt.sim.oracle import inside_bin

if TYPE_CHECKING:
    from ivfp_bt.sim.world import SimWorld


def unseen_target_reason(world: "SimWorld", bodies: np.ndarray, camera_pose: np.ndarray) -> str:
    """Why the target shows no pixels in a head image whose segmentation is ``bodies`` (body ids),
    seen from ``camera_pose`` (the optical frame in world coordinates)."""
    scene, model = world.scene, world.model
    index = scene.target
    name = f"item {index} ({scene.target_item.type_name})"
    centre = world.data.xpos[world.item_bodies[index]]
    if not inside_bin(world, index):
        x, y, z = centre
        return f"{name} has left the bin (its centre is at x={x:.2f}, y={y:.2f}, z={z:.2f} m)"
    in_camera = np.linalg.inv(camera_pose) @ np.append(centre, 1.0)
    intr = world.cameras.head_intrinsics
    if in_camera[2] <= 0:
        return f"{name} is behind the head camera"
    u = intr.fx * in_camera[0] / in_camera[2] + intr.cx
    v = intr.fy * in_camera[1] / in_camera[2] + intr.cy
    if not (0 <= u < intr.width and 0 <= v < intr.height):
        return f"{name} is outside the head camera's view"
    cover = int(bodies[int(v), int(u)])
    if cover in world.item_bodies:
        other = world.item_bodies.index(cover)
        return f"{name} is hidden behind item {other} ({scene.items[other].type_name})"
    if cover <= 0:
        return f"{name} is hidden behind the bin or the shelf"
    body = model.body(cover).name or f"body {cover}"
    owner = "the world's " if body.startswith(("link_", "base")) else ""
    return f"{name} is hidden behind {owner}{body}"
