"""bench/probe_information.py reads what the probe tells from the physics: the target following
the fingers, and what verification in the loop could gain from a reading that good."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import probe_information  # noqa: E402


def test_the_best_threshold_is_the_one_that_matches_most_outcomes():
    values = np.array([0.0, 0.3, 0.7, 0.8, 0.9, 0.95])
    success = np.array([False, False, True, False, True, True])
    cut, accuracy = probe_information.best_threshold(values, success)
    assert cut == 0.7 and accuracy == pytest.approx(5 / 6)
    # all failures: passing nothing (a threshold above every value) matches all
    assert probe_information.best_threshold(values, np.zeros(6, bool)) == (np.inf, 1.0)


def _row(seed: int, pick: int, rank: int, outcome: str, followed: float | None = None) -> dict:
    row = {"seed": seed, "pick": pick, "rank": rank, "outcome": outcome}
    return row if followed is None else {**row, "held": followed > 0, "followed": followed}


def test_verification_takes_the_first_grasp_whose_probe_passes():
    rows = [_row(1, 1, 2, "success", 0.9), _row(1, 1, 1, "fail_not_picked", 0.2),   # a refused first grasp
            _row(1, 2, 1, "stall"), _row(1, 2, 2, "fail_multipick", 0.85),           # a stall, then a wrong accept
            _row(2, 1, 1, "success", 0.9),
            _row(2, 2, 1, "fail_not_picked", 0.0), _row(2, 2, 2, "success", 0.5)]   # a refused good grasp
    lines = probe_information.verified_picks(rows, 0.8, [(0.5, 0.5)])
    assert lines[0].startswith("4 targets: the best-ranked grasp picks 25.0%")
    picked = {line.rsplit(maxsplit=1)[0].strip(): line.rsplit(maxsplit=1)[1] for line in lines[1:]}
    assert picked == {"every probe passes": "25.0%",
                      "the physics reads followed >= 0.80": "50.0%",
                      # target 1: 0.5 * 0.5; target 2: stall, then a failure; target 3: 0.5; target 4: 0.5 * 0.5
                      "a classifier passes 50% of holds, 50% of failures": "25.0%",
                      "a perfect classifier": "75.0%"}


@pytest.mark.slow
def test_a_grasp_that_holds_reads_followed_and_the_simulation_is_left_as_it_was():
    from ivfp_bt.sim import open_sim_robot
    from ivfp_bt.sim.scripted_pick import front_grasp

    robot = open_sim_robot(4, "bin-v2", "seen")
    try:
        robot.work_cell.next_pick(np.random.default_rng(4))
        before = robot.data.qpos.copy()
        reading = probe_information.probe_readings(robot, *front_grasp(robot))
        assert np.array_equal(robot.data.qpos, before)
    finally:
        robot.close()
    assert reading["outcome"] == "success"
    assert reading["held"] and 0.7 < reading["lift_follow"] <= 1.05 and reading["followed"] > 0.7
