"""What an order draws: an item in the bin, or a product and then one of its units."""

from __future__ import annotations

import dataclasses
from collections import Counter

import numpy as np
import pytest

from ivfp_bt.sim.orders import choose_order
from ivfp_bt.sim.scene import generate_scene
from ivfp_bt.sim.scene_config import scene_config

NAMES = ["adjustable_wrench"] * 5 + ["tea_box"]


def _tea_share(order_by: str) -> float:
    rng = np.random.default_rng(7)
    drawn = Counter(NAMES[choose_order(rng, range(6), NAMES, order_by)] for _ in range(2000))
    return drawn["tea_box"] / 2000


def test_a_product_is_ordered_as_often_as_any_other_however_many_units_it_has():
    assert _tea_share("product") == pytest.approx(0.5, abs=0.04)
    assert _tea_share("item") == pytest.approx(1 / 6, abs=0.03)


def test_an_order_for_a_product_goes_to_one_of_its_units_that_can_be_ordered():
    rng = np.random.default_rng(0)
    picked = {choose_order(rng, [1, 3, 5], NAMES, "product") for _ in range(100)}
    assert picked == {1, 3, 5}                  # 5 (the tea box) and the two wrenches offered


def test_an_unknown_way_of_ordering_is_named():
    with pytest.raises(ValueError, match="order_by is one of item, product, not 'sku'"):
        choose_order(np.random.default_rng(0), [0], NAMES, "sku")


def test_ordering_by_product_orders_the_narrow_goods_that_fill_the_rows_less_often():
    # rows fronted to the lip: every front-row item can be ordered first, so the choice is the rule's alone
    item = dataclasses.replace(scene_config("bin-v3"), order_by="item", stow_to_back=False, order_depth=0.0)
    product = dataclasses.replace(item, order_by="product")

    def narrow_first_orders(config) -> int:   # 3 cm across or less: several fit where one box does
        return sum(generate_scene(seed, config).target_item.item_type.extents[0] <= 0.03 for seed in range(400))
    assert narrow_first_orders(item) - narrow_first_orders(product) >= 10     # 124 and 106 of 400


def test_a_drafts_settings_change_the_scene_it_opens_and_unfreeze_it():
    from ivfp_bt.sim import open_sim_robot
    from ivfp_bt.sim.scene_config import with_settings

    draft = with_settings(scene_config("bin-v2"), {"order_by": "product"})
    assert (draft.version, draft.frozen, draft.order_by) == ("bin-v2", False, "product")
    assert with_settings(scene_config("bin-v2"), {}) is scene_config("bin-v2")
    robot = open_sim_robot(5003, "bin-v3", settings={"order_by": "product"})
    try:
        assert robot.scene.target == generate_scene(5003, with_settings(scene_config("bin-v3"),
                                                                        {"order_by": "product"})).target
        assert robot.scene.config.order_by == "product"
    finally:
        robot.close()


def test_a_field_the_configuration_lacks_or_a_way_of_ordering_it_lacks_is_one_line():
    from ivfp_bt.errors import UserError
    from ivfp_bt.sim.scene_config import with_settings

    with pytest.raises(UserError, match="no field pad_torque "):
        with_settings(scene_config("bin-v3"), {"pad_torque": 0.01})
    with pytest.raises(UserError, match="order_by is one of item, product, not 'sku'"):
        with_settings(scene_config("bin-v3"), {"order_by": "sku"})
    with pytest.raises(UserError, match=r"pad_torsion is a float \(now 0.03\), not 'stiff'"):
        with_settings(scene_config("bin-v3"), {"pad_torsion": "stiff"})
