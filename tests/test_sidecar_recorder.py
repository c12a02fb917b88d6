"""The sidecar logger during a real run: kill -9 mid-run keeps every completed attempt intact,
the store still opens, and the next run resumes it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from ivfp_bt.sidecar.store import RunStore
from tests.conftest import REPO


def stored(run_dir) -> int:
    try:
        db = sqlite3.connect(run_dir / "records.sqlite", timeout=1)
        try:
            return int(db.execute("SELECT COUNT(*) FROM attempt").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def start_run(run_dir, picks: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ivfp_bt", "run", str(REPO / "trees" / "collect_demos.yaml"),
                             "--picks", str(picks), "--tick-hz", "0", "--seed", "7", "--record", str(run_dir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "MUJOCO_GL": "egl"})


@pytest.mark.slow
def test_kill_9_mid_run_keeps_completed_attempts_and_the_run_resumes(tmp_path):
    run_dir = tmp_path / "run"
    process = start_run(run_dir, picks=50)
    deadline = time.monotonic() + 120
    while stored(run_dir) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    store = RunStore(run_dir)
    ids = store.ids()
    assert len(ids) >= 2
    for attempt in ids:
        record, arrays = store.record(attempt), store.arrays(attempt)
        assert record["pick"]["seed"] == 7 and arrays["rgb"].shape[2] == 3
        if "label" in record:
            assert arrays["probe_video"].shape[1:] == (224, 224, 3)
    done = store.picks_done()
    store.close()
    resumed = start_run(run_dir, picks=done + 1)     # one more pick than the killed run finished
    assert resumed.wait(timeout=120) == 0, resumed.stderr.read().decode()
    store = RunStore.reader(run_dir)
    new = store.ids()[len(ids):]
    assert store.ids()[: len(ids)] == ids and new and new[0] == len(ids) + 1 and store.picks_done() == done + 1
    # the resumed pick is made on a bin of its own: nothing the killed run logged is logged again
    assert {store.record(i)["pick"]["seed"] for i in new} == {7 + 1_000_003}
    assert store.meta()["seed"] == 7 and [session["seed"] for session in store.sessions()] == [7, 7]
