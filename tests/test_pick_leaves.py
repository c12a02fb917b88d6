"""Each pick leaf against the simulated robot, ticked as the executive ticks it."""

from __future__ import annotations

import numpy as np
import py_trees
import pytest

from ivfp_bt.behaviours.pick import (ClassifyGrasp, Drop, ExecuteGrasp, Extract, HumanLabel, NextCandidate, Observe,
                                     Probe, ProposeGrasps, Release)
from ivfp_bt.errors import UserError
from ivfp_bt.labelling.oracle_labeller import OracleLabeller
from ivfp_bt.pick.candidates import GraspCandidate
from ivfp_bt.sim import open_sim_robot
from ivfp_bt.sim.oracle import Outcome

Status = py_trees.common.Status
KEYS = {"observation": "/observation", "candidates": "/candidates", "remaining": "/candidates",
        "grasp": "/grasp", "video": "/probe_video", "label": "/label"}


@pytest.fixture(scope="module")
def robot():
    robot = open_sim_robot(3)
    robot.work_cell.next_pick(np.random.default_rng(0))
    yield robot
    robot.close()


def leaf(cls, robot, wire: dict | None = None, **params):
    node = cls(params=params)
    keys = {**KEYS, **(wire or {})}
    node.setup_ports({k: v for k, v in keys.items() if k in {**cls.INPUT_PORTS, **cls.OUTPUT_PORTS}})
    rng = np.random.default_rng(0)
    node.setup(robot=robot, rng=rng, clock=robot.now, labeller=OracleLabeller(robot.work_cell, rng))
    return node


def tick(node, robot, limit_s: float = 30.0) -> Status:
    end = robot.now() + limit_s
    while True:
        node.tick_once()
        if node.status is not Status.RUNNING or robot.now() > end:
            return node.status
        robot.sync(0.1)


def get(key: str):
    return py_trees.blackboard.Blackboard.get(key)


def observe_and_propose(robot, strategy: str, count: int = 1) -> list[GraspCandidate]:
    assert tick(leaf(Observe, robot), robot) is Status.SUCCESS
    assert tick(leaf(ProposeGrasps, robot, strategy=strategy, count=count), robot) is Status.SUCCESS
    return get("/candidates")


def test_observe_puts_the_frame_and_target_mask_on_the_blackboard(robot):
    assert tick(leaf(Observe, robot), robot) is Status.SUCCESS
    frame = get("/observation")
    assert frame.color.shape[:2] == frame.depth.shape and frame.target_mask.sum() > 150


@pytest.mark.parametrize("strategy", ["centroid", "random"])
def test_candidates_lie_on_the_target_with_their_probability_and_3d_point(robot, strategy):
    candidates = observe_and_propose(robot, strategy, count=3)
    frame = get("/observation")
    assert len(candidates) == 3
    for c in candidates:
        assert frame.target_mask[c.v, c.u]
        target = robot.data.xpos[robot.item_bodies[robot.scene.target]]
        assert abs(c.point[0] - target[0]) < 0.06 and 0.02 <= c.width <= 0.12
    if strategy == "random":
        assert all(c.probability == pytest.approx(1 / frame.target_mask[frame.depth > 0].sum()) for c in candidates)
    else:
        assert [c.probability for c in candidates] == [1.0, 0.0, 0.0]


def test_missing_models_are_clear_errors_at_setup(robot, tmp_path):
    with pytest.raises(UserError, match="no grasp policy here.*models/README.md"):
        leaf(ProposeGrasps, robot, strategy="policy", model=str(tmp_path / "none"))
    with pytest.raises(UserError, match="no IVFP classifier here.*models/README.md"):
        leaf(ClassifyGrasp, robot, model=str(tmp_path / "none"))


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    """Untrained small models saved as checkpoints: the leaves' plumbing, not their skill."""
    torch = pytest.importorskip("torch")
    from ivfp_bt.models.checkpoints import save
    from ivfp_bt.models.grasp_policy import GraspPolicy, GraspPolicyConfig
    from ivfp_bt.models.ivfp_classifier import build_classifier, classifier_config
    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("models")
    save(GraspPolicy(GraspPolicyConfig(image_size=64, patch_size=8, hidden_size=32, num_hidden_layers=3,
                                       num_attention_heads=2, intermediate_size=64, pyramid_layers=(1, 2, 3),
                                       pyramid_channels=16)), root / "policy")
    save(build_classifier(classifier_config(frames=4, image_size=32, hidden_size=32, layers=2, heads=2)),
         root / "classifier")
    return root


@pytest.mark.parametrize("sample", [False, True])
def test_the_policy_proposes_grasps_on_the_target_with_their_probabilities(robot, tiny_models, sample):
    assert tick(leaf(Observe, robot), robot) is Status.SUCCESS
    node = leaf(ProposeGrasps, robot, strategy="policy", count=3, model=str(tiny_models / "policy"), sample=sample)
    assert tick(node, robot) is Status.SUCCESS
    frame, candidates = get("/observation"), get("/candidates")
    assert len(candidates) == 3
    for c in candidates:
        assert frame.target_mask[c.v, c.u] and 0 < c.probability <= 1 and c.width in node.policy.config.widths
    if not sample:
        assert [c.probability for c in candidates] == sorted((c.probability for c in candidates), reverse=True)


def test_a_shortlist_draw_puts_the_drawn_grasp_first_among_the_policys_best(robot, tiny_models):
    assert tick(leaf(Observe, robot), robot) is Status.SUCCESS
    model = str(tiny_models / "policy")
    ranked = leaf(ProposeGrasps, robot, strategy="policy", count=4, model=model)
    assert tick(ranked, robot) is Status.SUCCESS
    best = {(c.u, c.v, c.width) for c in get("/candidates")}
    drawn = leaf(ProposeGrasps, robot, strategy="policy", count=1, model=model, sample=True, shortlist=4)
    assert tick(drawn, robot) is Status.SUCCESS
    candidates = get("/candidates")
    assert {(c.u, c.v, c.width) for c in candidates} == best         # the same four, the drawn one first
    assert sum(c.probability for c in candidates) == pytest.approx(1.0)
    assert drawn.record["shortlist"] == 4 and drawn.record["candidates"][0]["u"] == candidates[0].u
    with pytest.raises(UserError, match="shortlist needs"):
        leaf(ProposeGrasps, robot, strategy="policy", model=model, shortlist=4)      # ranking has nothing to draw


def test_the_classifier_judges_the_probe_video_against_its_threshold(robot, tiny_models):
    frames = robot.wrist_camera
    frames.start_recording(8)
    robot.sync(1.0)
    py_trees.blackboard.Blackboard.set("/probe_video", frames.stop_recording())
    lenient = leaf(ClassifyGrasp, robot, model=str(tiny_models / "classifier"), threshold=0.0)
    assert tick(lenient, robot) is Status.SUCCESS and lenient.record["reward"] == 1.0
    p = lenient.record["classifier_p_success"]
    assert 0.0 < p < 1.0
    strict = leaf(ClassifyGrasp, robot, model=str(tiny_models / "classifier"), threshold=1.0)
    assert tick(strict, robot) is Status.FAILURE and strict.record["reward"] == -1.0
    assert strict.record["classifier_p_success"] == p


def test_next_candidate_takes_them_best_first_then_fails(robot):
    a, b = (GraspCandidate(0.05, u, 10, (0.0, -0.5, 0.9), 0.5) for u in (1, 2))
    py_trees.blackboard.Blackboard.set("/candidates", [a, b])
    node = leaf(NextCandidate, robot)
    assert [tick(node, robot), get("/grasp"), tick(node, robot), get("/grasp"), tick(node, robot)] == \
        [Status.SUCCESS, a, Status.SUCCESS, b, Status.FAILURE]


def test_retries_aim_away_from_the_grasps_already_tried_on_the_item(robot):
    py_trees.blackboard.Blackboard.set("/tried", [])
    assert tick(leaf(Observe, robot), robot) is Status.SUCCESS
    propose = leaf(ProposeGrasps, robot, wire={"avoid": "/tried"}, strategy="centroid", avoid_px=10)
    take = leaf(NextCandidate, robot, wire={"tried": "/tried"})
    seen = []
    for _ in range(3):
        assert tick(propose, robot) is Status.SUCCESS and tick(take, robot) is Status.SUCCESS
        seen.append(get("/grasp"))
    assert get("/tried") == seen                      # each taken grasp appended, in order
    frame = get("/observation")
    for i, later in enumerate(seen):
        assert frame.target_mask[later.v, later.u]
        assert all(np.hypot(later.u - c.u, later.v - c.v) > 10 for c in seen[:i])
    assert seen[0] == observe_and_propose(robot, "centroid")[0]   # the first is the usual best
    everywhere = leaf(ProposeGrasps, robot, wire={"avoid": "/tried"}, strategy="centroid", avoid_px=10_000)
    assert tick(everywhere, robot) is Status.FAILURE
    assert "within 10000 px of a grasp already tried" in everywhere.feedback_message


def test_a_grasp_outside_the_workspace_is_refused_without_moving(robot):
    frame = robot.head_frame()
    py_trees.blackboard.Blackboard.set("/observation", frame)
    py_trees.blackboard.Blackboard.set("/grasp", GraspCandidate(0.05, 10, 10, (0.9, -0.5, 0.9), 1.0))
    before = robot.positions()
    node = leaf(ExecuteGrasp, robot)
    assert tick(node, robot) is Status.FAILURE and "outside the workspace" in node.feedback_message
    assert robot.positions() == pytest.approx(before, abs=1e-3)


def test_grasp_probe_label_then_extract_in_a_fresh_bin():
    robot = open_sim_robot(1001)
    try:
        robot.work_cell.next_pick(np.random.default_rng(0))
        observe_and_propose(robot, "centroid")
        assert tick(leaf(NextCandidate, robot), robot) is Status.SUCCESS
        assert tick(leaf(ExecuteGrasp, robot), robot) is Status.SUCCESS
        assert robot.work_cell.robot.scene.target in robot.work_cell.judge().held
        probe = leaf(Probe, robot, duration=1.0, rate_hz=8.0)
        started = robot.now()
        assert tick(probe, robot) is Status.SUCCESS
        video = get("/probe_video")
        assert 8 <= len(video) <= 10 and all(f.time - started <= 1.0 + 1e-6 for f in video)
        assert video[0].image.shape == (224, 224, 3)
        # the joint positions at each frame: the probe lifts, so the lift rises over the video
        names, joints = probe.record["probe_joint_names"], probe.record["probe_joints"]
        assert names == sorted(robot.status().joints) and joints.shape == (len(video), len(names))
        lift = joints[:, names.index("lift")]
        assert lift[-1] > lift[0] + 0.005
        label = leaf(HumanLabel, robot, accuracy=1.0)
        tick(label, robot)
        foreseen = robot.work_cell.foresee().outcome
        assert get("/label") == foreseen.value
        assert tick(leaf(Extract, robot), robot) is Status.SUCCESS
        assert robot.work_cell.judge().outcome is foreseen is Outcome.SUCCESS
        assert tick(leaf(Drop, robot), robot) is Status.SUCCESS
    finally:
        robot.close()


def test_release_lets_go_and_backs_out(robot):
    """It opens 3 cm wider than the gripper was (enough to let go, not so wide it shoves the
    neighbours over), then backs out."""
    before = robot.positions()["gripper"]
    node = leaf(Release, robot)
    assert tick(node, robot) is Status.SUCCESS
    assert robot.positions()["arm"] < 0.02
    assert robot.positions()["gripper"] == pytest.approx(min(0.10, before + 0.03), abs=0.006)


def test_a_preempted_motion_leaf_stops_the_robot(robot):
    node = leaf(Extract, robot)
    node.tick_once()
    robot.sync(0.3)
    assert node.status is Status.RUNNING
    node.stop(Status.INVALID)
    assert all(m.done for m in robot.gate.motions.values())
