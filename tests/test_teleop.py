"""Stage-1 teleop without a browser: a click is checked before anything moves, and the leaves
wait for the person (RUNNING) and then carry on with what they demonstrated and labelled."""

from __future__ import annotations

import numpy as np
import py_trees
import pytest

from ivfp_bt.behaviours.pick import HumanLabel, ProposeGrasps
from ivfp_bt.pick.candidates import centroid_candidates
from ivfp_bt.pick.teleop_click import ClickRefused, grasp_from_click
from ivfp_bt.robot.limits import Workspace
from ivfp_bt.sim import open_sim_robot
from ivfp_bt.web.teleop import TeleopOperator

Status = py_trees.common.Status


@pytest.fixture(scope="module")
def scene():
    robot = open_sim_robot(3)
    robot.work_cell.next_pick(np.random.default_rng(0))
    frame = robot.head_frame()
    best = centroid_candidates(frame, 1)[0]
    yield robot, frame, (best.u, best.v)
    robot.close()


def test_a_click_on_the_target_becomes_a_grasp_with_the_chosen_width(scene):
    robot, frame, (u, v) = scene
    grasp = grasp_from_click(frame, u, v, 0.07, robot.workspace)
    assert (grasp.u, grasp.v, grasp.width) == (u, v, 0.07)
    assert frame.target_mask[grasp.v, grasp.u] and grasp.probability == 1.0


def test_a_click_on_the_targets_edge_snaps_onto_it(scene):
    robot, frame, (_, v) = scene
    cols = np.nonzero(frame.target_mask[v])[0]
    grasp = grasp_from_click(frame, cols.max() + 3, v, 0.05, robot.workspace)
    assert frame.target_mask[grasp.v, grasp.u]


@pytest.mark.parametrize("where, width, message", [
    ((2, 2), 0.05, "not on the target"),
    ((-1, 10), 0.05, "outside the"),
    ((None, None), 0.5, "width 50.0 cm is outside"),
])
def test_bad_clicks_are_refused_with_the_reason(scene, where, width, message):
    robot, frame, hint = scene
    u, v = hint if where == (None, None) else where
    with pytest.raises(ClickRefused, match=message):
        grasp_from_click(frame, u, v, width, robot.workspace)


def test_a_grasp_outside_the_workspace_is_refused(scene):
    _, frame, (u, v) = scene
    tiny = Workspace((0.0, 0.0, 0.0), (0.01, 0.01, 0.01))
    with pytest.raises(ClickRefused, match="outside the workspace"):
        grasp_from_click(frame, u, v, 0.05, tiny)


def test_the_operator_answers_only_its_open_request(scene):
    robot, frame, (u, v) = scene
    told = []
    operator = TeleopOperator(notify=told.append)
    operator.attach(robot.workspace)
    assert operator.demonstrate(frame) is None
    request = told[-1]["request"]
    assert request["kind"] == "grasp"
    with pytest.raises(ClickRefused, match="not open"):
        operator.answer_grasp(request["id"] + 1, u, v, 0.05)
    with pytest.raises(ClickRefused, match="asks for a grasp"):
        operator.answer_label(request["id"], "success")
    with pytest.raises(ClickRefused, match="not on the target"):
        operator.answer_grasp(request["id"], 1, 1, 0.05)
    assert operator.demonstrate(frame) is None           # still waiting after a refused click
    grasp = operator.answer_grasp(request["id"], u, v, 0.05)
    assert operator.demonstrate(frame) == grasp
    assert operator.counts["demonstrations"] == 1
    with pytest.raises(ClickRefused, match="not open"):
        operator.answer_grasp(request["id"], u, v, 0.05)  # answered already


def test_proposing_waits_for_the_person_then_takes_the_click(scene):
    robot, frame, (u, v) = scene
    operator = TeleopOperator()
    operator.attach(robot.workspace)
    py_trees.blackboard.Blackboard.set("/observation", frame)
    node = ProposeGrasps(params={"strategy": "demonstrator"})
    node.setup_ports({"observation": "/observation", "candidates": "/candidates"})
    node.setup(demonstrator=operator)
    node.tick_once()
    assert node.status is Status.RUNNING and node.feedback_message == "waiting for a demonstration"
    operator.answer_grasp(operator.pending()["id"], u, v, 0.06)
    node.tick_once()
    assert node.status is Status.SUCCESS
    assert [(c.u, c.v, c.width) for c in py_trees.blackboard.Blackboard.get("/candidates")] == [(u, v, 0.06)]


@pytest.mark.parametrize("label, status, logged", [("success", Status.SUCCESS, "success"),
                                                    ("fail_multipick", Status.FAILURE, "fail_multipick"),
                                                    ("ignore", Status.FAILURE, None)])
def test_labelling_waits_for_the_person_and_ignore_logs_no_label(label, status, logged):
    operator = TeleopOperator()
    node = HumanLabel()
    node.setup_ports({"label": "/label"})
    node.setup(labeller=operator)
    node.tick_once()
    assert node.status is Status.RUNNING
    operator.answer_label(operator.pending()["id"], label)
    node.tick_once()
    assert node.status is status and node.record.get("label") == logged
    assert ("reward" in node.record) == (logged is not None)


def test_stopping_a_waiting_leaf_withdraws_its_question():
    told = []
    operator = TeleopOperator(notify=told.append)
    node = HumanLabel()
    node.setup_ports({"label": "/label"})
    node.setup(labeller=operator)
    node.tick_once()
    node.stop(Status.INVALID)
    assert operator.pending() is None and told[-1] == {"type": "request", "request": None}
