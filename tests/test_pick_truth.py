"""Every run tells the truth about each pick: the tree's verdict beside the simulator's."""

from __future__ import annotations

from ivfp_bt.cli.main import main
from ivfp_bt.evaluation.pick_truth import truth_counts
from ivfp_bt.runner import Executive, RunOptions
from ivfp_bt.tree.load import load_tree
from tests.conftest import centroid_grasp_then

# grasps the centroid, extracts and drops, then fails: the item is out of the bin all the same
EXTRACT_THEN_FAIL = centroid_grasp_then("Extract", "Drop", "ResetArm", "Fail")


def test_each_pick_prints_the_trees_verdict_and_the_simulators(write):
    """Seed 1001's first target is picked by the centroid grasp; this tree then reports FAILURE."""
    lines: list[str] = []
    summary = Executive(load_tree(write("t.yaml", EXTRACT_THEN_FAIL)), RunOptions(picks=1, tick_hz=10, seed=1001),
                        write=lines.append).run()
    assert summary.stopped == "done"
    pick_lines = [line for line in lines if line.startswith("pick ")]
    assert len(pick_lines) == 1
    assert pick_lines[0].startswith("pick 1/1: the tree failed; the simulator says success (target: ")
    assert summary.pick_log[0]["outcome"] == "success" and summary.succeeded == 0
    assert "the tree says 0 succeeded, 1 failed; the simulator says 1 picked; 0 not;" in summary.line()


def test_a_tree_that_succeeds_without_extracting_is_not_a_pick(write, capsys):
    path = write("t.yaml", 'tree:\n  Observe: {observation: "{observation}"}\n')
    assert main(["run", str(path), "--picks", "2", "--seed", "1001", "--tick-hz", "0"]) == 0
    out = capsys.readouterr().out
    assert "pick 2/2: the tree succeeded; the simulator says gave_up (target: " in out
    assert "2 pick(s): the tree says 2 succeeded, 0 failed; the simulator says 0 picked; 2 not: 2 gave_up;" in out


def test_truth_counts_name_each_way_a_pick_went_wrong():
    assert truth_counts(["success", "fail_not_picked", "gave_up", "success"]) == \
        "2 picked; 2 not: 1 fail_not_picked, 1 gave_up"
    assert truth_counts(["success"]) == "1 picked; 0 not"
