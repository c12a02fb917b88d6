"""The sidecar's run store: round trips, resuming, and surviving kill -9 at any instant."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from ivfp_bt.errors import UserError
from ivfp_bt.sidecar.store import Attempt, RunStore
from ivfp_bt.sidecar.writer import BackgroundWriter


def attempt(i: int) -> Attempt:
    video = np.full((4, 8, 8, 3), i, np.uint8)
    return Attempt(float(i), i + 0.5, {"seed": i, "reward": 1 if i % 2 else -1, "outcome": "success"},
                   {"probe_video": video, "depth": np.full((6, 5), 0.5 + i, np.float32)},
                   [(0, 0.0, "Pick", "RUNNING"), (3, 0.3, "Pick", "SUCCESS")])


def test_attempts_round_trip_with_arrays_and_transitions(tmp_path):
    store = RunStore(tmp_path / "run", meta={"tree": "trees/pick_centroid.yaml", "seed": 7})
    ids = [store.write(attempt(i)) for i in range(3)]
    assert ids == [1, 2, 3] and len(store) == 3
    assert store.record(2) == {"seed": 1, "reward": 1, "outcome": "success"}
    arrays = store.arrays(2)
    assert arrays["probe_video"].shape == (4, 8, 8, 3) and arrays["depth"].dtype == np.float32
    assert store.transitions(2) == [(0, 0.0, "Pick", "RUNNING"), (3, 0.3, "Pick", "SUCCESS")]
    assert store.meta() == {"tree": "trees/pick_centroid.yaml", "seed": 7}


def test_reopening_a_run_resumes_its_numbering(tmp_path):
    RunStore(tmp_path / "run").write(attempt(0))
    again = RunStore(tmp_path / "run")
    assert again.write(attempt(1)) == 2 and again.ids() == [1, 2]


def test_the_background_writer_stores_everything_submitted(tmp_path):
    writer = BackgroundWriter(RunStore(tmp_path / "run"))
    for i in range(5):
        writer.submit(attempt(i))
    writer.close()
    assert len(RunStore(tmp_path / "run")) == 5


def test_a_file_that_is_not_a_store_is_one_line(tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "records.sqlite").write_text("not sqlite at all " * 100)
    with pytest.raises(UserError, match="records.sqlite: not a run store"):
        RunStore(tmp_path / "run")


WRITER = textwrap.dedent("""
    import sys, numpy as np
    from ivfp_bt.sidecar.store import Attempt, RunStore
    store = RunStore(sys.argv[1])
    i = 0
    while True:
        i += 1
        video = np.random.default_rng(i).integers(0, 255, (24, 64, 64, 3), dtype=np.uint8)
        store.write(Attempt(i, i, {"n": i}, {"probe_video": video}, [(i, 0.0, "Pick", "SUCCESS")]))
        print(i, flush=True)
""")


@pytest.mark.parametrize("after_s", [0.3, 0.7, 1.1])
def test_kill_9_loses_at_most_the_attempt_in_progress(tmp_path, after_s):
    run = tmp_path / "run"
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(run)], stdout=subprocess.PIPE, text=True)
    first = process.stdout.readline()          # at least one attempt is stored before the kill
    time.sleep(after_s)
    process.send_signal(signal.SIGKILL)
    printed = [first, *process.stdout.read().split()]
    process.wait()
    store = RunStore(run)
    assert store._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    ids = store.ids()
    assert ids == list(range(1, len(ids) + 1)) and len(ids) >= len(printed)   # every acknowledged write is there
    for i in ids:
        assert store.arrays(i)["probe_video"].shape == (24, 64, 64, 3) and store.record(i) == {"n": i}
    assert store.write(attempt(0)) == len(ids) + 1                            # and the run resumes
