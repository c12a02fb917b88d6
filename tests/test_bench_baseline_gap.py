"""Where the baselines part: a calibration's picks split by first order and re-order, and one
type's Centroid grasp against random pixels from the same state."""

from __future__ import annotations

import pytest

from bench.baseline_gap import order_report, order_split, per_type, type_excess_report, type_report
from ivfp_bt.errors import UserError
from ivfp_bt.sidecar.store import Attempt, RunStore
from ivfp_bt.sim.oracle import Outcome


def _log_bin(run_dir, picks: list[tuple[int, int, str]], types: dict[int, str] | None = None) -> None:
    """Attempts as the executive logs them: (pick number, target index, outcome); ``types`` names
    the targets' types (default: a tea box)."""
    store = RunStore(run_dir)
    try:
        for number, target, outcome in picks:
            pick = {"pick": number, "target": target, "target_type": (types or {}).get(target, "tea_box")}
            store.write(Attempt(0.0, 1.0, {"pick": pick, "outcome": outcome}))
    finally:
        store.close()


def test_an_item_ordered_again_counts_as_a_re_order_and_a_pick_by_its_last_attempt_and_its_place(tmp_path):
    _log_bin(tmp_path / "pick_centroid" / "bin_0", [
        (1, 4, "fail_not_picked"),
        (2, 7, "success"),
        (3, 4, "fail_not_picked"),            # item 4 ordered again: the same grasp fails again
    ])
    _log_bin(tmp_path / "pick_random" / "bin_0", [
        (1, 4, "fail_not_picked"),
        (2, 4, "fail_not_picked"), (2, 4, "success"),    # a pick retried within itself counts once
    ])
    split = order_split([str(tmp_path)])
    assert (split["pick_centroid"]["first"], split["pick_centroid"]["first success"]) == (2, 1)
    assert (split["pick_centroid"]["again"], split["pick_centroid"]["again success"]) == (1, 0)
    assert (split["pick_random"]["first"], split["pick_random"]["again"], split["pick_random"]["again success"]) == \
        (1, 1, 1)
    assert "pick_random: ordered first 0.0% (0 of 1); ordered again 100.0% (1 of 1)" in order_report(split)
    # and by where in the bin's trial each pick came
    assert "pick_centroid: by pick in the bin 1 0.0% (0 of 1); 2-4 50.0% (1 of 2)" in order_report(split)
    assert (split["pick_random"]["pick 2-4"], split["pick_random"]["pick 2-4 success"]) == (1, 1)


def test_random_s_excess_over_the_paper_s_ratio_is_counted_per_type(tmp_path):
    types = {1: "soda_can", 2: "spiral_notebook"}
    _log_bin(tmp_path / "pick_centroid" / "bin_0",
             [(1, 1, "success"), (2, 2, "success"), (3, 2, "fail_not_picked")], types)
    _log_bin(tmp_path / "pick_random" / "bin_0",
             [(1, 1, "fail_not_picked"), (2, 2, "success"), (3, 2, "success")], types)
    random = order_split([str(tmp_path)])["pick_random"]
    assert (random["type spiral_notebook"], random["type spiral_notebook success"]) == (2, 2)
    report = type_excess_report(order_split([str(tmp_path)]))
    # the notebook: Random 2 of 2 where the paper's ratio to Centroid's 50% gives 0.66 of a pick;
    # the can: 0 of 1 against 0.66; over Random's 3 picks
    assert report.index("| spiral_notebook |") < report.index("| soda_can |")
    assert "| spiral_notebook | 1 of 2 (50%) | 2 of 2 (100%) | +44.65 |" in report
    assert "| soda_can | 1 of 1 (100%) | 0 of 1 (0%) | -22.02 |" in report
    assert "Random's excess is +22.6 points of its 3 picks" in report


def test_a_type_is_compared_from_the_same_state_in_bins_where_it_stands_in_front():
    rows = per_type("bin-v3", "seen", ["tea_box"], per=1, pixels=2, first_seed=3000)
    (row,) = rows
    assert (row["type"], row["reason"]) == ("tea_box", "plain")
    outcomes = {outcome.value for outcome in Outcome} | {"stall", "refused"}
    assert row["centroid"] in outcomes and len(row["random"]) == 2 and set(row["random"]) <= outcomes
    report = type_report(rows)
    assert "| tea_box | plain | 1 |" in report and "all: Centroid" in report


def test_a_setting_or_a_type_the_scene_does_not_have_is_named_before_anything_runs():
    with pytest.raises(UserError, match="no field pad_torque"):
        per_type("bin-v3", "seen", ["tea_box"], per=1, pixels=1, first_seed=3000, settings={"pad_torque": 0.01})
    with pytest.raises(UserError, match="no seen item type tea_cup"):
        per_type("bin-v3", "seen", ["tea_cup"], per=1, pixels=1, first_seed=3000)
