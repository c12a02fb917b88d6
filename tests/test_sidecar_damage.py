"""Recorded data survives what the world does to it: read-only mounts, empty or foreign files,
a damaged attempt, a path that points outside the run, a full disk, a write cut short."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import subprocess
from pathlib import Path

import numpy as np
import pytest

from ivfp_bt.errors import UserError
from ivfp_bt.sidecar import writer as writer_module
from ivfp_bt.sidecar.dataset import AttemptDataset
from ivfp_bt.sidecar.store import Attempt, RunStore, UnreadableAttempt
from ivfp_bt.sidecar.writer import BackgroundWriter, StorageError
from ivfp_bt.web.replay import RunLibrary


def make_run(path: Path, attempts: int = 3) -> Path:
    with RunStore(path, {"tree": "t.yaml", "seed": 1}) as store:
        for i in range(attempts):
            store.write(Attempt(float(i), i + 0.5, {"label": "success", "grasp": {"width": 0.05, "u": 3, "v": 4}},
                                {"rgb": np.full((6, 8, 3), i, np.uint8), "depth": np.zeros((6, 8), np.float32),
                                 "mask": np.ones((6, 8), bool), "probe_video": np.zeros((3, 8, 8, 3), np.uint8)},
                                [(1, 0.0, "root", "SUCCESS")]))
    return path


def mount(source: Path, target: Path, *options: str) -> None:
    target.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", *options, str(source), str(target)], capture_output=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount here: {result.stderr.decode().strip()}")


@pytest.fixture
def read_only(tmp_path):
    """A run under a real read-only bind mount."""
    make_run(tmp_path / "src" / "run")
    target = tmp_path / "ro"
    mount(tmp_path / "src", target, "--bind")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(target)], check=True, capture_output=True)
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


def test_a_run_on_a_read_only_mount_is_listed_read_and_trained_on(read_only):
    with pytest.raises(OSError):
        (read_only / "run" / "probe").write_text("x")          # the mount really is read-only
    assert [run["run"] for run in RunLibrary(read_only).runs()] == ["run"]
    assert RunLibrary(read_only).head_jpeg("run", 2) is not None
    dataset = AttemptDataset([read_only / "run"], require=["probe_video"])
    assert len(dataset) == 3 and dataset[0]["rgb"].shape == (3, 6, 8)


def test_a_reader_never_writes_into_an_empty_or_foreign_file(tmp_path):
    (tmp_path / "run").mkdir()
    empty = tmp_path / "run" / "records.sqlite"
    empty.touch()
    with pytest.raises(UserError, match="not a run store"):
        RunStore.reader(tmp_path / "run")
    assert empty.stat().st_size == 0 and sorted(p.name for p in (tmp_path / "run").iterdir()) == ["records.sqlite"]


def test_a_damaged_attempt_is_skipped_with_a_warning_naming_it(tmp_path, caplog):
    run = make_run(tmp_path / "run")
    damaged = run / "arrays" / "attempt_000002.npz"
    damaged.write_bytes(damaged.read_bytes()[:100])          # truncated
    with caplog.at_level(logging.WARNING):
        dataset = AttemptDataset([run])
    assert [attempt for _, attempt in dataset.index] == [1, 3]
    assert "attempt 2: its arrays cannot be read" in caplog.text and str(run) in caplog.text
    assert RunLibrary(tmp_path).head_jpeg("run", 2) is None and RunLibrary(tmp_path).head_jpeg("run", 3)


def test_arrays_named_outside_the_run_are_not_read(tmp_path):
    run = make_run(tmp_path / "run")
    np.savez(tmp_path / "secret.npz", rgb=np.full((6, 8, 3), 255, np.uint8))
    db = sqlite3.connect(run / "records.sqlite")
    with db:
        db.execute("UPDATE attempt SET arrays = '../secret.npz' WHERE id = 1")
    db.close()
    with pytest.raises(UnreadableAttempt, match="named outside the run"):
        RunStore.reader(run).arrays(1)
    assert RunLibrary(tmp_path).head_jpeg("run", 1) is None


def test_one_bad_run_does_not_empty_the_replay_list(tmp_path, caplog):
    make_run(tmp_path / "good")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "records.sqlite").write_bytes(b"this is not sqlite" * 100)
    with caplog.at_level(logging.WARNING):
        assert [run["run"] for run in RunLibrary(tmp_path).runs()] == ["good"]
    assert "bad" in caplog.text


def test_a_write_cut_short_leaves_no_stray_file_once_reopened(tmp_path):
    run = make_run(tmp_path / "run", attempts=1)
    (run / "arrays" / "attempt_000002.npz.tmp").write_bytes(b"half an attempt")
    RunStore(run).close()
    assert sorted(p.name for p in (run / "arrays").iterdir()) == ["attempt_000001.npz"]


def test_the_disk_margin_stops_recording_before_the_robot_moves(tmp_path):
    store = RunStore(tmp_path / "run")
    writer = BackgroundWriter(store, min_free_bytes=shutil.disk_usage(tmp_path).free * 2)
    with pytest.raises(StorageError, match="MB free on its disk"):
        writer.check()


@pytest.mark.slow
def test_a_full_disk_stops_the_run_and_keeps_every_stored_attempt(tmp_path, monkeypatch, capsys):
    """A real 2 MB filesystem: the run stops with one line once an attempt cannot be stored, and
    what was stored before reads back."""
    from ivfp_bt.cli.main import main

    disk = tmp_path / "disk"
    mount("tmpfs", disk, "-t", "tmpfs", "-o", "size=2m")
    try:
        monkeypatch.setattr(writer_module, "MIN_FREE_BYTES", 0)    # let it fill up, to see the write fail
        code = main(["run", "trees/collect_demos.yaml", "--picks", "12", "--seed", "2", "--tick-hz", "0",
                     "--record", str(disk / "run")])
        err = capsys.readouterr().err
        assert code == 1 and "could not be stored" in err and "No space left on device" in err
        store = RunStore.reader(disk / "run")
        assert 1 <= len(store) < 12
        for attempt in store.ids():
            store.check_arrays(attempt)
        assert not list((disk / "run" / "arrays").glob("*.tmp"))
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
