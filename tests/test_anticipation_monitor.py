"""The anticipation monitor in a tree: beside an extraction in a Parallel, it stops the motion
when its network foresees a failure, the fallback puts the item back, and the sidecar logs its
decisions and the clip it saw. In the simulation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from ivfp_bt.models.anticipation import FailureAnticipator, anticipation_config
from ivfp_bt.models.checkpoints import save
from ivfp_bt.runner import Executive, RunOptions
from ivfp_bt.sidecar.store import RunStore
from ivfp_bt.sim.failure_watch import FailureWatch, Sample
from ivfp_bt.sim.oracle import Judgement, Outcome
from ivfp_bt.tree.load import load_tree

GUARDED = """
params:
  monitor: {type: str, default: none}
tree:
  Sequence:
    name: pick
    memory: true
    children:
      - Observe: {observation: "{observation}"}
      - ProposeGrasps: {strategy: centroid, observation: "{observation}", candidates: "{candidates}"}
      - NextCandidate: {candidates: "{candidates}", remaining: "{candidates}", grasp: "{grasp}"}
      - ExecuteGrasp: {grasp: "{grasp}", observation: "{observation}"}
      - Selector:
          name: extract or put back
          memory: true
          children:
            - Parallel:
                name: guarded
                policy: success_on_one
                children:
                  - AnticipateFailure: {name: monitor, model: "${monitor}"}
                  - Extract
            - Sequence: {name: put back, memory: true, children: [Release, Fail]}
      - Drop
"""


def decided_network(directory: Path, p_failure: float, **alarm) -> Path:
    """A tiny network whose verdict is fixed: its fusion's last layer ignores the features."""
    model = FailureAnticipator(anticipation_config("tiny", blank_frames=1, role="student", **alarm))
    last = model.fusion[-1]
    with torch.no_grad():
        last.weight.zero_()
        logit = float(np.log(p_failure / (1 - p_failure)))
        last.bias.copy_(torch.tensor([0.0, logit]))
    save(model, directory)
    return directory


def run_guarded(tmp_path: Path, write, p_failure: float, **alarm) -> dict:
    model = decided_network(tmp_path / "student", p_failure, **alarm)
    tree = load_tree(write("guarded.yaml", GUARDED), {"monitor": str(model)})
    summary = Executive(tree, RunOptions(picks=1, tick_hz=10, seed=1001, record_dir=str(tmp_path / "run")),
                        write=lambda line: None).run()
    assert summary.stopped == "done" and not summary.fault
    with RunStore(tmp_path / "run") as store:
        (attempt,) = store.ids()
        return {**store.record(attempt), "arrays": store.arrays(attempt), "pick_succeeded": summary.succeeded}


def test_a_foreseen_failure_stops_the_extraction_and_the_item_goes_back(tmp_path, write):
    record = run_guarded(tmp_path, write, p_failure=0.99, alarm_consecutive=3)
    assert record["monitor_fired_at"] is not None and record["monitor_p_failure"] >= 0.5
    assert "Extract_s" not in record and "outcome" not in record     # stopped before it finished
    assert "Release_s" in record and record["pick_succeeded"] == 0    # put back, and the pick failed
    assert record["foreseen_outcome"] in {"success", "fail_not_picked", "fail_multipick", "fail_wrong_item"}
    assert len(record["monitor_updates"]) == 4       # 3 alarms in a row, counted from min_frames (2) on
    assert record["monitor_fired_at"] == record["monitor_updates"][-1][0]
    assert record["arrays"]["clip_rgb"].shape[1:] == (32, 32, 3)      # frames at the network's size
    assert "clip_depth" in record["arrays"]


def test_a_quiet_monitor_lets_the_extraction_finish_and_logs_its_clip(tmp_path, write):
    record = run_guarded(tmp_path, write, p_failure=0.01)
    assert record["monitor_fired_at"] is None and record["Extract_s"] > 1.0
    assert record["outcome"] == "success" and record["pick_succeeded"] == 1
    times = record["arrays"]["clip_times"]
    assert len(times) >= 8 and np.all(np.diff(times) > 0)             # about 4 Hz over the whole extraction
    assert len(record["monitor_updates"]) == len(times)               # one decision per frame
    assert "failure_time" in record and record["failure_time"] is None   # the simulator saw no failure


def test_the_monitor_stops_at_the_threshold_its_model_was_calibrated_with(tmp_path, write):
    record = run_guarded(tmp_path, write, p_failure=0.7, alarm_threshold=0.8)   # and 1 update in a row
    assert record["monitor_fired_at"] is None and record["monitor_threshold"] == 0.8
    assert record["outcome"] is not None                              # the extraction ran to its end


def _watch(samples: list[tuple[float, bool, bool]]) -> FailureWatch:
    watch = FailureWatch(world=None, in_bin_before=set())
    watch.samples = [Sample(*s) for s in samples]
    return watch


@pytest.mark.parametrize("outcome, samples, expected", [
    (Outcome.FAIL_NOT_PICKED, [(0.0, True, False), (0.5, True, False), (1.0, False, False), (1.5, False, False)],
     (1.0, "slipped")),
    (Outcome.FAIL_NOT_PICKED, [(0.0, False, False), (0.5, False, False)], (0.0, "missed")),
    (Outcome.FAIL_MULTIPICK, [(0.0, True, False), (0.5, True, False), (1.0, True, True)], (1.0, "neighbour_left")),
    (Outcome.FAIL_NOT_PICKED, [(0.0, True, False), (0.5, True, False)], (0.5, "dropped")),
])
def test_the_failure_moment_is_the_first_sign_of_it(outcome, samples, expected):
    moment = _watch(samples).moment(Judgement(outcome, (), ()))
    assert (moment["failure_time"], moment["failure_kind"]) == expected


def test_a_success_has_no_failure_moment():
    moment = _watch([(0.0, True, False), (0.5, True, False)]).moment(Judgement(Outcome.SUCCESS, (), ()))
    assert moment == {"failure_time": None, "failure_kind": None}


class _NoDepthCamera:
    has_depth = False


class _Robot:
    wrist_camera = _NoDepthCamera()


def test_recording_depth_from_a_camera_without_it_is_refused_before_anything_runs():
    from ivfp_bt.behaviours.pick import RecordClip
    from ivfp_bt.errors import UserError
    with pytest.raises(UserError, match="measures none \\(set depth: false\\)"):
        RecordClip(params={"depth": True}).setup(robot=_Robot())
    RecordClip(params={"depth": False}).setup(robot=_Robot())      # the control: colour alone is fine
