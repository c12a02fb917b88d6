"""Which items an order may go to: the corridor in front of them, and how deep they stand."""

from ivfp_bt.sim.reach_rule import in_reach
from ivfp_bt.sim.scene import generate_scene
from ivfp_bt.sim.scene_config import scene_config, with_settings

V3 = scene_config("bin-v3")
LIP = V3.bin_front_y


def test_an_item_with_a_front_ahead_of_it_in_its_corridor_is_not_ordered():
    # 0 stands 5 cm deeper than 1, which is beside it within the 4 cm corridor; 2 stands clear
    fronts = {0: LIP - 0.05, 1: LIP, 2: LIP - 0.05}
    xs = {0: 0.0, 1: 0.05, 2: 0.20}
    halves = {0: 0.01, 1: 0.01, 2: 0.01}
    assert in_reach([0, 1, 2], fronts, xs, halves, V3) == [1, 2]
    # a neighbour level with it (within 2 cm) does not stand in its way
    assert in_reach([0], {**fronts, 1: LIP - 0.04}, xs, halves, V3) == [0]


def test_items_deeper_than_the_order_depth_are_left_for_a_person():
    fronts = {0: LIP - 0.10, 1: LIP - 0.20}
    xs, halves = {0: -0.1, 1: 0.1}, {0: 0.02, 1: 0.02}
    assert in_reach([0, 1], fronts, xs, halves, with_settings(V3, {"order_depth": 0.0})) == [0, 1]   # no limit
    assert in_reach([0, 1], fronts, xs, halves, with_settings(V3, {"order_depth": 0.15})) == [0]


def test_the_first_order_of_a_stowed_bin_goes_to_an_item_in_reach():
    config = with_settings(V3, {"stow_to_back": True, "order_depth": 0.15})
    for seed in range(100):   # without the rule, 8 of these first orders stand deeper than 15 cm
        scene = generate_scene(seed, config)
        item = scene.target_item
        front = item.pos[1] + item.item_type.extents[1] / 2
        assert LIP - front <= 0.15
        assert scene.target in in_reach([scene.target], *_layout(scene.items), config)


def _layout(items):
    return ({i: it.pos[1] + it.item_type.extents[1] / 2 for i, it in enumerate(items)},
            {i: it.pos[0] for i, it in enumerate(items)}, {i: it.item_type.extents[0] / 2 for i, it in enumerate(items)})
