"""Each failure the oracle reports, reproduced by a constructed scene: the physics decides.

Every failing scene has a control that differs in the one cause under test (a gap, the
mass, the friction, the grasp's place, the wall) and succeeds.
"""

from __future__ import annotations

import pytest

from ivfp_bt.sim import open_scene
from ivfp_bt.sim.items import BY_NAME
from ivfp_bt.sim.oracle import Outcome
from ivfp_bt.sim.scene import PlacedItem, Scene
from ivfp_bt.sim.scene_config import DEFAULT_SCENE, scene_config
from ivfp_bt.sim.scripted_pick import front_grasp, scripted_pick

CONFIG = scene_config(DEFAULT_SCENE)
SIDE_WALL_X = CONFIG.bin_center_x - CONFIG.bin_width / 2


def item(name: str, x: float, friction: float | None = None, mass: float | None = None) -> PlacedItem:
    """``name`` standing in the front row with its centre at ``x``."""
    t = BY_NAME[name]
    _, depth, _ = t.extents
    return PlacedItem(name, (x, CONFIG.bin_front_y - 0.005 - depth / 2, CONFIG.bin_floor_z + t.bottom + 0.001), 0.0,
                      t.friction if friction is None else friction, t.mass if mass is None else mass, 0)


def pick(items: list[PlacedItem], target: int = 0, x: float | None = None, width: float | None = None) -> Outcome:
    robot = open_scene(Scene(CONFIG, 0, "seen", tuple(items), target))
    grasp, default_width = front_grasp(robot, x)
    outcome = scripted_pick(robot, grasp, width or default_width, record=False).judgement.outcome
    robot.close()
    return outcome


def test_a_lone_box_is_picked():
    assert pick([item("soap_box", -0.02)]) is Outcome.SUCCESS


def test_a_neighbour_pressed_against_the_target_comes_out_with_it():
    # two notebooks with 1 mm between them fit in one pre-grasp width: both are squeezed and pulled
    pressed = [item("spiral_notebook", -0.0265), item("spiral_notebook", -0.0135)]
    assert pick(pressed, x=-0.02, width=0.06) is Outcome.FAIL_MULTIPICK
    apart = [item("spiral_notebook", -0.0265), item("spiral_notebook", 0.05)]
    assert pick(apart, width=0.06) is Outcome.SUCCESS


@pytest.mark.parametrize("name, friction, mass, expected", [
    ("dumbbell_1kg", 0.5, 1.0, Outcome.SUCCESS),
    ("dumbbell_1kg", 0.5, 2.0, Outcome.FAIL_NOT_PICKED),        # heavy: slips out of the grip
    ("shampoo_bottle", 0.6, 0.85, Outcome.SUCCESS),
    ("shampoo_bottle", 0.1, 0.85, Outcome.FAIL_NOT_PICKED),     # slippery: same mass, slips
])
def test_heavy_or_slippery_items_slip(name, friction, mass, expected):
    assert pick([item(name, -0.02, friction, mass)], width=0.09) is expected


def test_a_grasp_on_the_neighbour_takes_the_wrong_item():
    items = [item("soap_box", -0.05), item("tea_box", 0.01)]
    assert pick(items, x=0.01, width=0.09) is Outcome.FAIL_WRONG_ITEM
    assert pick(items, x=-0.05, width=0.09) is Outcome.SUCCESS


def test_a_finger_blocked_by_the_bin_wall_misses():
    width = BY_NAME["tea_box"].extents[0]
    assert pick([item("tea_box", SIDE_WALL_X + width / 2 + 0.001)], width=0.10) is Outcome.FAIL_NOT_PICKED
    assert pick([item("tea_box", -0.02)], width=0.10) is Outcome.SUCCESS
