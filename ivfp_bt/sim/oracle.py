"""Ground-truth outcome of a pick, read from the physics after extraction.

An item has left the bin when its centre is no longer inside the bin's interior (pulled out
past the front lip, or fallen to the floor). It is held when it touches a fingertip pad, and
carried when it is held and touches nothing fixed (the bin, the shelf, the floor): an item
dragged over the lip and tipped onto the floor is held but not carried.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ivfp_bt.sim.world import SimWorld

PAD_PREFIX = "pad_"


class Outcome(Enum):
    SUCCESS = "success"                  # only the target left the bin, and the gripper carries it
    FAIL_MULTIPICK = "fail_multipick"    # the target and at least one other item left the bin
    FAIL_NOT_PICKED = "fail_not_picked"  # the target is still in the bin, or was dropped on the way
    FAIL_WRONG_ITEM = "fail_wrong_item"  # other items left the bin, the target did not


@dataclass(frozen=True)
class Judgement:
    outcome: Outcome
    removed: tuple[int, ...]   # items that left the bin
    held: tuple[int, ...]      # items touching a fingertip pad
    kind: str = ""             # how it failed, where that was watched (ivfp_bt.sim.failure_kind)

    @property
    def needs_person(self) -> bool:
        """Something left the bin that is not a cleanly picked target: someone must tidy up."""
        return bool(self.removed) and self.outcome is not Outcome.SUCCESS


def inside_bin(world: "SimWorld", index: int) -> bool:
    c = world.scene.config
    x, y, z = world.data.xpos[world.item_bodies[index]]
    in_x = abs(x - c.bin_center_x) <= c.bin_width / 2 + 0.01
    in_y = c.bin_front_y - c.bin_depth - 0.01 <= y <= c.bin_front_y
    return bool(in_x and in_y and z >= c.bin_floor_z - 0.02)


def held_items(world: "SimWorld") -> set[int]:
    model, data = world.model, world.data
    pads = {g for g in range(model.ngeom) if (model.geom(g).name or "").startswith(PAD_PREFIX)}
    body_to_item = {b: i for i, b in enumerate(world.item_bodies)}
    held = set()
    for contact in data.contact[:data.ncon]:
        g1, g2 = int(contact.geom1), int(contact.geom2)
        for pad, other in ((g1, g2), (g2, g1)):
            if pad in pads and model.geom_bodyid[other] in body_to_item:
                held.add(body_to_item[model.geom_bodyid[other]])
    return held


def resting(world: "SimWorld", index: int) -> bool:
    """Whether an item touches anything fixed: a geom of the world body (bin, shelf, floor)."""
    model, data, body = world.model, world.data, world.item_bodies[index]
    for contact in data.contact[:data.ncon]:
        b1, b2 = model.geom_bodyid[contact.geom1], model.geom_bodyid[contact.geom2]
        if (b1 == body and b2 == 0) or (b2 == body and b1 == 0):
            return True
    return False


def judge(world: "SimWorld", in_bin_before: set[int] | None = None) -> Judgement:
    """The outcome of the pick as the scene stands now (call it after extraction). Only items
    that were in the bin before the pick (``in_bin_before``; default all) count as removed."""
    before = range(len(world.item_bodies)) if in_bin_before is None else in_bin_before
    removed = {i for i in before if not inside_bin(world, i)}
    held = held_items(world)
    target = world.scene.target
    others = removed - {target}
    if target in removed and others:
        outcome = Outcome.FAIL_MULTIPICK
    elif target in removed:
        outcome = Outcome.SUCCESS if target in held and not resting(world, target) else Outcome.FAIL_NOT_PICKED
    elif others:
        outcome = Outcome.FAIL_WRONG_ITEM
    else:
        outcome = Outcome.FAIL_NOT_PICKED
    return Judgement(outcome, tuple(sorted(removed)), tuple(sorted(held)))

