"""`ivfp-bt eval` on a tiny protocol: a table, a plot and the records of every trial."""

from __future__ import annotations

import pytest

from ivfp_bt.cli.main import main
from ivfp_bt.evaluation.metrics import summarise
from ivfp_bt.evaluation.trials import TrialResult, TrialSpec
from tests.conftest import REPO


def test_a_tiny_eval_writes_its_table_plot_and_records(tmp_path, capsys):
    out = tmp_path / "eval"
    code = main(["eval", str(REPO / "trees" / "pick_centroid.yaml"), "--trials", "2", "--picks-per-trial", "1",
                 "--workers", "2", "--seed", "1001", "--out", str(out)])
    assert code == 0
    table = (out / "results.md").read_text()
    row = next(line for line in table.splitlines() if line.startswith("| pick_centroid"))
    assert row.split("|")[2].strip() == "2"                       # picks
    assert (out / "results.png").stat().st_size > 10_000
    assert sorted(p.name for p in (out / "pick_centroid").iterdir()) == ["trial_1001", "trial_1002"]
    assert "pick_centroid" in capsys.readouterr().out


def test_metrics_count_ground_truth_not_the_trees_belief():
    spec = TrialSpec("t.yaml", 0, 4, "seen", "")
    picks = [{"result": "SUCCESS", "outcome": "success"}, {"result": "SUCCESS", "outcome": "fail_multipick",
                                                          "intervention": True},
             {"result": "FAILURE", "outcome": None}, {"result": "FAILURE", "outcome": "fail_not_picked"}]
    m = summarise("t", [TrialResult(spec, picks, robot_s=3000.0, compute_s=600.0, stopped="done")])
    assert (m.picks, m.successes, m.success_rate) == (4, 1, 0.25)
    assert m.units_per_hour == 1.0 and m.interventions_per_hour == 1.0
    assert m.modes["gave_up"] == 1 and m.modes["fail_multipick"] == 1


def _workers_of(pid: int) -> list[int]:
    """The eval's worker processes (its children running multiprocessing's spawn)."""
    from pathlib import Path

    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            status = (proc / "status").read_text()
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        parent = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("PPid:"))
        if parent == pid and b"multiprocessing" in cmdline and b"resource_tracker" not in cmdline:
            found.append(int(proc.name))
    return found


@pytest.mark.slow
def test_a_killed_worker_loses_its_trial_alone_and_a_rerun_finishes_the_rest(tmp_path):
    """kill -9 of a worker mid-evaluation: the trial it ran is named, the finished ones are kept
    in results.md, and the same command again runs only what is missing, logging nothing twice."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from ivfp_bt.sidecar.store import RunStore

    out = tmp_path / "eval"
    command = [sys.executable, "-m", "ivfp_bt", "eval", str(REPO / "trees" / "pick_centroid.yaml"), "--trials", "4",
               "--picks-per-trial", "1", "--workers", "2", "--seed", "1001", "--out", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "MUJOCO_GL": "egl"})
    deadline = time.monotonic() + 120
    while not list(out.glob("pick_centroid/trial_*/trial.json")) and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = _workers_of(process.pid)
    assert workers, "no worker found"
    os.kill(workers[0], signal.SIGKILL)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1, err
    assert "a worker process died" in err and "Traceback" not in err
    finished = len(list(out.glob("pick_centroid/trial_*/trial.json")))
    assert 1 <= finished < 4 and "**Incomplete:**" in (out / "results.md").read_text()
    rerun = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "MUJOCO_GL": "egl"},
                           timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    row = next(line for line in (out / "results.md").read_text().splitlines() if line.startswith("| pick_centroid"))
    assert row.split("|")[2].strip() == "4"                        # every trial's one pick, once
    for trial in sorted(out.glob("pick_centroid/trial_*")):
        store = RunStore.reader(trial)
        assert store.picks_done() == 1                              # nothing logged twice
