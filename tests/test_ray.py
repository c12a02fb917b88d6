"""`--ray`: trials as tasks on a real Ray cluster (a head and a second node on loopback):
the same records as a local run, both nodes used, a node killed mid-evaluation, Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ivfp_bt.sidecar.store import RunStore
from tests.conftest import REPO

pytestmark = pytest.mark.slow
ray = pytest.importorskip("ray", reason="Ray is not installed (the ray extra)")
RAY = str(Path(sys.executable).parent / "ray")
# token authentication on every node and client, as Ray >= 2.59 does for clusters of one machine
ENV = {**os.environ, "MUJOCO_GL": "egl", "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "token"}


def _eval(out: Path, *extra: str, trials: int = 2, picks: int = 1) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ivfp_bt", "eval", "trees/pick_centroid.yaml", "--trials",
                             str(trials), "--picks-per-trial", str(picks), "--out", str(out), *extra],
                            cwd=REPO, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=_as_from_a_terminal)


def _as_from_a_terminal() -> None:
    # a suite started in the background (`pytest &` in a script) runs with SIGINT ignored, and a
    # child inherits that: the eval a person starts at a terminal hears Ctrl-C
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _trials(out: Path) -> dict[str, dict]:
    return {path.parent.name: json.loads(path.read_text()) for path in out.glob("pick_centroid/trial_*/trial.json")}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_same_seeds_give_the_same_records_locally_and_on_ray(tmp_path):
    local, on_ray = _eval(tmp_path / "local", "--workers", "1"), None
    assert local.wait(timeout=600) == 0, local.stdout.read()
    on_ray = _eval(tmp_path / "ray", "--ray")
    output = on_ray.communicate(timeout=600)[0]
    assert on_ray.returncode == 0, output
    assert "Ray: 2 task(s) finished" in output
    ours, theirs = _trials(tmp_path / "local"), _trials(tmp_path / "ray")
    assert set(ours) == set(theirs) == {"trial_1000", "trial_1001"}
    for name in ours:
        keep = ("outcome", "target", "result")
        assert [{k: p.get(k) for k in keep} for p in ours[name]["pick_log"]] == \
            [{k: p.get(k) for k in keep} for p in theirs[name]["pick_log"]]
        assert ours[name]["robot_s"] == theirs[name]["robot_s"]
        with RunStore.reader(tmp_path / "local/pick_centroid" / name) as a, \
                RunStore.reader(tmp_path / "ray/pick_centroid" / name) as b:
            assert [a.record(i)["grasp"] for i in a.ids()] == [b.record(i)["grasp"] for i in b.ids()]
    again = _eval(tmp_path / "ray", "--ray")   # finished: the rerun skips every trial
    output = again.communicate(timeout=600)[0]
    assert again.returncode == 0 and "Ray: 0 task(s) finished" in output, output


@pytest.fixture
def cluster():
    """A Ray head (1 CPU) and a second node (1 CPU, its own process group, to be killed)."""
    port = _free_port()
    subprocess.run([RAY, "stop", "--force"], env=ENV, capture_output=True)
    subprocess.run([RAY, "start", "--head", f"--port={port}", "--num-cpus=1", "--include-dashboard=false",
                    "--node-ip-address=127.0.0.1"], env=ENV, check=True, capture_output=True)
    second = subprocess.Popen([RAY, "start", f"--address=127.0.0.1:{port}", "--num-cpus=1", "--block",
                               "--node-ip-address=127.0.0.1"], env=ENV, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = subprocess.run([RAY, "status", f"--address=127.0.0.1:{port}"], env=ENV, capture_output=True,
                                text=True)
        if status.stdout.count("node_") >= 2:
            break
        time.sleep(1)
    else:
        pytest.fail("the second Ray node did not join")
    yield f"127.0.0.1:{port}", second
    if second.poll() is None:
        os.killpg(second.pid, signal.SIGKILL)
    subprocess.run([RAY, "stop", "--force"], env=ENV, capture_output=True)


def test_a_node_killed_mid_evaluation_costs_a_retry_not_a_trial(tmp_path, cluster):
    address, second = cluster
    out = tmp_path / "eval"
    run = _eval(out, "--ray", address, trials=4)
    deadline = time.monotonic() + 600
    while not _trials(out) and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.5)   # both nodes are busy once one trial lands
    os.killpg(second.pid, signal.SIGKILL)
    output = run.communicate(timeout=900)[0]
    assert run.returncode == 0, output
    report = re.search(r"Ray: (\d+) task\(s\) finished, started on (\d+) node\(s\); (\d+) run again", output)
    assert report and report.groups()[:2] == ("4", "2") and int(report.group(3)) >= 1, output
    trials = _trials(out)
    assert len(trials) == 4
    for name in trials:   # each trial's records whole, once
        with RunStore.reader(out / "pick_centroid" / name) as store:
            assert store.picks_done() == 1 and len(store.ids()) >= 1
    assert not list(out.rglob(".*.landing")) and not (out / "pick_centroid" / "interrupted").exists()


def test_ctrl_c_stops_the_clusters_work(tmp_path):
    run = _eval(tmp_path / "eval", "--ray", trials=4, picks=6)
    deadline = time.monotonic() + 120
    while not _simulations() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _simulations(), "no trial started on Ray"
    time.sleep(3)   # well into the simulations
    run.send_signal(signal.SIGINT)
    output = run.communicate(timeout=120)[0]
    assert run.returncode == 130, output
    assert "Ray:" in output and "pick_centroid: 4/4" not in output
    time.sleep(2)
    assert _simulations() == "", "orphaned simulations: " + _simulations()


def _simulations() -> str:
    """Ray workers running a trial, as ps names them."""
    return subprocess.run(["pgrep", "-f", "ray::_run_remote"], capture_output=True, text=True).stdout.strip()


def test_without_ray_nothing_imports_it(tmp_path):
    code = ("import sys; from ivfp_bt.cli.main import main; "
            f"main(['eval', 'trees/pick_centroid.yaml', '--trials', '1', '--picks-per-trial', '1', '--workers', '1', "
            f"'--out', {str(tmp_path)!r}]); print('ray' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=ENV, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "False"
