"""The strategy trees in trees/: they load, the baselines pick, and verification in the loop
retries after a FAIL and gives up when the candidates run out (all logged by the sidecar)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivfp_bt.runner import Executive, RunOptions
from ivfp_bt.sidecar.store import RunStore
from ivfp_bt.tree.load import load_tree
from tests.conftest import REPO

STRATEGIES = ["pick_centroid", "pick_random", "pick_il", "pick_vitl", "collect_rl", "collect_demos", "collect_clips",
              "collect_policy", "pick_vitl_anticipate", "pick_vitl_replan"]


@pytest.mark.parametrize("name", STRATEGIES)
def test_each_strategy_file_loads_and_says_what_it_is(name):
    path = REPO / "trees" / f"{name}.yaml"
    assert path.read_text().startswith("# Strategy") or path.read_text().startswith("# Data collection")
    assert load_tree(path).requires >= {"robot"}


def run(path: Path, record: Path, picks: int = 1, seed: int = 1001, **params: str):
    return Executive(load_tree(path, params), RunOptions(picks=picks, tick_hz=10, seed=seed, record_dir=str(record)),
                     write=lambda line: None).run()


def test_centroid_picks_end_to_end_and_every_attempt_is_logged(tmp_path):
    summary = run(REPO / "trees" / "pick_centroid.yaml", tmp_path / "run", picks=2)
    assert summary.stopped == "done" and summary.picks == 2
    store = RunStore(tmp_path / "run")
    assert store.ids() == [1, 2]
    first = store.record(1)
    assert first["pick"]["seed"] == 1001 and first["strategy"] == "centroid"
    assert first["outcome"] == "success" and summary.pick_log[0]["outcome"] == "success"
    assert {"rgb", "depth", "mask"} <= set(store.arrays(1))
    assert first["grasp"]["probability"] == 1.0 and len(first["grasp"]["point"]) == 3
    nodes = {node for _, _, node, _ in store.transitions(1)}
    assert "pick or give up/pick/ExecuteGrasp" in nodes


@pytest.mark.slow
def test_a_good_drop_never_fails_the_arm_reset(tmp_path):
    """Every pick the simulator calls a success is one the tree calls a success: the drop lets go
    and the arm's reset after it completes (it timed out squeezing the item the drop kept)."""
    outcomes = []
    for seed in (0, 2, 5):
        summary = run(REPO / "trees" / "pick_il.yaml", tmp_path / f"run_{seed}", picks=2, seed=seed)
        assert summary.stopped == "done"
        outcomes += [(entry["outcome"], entry["result"]) for entry in summary.pick_log]
    successes = [result for outcome, result in outcomes if outcome == "success"]
    assert len(successes) >= 4 and set(successes) == {"SUCCESS"}, outcomes


def test_policy_collection_logs_the_policys_own_grasps_labelled(tmp_path):
    """collect_policy.yaml: a grasp drawn from the policy, its probe video and a label, let go."""
    summary = run(REPO / "trees" / "collect_policy.yaml", tmp_path / "run", picks=2, seed=1002)
    assert summary.stopped == "done"
    store = RunStore(tmp_path / "run")
    records = [store.record(i) for i in store.ids()]
    probed = [r for r in records if "label" in r]
    assert probed and all(r["strategy"] == "policy" and 0 < r["grasp"]["probability"] < 1 for r in records)
    assert all(r["label"] in ("success", "fail_not_picked", "fail_multipick", "fail_wrong_item") for r in probed)
    assert all("Extract_s" not in r for r in records)                    # let go, never extracted
    assert store.arrays(store.ids()[records.index(probed[0])])["probe_video"].shape[1:] == (224, 224, 3)


VITL_SHAPE = """
tree:
  Selector:
    name: pick or give up
    memory: true
    children:
      - Sequence:
          name: pick
          memory: true
          children:
            - Observe: {observation: "{observation}"}
            - ProposeGrasps: {strategy: random, count: 3, observation: "{observation}", candidates: "{candidates}"}
            - Retry:
                name: try candidates
                num_failures: 5
                child:
                  Selector:
                    name: verified grasp or let go
                    memory: true
                    children:
                      - Sequence:
                          name: try one
                          memory: true
                          children:
                            - NextCandidate: {candidates: "{candidates}", remaining: "{candidates}", grasp: "{grasp}"}
                            - ExecuteGrasp: {grasp: "{grasp}", observation: "{observation}"}
                            - Fail: {name: the verifier says FAIL}
                      - Sequence: {name: let go, memory: true, children: [Release, Fail]}
            - Extract
      - Sequence: {name: give up, memory: true, children: [Release, ResetArm, Fail]}
"""


def test_verification_in_the_loop_tries_each_candidate_then_gives_up(tmp_path, write):
    summary = run(write("vitl_shape.yaml", VITL_SHAPE), tmp_path / "run")
    assert summary.picks == 1 and summary.succeeded == 0
    store = RunStore(tmp_path / "run")
    records = [store.record(i) for i in store.ids()]
    assert len(records) == 3                                   # one attempt per candidate, no more
    assert len({(r["grasp"]["u"], r["grasp"]["v"]) for r in records}) >= 2
    assert all("Release_s" in r and "outcome" not in r for r in records)   # let go each time, never extracted
    assert records[-1]["pick_result"] == "FAILURE"


def test_an_attempt_spans_its_grasp_from_the_start(tmp_path):
    run(REPO / "trees" / "pick_centroid.yaml", tmp_path / "run")
    store = RunStore(tmp_path / "run")
    record = store.record(1)
    row = store._db.execute("SELECT started, finished FROM attempt WHERE id = 1").fetchone()
    assert row[1] - row[0] >= record["ExecuteGrasp_s"] - 1e-6


def test_shipped_models_run_the_learned_strategy(tmp_path):
    """A new user's first run of pick_vitl: the shipped policy proposes, the shipped classifier
    judges each probe, and everything is logged with the policy's probabilities."""
    summary = run(REPO / "trees" / "pick_vitl.yaml", tmp_path / "run", picks=1)
    assert summary.stopped == "done" and summary.picks == 1 and not summary.fault
    store = RunStore(tmp_path / "run")
    records = [store.record(i) for i in store.ids()]
    assert records[0]["strategy"] == "policy" and 0 < records[0]["grasp"]["probability"] <= 1
    probed = [r for r in records if "classifier_p_success" in r]
    assert probed and all(r["reward_source"] == "ivfp" and r["reward"] in (-1.0, 1.0) for r in probed)


def test_replanning_looks_again_and_aims_away_from_refused_grasps(tmp_path):
    """pick_vitl_replan with a classifier that accepts nothing: each retry comes from a fresh
    observation, more than avoid_px from every grasp tried on the item, until it gives up."""
    summary = run(REPO / "trees" / "pick_vitl_replan.yaml", tmp_path / "run", attempts="3", threshold="1.0",
                  avoid_px="20")
    assert summary.picks == 1 and summary.succeeded == 0 and not summary.fault
    store = RunStore(tmp_path / "run")
    records = [store.record(i) for i in store.ids()]
    assert len(records) == 3 and all("outcome" not in r for r in records)     # never extracted
    grasps = [(r["grasp"]["u"], r["grasp"]["v"]) for r in records]
    assert all(abs(complex(*a) - complex(*b)) > 20 for i, a in enumerate(grasps) for b in grasps[:i])
    assert all(r["candidates"] == [r["grasp"]] for r in records)    # each logged with its own look
    images = [store.arrays(i, ("rgb",))["rgb"] for i in store.ids()]
    assert all((a != b).any() for a, b in zip(images, images[1:]))   # the item was disturbed between looks
    assert all("ResetArm_s" in r for r in records)       # the arm cleared the view before the next look
    assert records[-1]["pick_result"] == "FAILURE"


def test_shipped_student_guards_the_learned_strategy(tmp_path):
    """pick_vitl_anticipate with the shipped models: every grasp that reaches the probe is
    watched by the monitor, whose decisions and clip are logged with the attempt."""
    summary = run(REPO / "trees" / "pick_vitl_anticipate.yaml", tmp_path / "run", picks=1)
    assert summary.stopped == "done" and summary.picks == 1 and not summary.fault
    store = RunStore(tmp_path / "run")
    watched = [(i, store.record(i)) for i in store.ids() if "monitor_updates" in store.record(i)]
    assert watched
    for attempt, record in watched:
        assert record["monitor_ahead_s"] == 1.0 and all(0 <= p <= 1 for _, p in record["monitor_updates"])
        assert len(store.arrays(attempt, ("clip_times",))["clip_times"]) == len(record["monitor_updates"])
