"""The simulated demonstrator: its foresight leaves the simulation untouched, and what it shows
after foreseeing a success does succeed when the robot executes it."""

from __future__ import annotations

import numpy as np
import pytest

from ivfp_bt.pick.candidates import target_top
from ivfp_bt.pick.motion_plan import extract_plan, grasp_plan, grasp_tool_point, probe_plan
from ivfp_bt.pick.plan_runner import run_to_end
from ivfp_bt.sim import open_sim_robot
from ivfp_bt.sim.demonstrator import SimDemonstrator
from ivfp_bt.sim.oracle import Outcome


@pytest.fixture
def robot():
    robot = open_sim_robot(501, "bin-v1")   # a toothpaste box: the usual click fails here, other ideas succeed
    robot.work_cell.next_pick(np.random.default_rng(0))
    yield robot
    robot.close()


def _state(robot) -> tuple:
    return robot.now(), robot.data.qpos.copy(), robot.positions()


def test_foresight_leaves_the_simulation_as_it_was(robot):
    before = _state(robot)
    SimDemonstrator(robot.work_cell, np.random.default_rng(1)).demonstrate(robot.head_frame(), foresight=3)
    after = _state(robot)
    assert after[0] == before[0] and np.array_equal(after[1], before[1]) and after[2] == before[2]


def test_without_foresight_it_shows_its_first_idea_unjudged(robot):
    frame = robot.head_frame()
    blind = SimDemonstrator(robot.work_cell, np.random.default_rng(3))
    grasp = blind.demonstrate(frame)
    assert blind.foreseen == []
    seeing = SimDemonstrator(robot.work_cell, np.random.default_rng(3))
    shown = seeing.demonstrate(frame, foresight=4)
    assert 1 <= len(seeing.foreseen) <= 4
    # its first idea is the blind one's; it is shown when it succeeds or when no idea does
    first_shown = seeing.foreseen[0] == "success" or "success" not in seeing.foreseen
    assert (shown == grasp) == first_shown


@pytest.mark.slow
def test_a_grasp_shown_as_foreseen_success_succeeds(robot):
    frame = robot.head_frame()
    for seed in range(6):
        demonstrator = SimDemonstrator(robot.work_cell, np.random.default_rng(seed))
        grasp = demonstrator.demonstrate(frame, foresight=6)
        if demonstrator.foreseen[-1:] == ["success"] and len(demonstrator.foreseen) > 1:
            break
    else:
        pytest.fail("no seed needed a second idea for a foreseen success")
    assert demonstrator.foreseen[0] != "success"
    run_to_end(robot, grasp_plan(grasp_tool_point(np.array(grasp.point), top=target_top(frame)), grasp.width))
    run_to_end(robot, probe_plan())
    run_to_end(robot, extract_plan())
    assert robot.work_cell.judge().outcome is Outcome.SUCCESS


@pytest.mark.slow
def test_a_probe_that_cannot_finish_is_not_foreseen_as_a_success(robot, monkeypatch):
    """The tree's Probe fails when a probe motion does not finish (an item it cannot set down
    again) and the pick gives up there: foresight must not carry on and foresee a success."""
    from ivfp_bt.pick import motion_plan
    from ivfp_bt.sim import work_cell
    frame = robot.head_frame()
    demonstrator = SimDemonstrator(robot.work_cell, np.random.default_rng(0))
    for seed in range(6):
        demonstrator.rng = np.random.default_rng(seed)
        grasp = demonstrator.demonstrate(frame, foresight=6)
        if demonstrator.foreseen[-1:] == ["success"]:
            break
    tool_point = grasp_tool_point(np.array(grasp.point), top=target_top(frame))
    assert robot.work_cell.foresee_grasp(tool_point, grasp.width).outcome is Outcome.SUCCESS

    def stuck_probe(passive: bool = False) -> motion_plan.Plan:
        plan = probe_plan(passive)
        return motion_plan.Plan(plan.name, [motion_plan.Stage(s.moves, s.pause, 0.0, s.name) for s in plan.stages])

    monkeypatch.setattr(work_cell, "probe_plan", stuck_probe)
    assert robot.work_cell.foresee_grasp(tool_point, grasp.width) is None


def test_the_demonstration_logs_what_its_ideas_were_foreseen_to_do(robot):
    """So a dataset tells a grasp shown after foresight from a guess shown because no idea worked."""
    import py_trees

    from ivfp_bt.behaviours.pick import ProposeGrasps
    demonstrator = SimDemonstrator(robot.work_cell, np.random.default_rng(0))
    node = ProposeGrasps(params={"strategy": "demonstrator", "foresight": 3})
    node.setup_ports({"observation": "/observation", "candidates": "/candidates"})
    node.setup(robot=robot, demonstrator=demonstrator, clock=robot.now)
    py_trees.blackboard.Blackboard.set("/observation", robot.head_frame())
    node.tick_once()
    assert node.status is py_trees.common.Status.SUCCESS
    assert node.record["demonstrator_foresaw"] == demonstrator.foreseen and 1 <= len(demonstrator.foreseen) <= 3
    assert set(demonstrator.foreseen) <= {"stall", "refused", *(o.value for o in Outcome)}


def test_an_idea_the_robot_would_refuse_is_passed_over_not_fatal(robot, monkeypatch):
    """An idea whose motion leaves the workspace is refused in foresight as ExecuteGrasp would refuse
    it: the demonstrator notes it and weighs its next idea instead of stopping the collection."""
    from ivfp_bt.robot.limits import CommandRefused
    real, calls = robot.work_cell.foresee_grasp, []

    def refuse_the_first(tool_point, width):
        calls.append(width)
        if len(calls) == 1:
            raise CommandRefused("lift: the move would put the gripper outside the workspace")
        return real(tool_point, width)

    monkeypatch.setattr(robot.work_cell, "foresee_grasp", refuse_the_first)
    demonstrator = SimDemonstrator(robot.work_cell, np.random.default_rng(0))
    demonstrator.demonstrate(robot.head_frame(), foresight=3)
    assert demonstrator.foreseen[0] == "refused" and len(demonstrator.foreseen) >= 2


def test_on_bin_v3_the_later_ideas_cover_position_height_and_margin_evenly():
    """19 ideas drawn at random would leave parts of an item untried by chance (a ball's equator,
    a bottle's neck); on bin-v3 each idea takes its own nineteenth of every range."""
    robot = open_sim_robot(0, "bin-v3")
    try:
        draws = SimDemonstrator(robot.work_cell, np.random.default_rng(0))._draws(19)
    finally:
        robot.close()
    for column in draws.T:
        assert sorted(np.floor(column * 19).astype(int)) == list(range(19))


def test_on_bin_v1_each_idea_draws_its_own_so_old_demonstrations_reproduce(robot):
    assert SimDemonstrator(robot.work_cell, np.random.default_rng(0))._draws(19) is None
