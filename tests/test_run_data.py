"""A recorded run read back: the torch Dataset, and the LeRobot v3.0 export."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ivfp_bt.cli.main import main
from ivfp_bt.sidecar.store import RunStore


@pytest.fixture
def run_dir(demos_run):
    return demos_run


def test_the_dataset_gives_tensors_and_labels_of_each_attempt(run_dir):
    torch = pytest.importorskip("torch")
    from ivfp_bt.sidecar.dataset import AttemptDataset

    everything = AttemptDataset([run_dir])
    probed = AttemptDataset([run_dir], require=["probe_video", "label"])
    assert len(everything) >= 3 and 1 <= len(probed) <= len(everything)
    item = probed[0]
    assert item["probe_video"].dtype == torch.uint8 and item["probe_video"].shape[1:] == (3, 224, 224)
    assert item["rgb"].shape[0] == 3 and item["mask"].dtype == torch.bool
    assert item["label"] in ("success", "fail_not_picked", "fail_multipick", "fail_wrong_item")
    assert item["reward"] == (1.0 if item["label"] == "success" else -1.0)
    assert item["probability"] == 1.0 and item["action"].shape == (3,)
    batch = torch.utils.data.default_collate([{"video": probed[i]["probe_video"][:8]} for i in range(len(probed))])
    assert batch["video"].shape[0] == len(probed)


def test_reading_runs_never_creates_one(tmp_path, monkeypatch):
    pytest.importorskip("torch")
    from ivfp_bt.errors import UserError
    from ivfp_bt.sidecar.dataset import chosen_attempts

    monkeypatch.chdir(tmp_path)
    with pytest.raises(TypeError, match="list of run directories"):
        with chosen_attempts("data/clips", lambda record: True):
            pass
    with pytest.raises(UserError, match="no records.sqlite"):
        with chosen_attempts([tmp_path / "missing"], lambda record: True):
            pass
    assert list(tmp_path.iterdir()) == []


def test_lerobot_export_writes_the_v3_layout_with_rewards(run_dir, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    av = pytest.importorskip("av")
    out = tmp_path / "lerobot"
    assert main(["export", "lerobot", str(run_dir), str(out)]) == 0
    info = json.loads((out / "meta/info.json").read_text())
    assert info["codebase_version"] == "v3.0" and info["total_episodes"] >= 1 and info["fps"] == 8
    table = pq.read_table(out / "data/chunk-000/file-000.parquet")
    assert str(table.schema.field("action").type) == "fixed_size_list<element: float>[6]"
    assert str(table.schema.field("next.reward").type) == "float"
    data = table.to_pylist()
    assert len(data) == info["total_frames"]
    assert {"observation.state", "action", "next.reward", "next.done", "next.success", "episode_index", "index",
            "timestamp"} <= set(data[0])
    assert info["features"]["observation.state"]["names"] == ["arm", "base", "gripper", "lift", "wrist_yaw"]
    tasks = pq.read_table(out / "meta/tasks.parquet")
    assert json.loads(tasks.schema.metadata[b"pandas"])["index_columns"] == ["task"]   # LeRobot's task text
    ends = [row for row in data if row["next.done"]]
    assert len(ends) == info["total_episodes"]
    store = RunStore(run_dir)
    rewards = {i: store.record(i).get("reward") for i in store.ids()}
    store.close()
    # the attempt's reward on its last frame; an attempt that was never labelled (its probe
    # failed) still exports its video, with reward 0
    assert [row["next.reward"] for row in ends] == [rewards[row["attempt_id"]] or 0.0 for row in ends]
    assert any(row["next.reward"] in (1.0, -1.0) for row in ends)
    assert all(row["next.reward"] == 0.0 for row in data if not row["next.done"])
    episodes = pq.read_table(out / "meta/episodes/chunk-000/file-000.parquet").to_pylist()
    assert sum(e["length"] for e in episodes) == len(data)
    first = episodes[0]
    assert np.array(first["stats/observation.images.wrist/mean"]).shape == (3, 1, 1)
    assert first["stats/observation.state/count"] == [first["length"]]
    for key in ("observation.images.wrist", "observation.images.head"):
        with av.open(str(out / info["video_path"].format(video_key=key, chunk_index=0, file_index=0))) as video:
            frames = [f.to_ndarray(format="rgb24") for f in video.decode(video=0)]
        assert len(frames) == len(data) and list(frames[0].shape) == info["features"][key]["shape"]
    stats = json.loads((out / "meta/stats.json").read_text())
    assert np.isfinite(stats["action"]["mean"]).all()
    assert np.array(stats["observation.images.head"]["std"]).shape == (3, 1, 1)
    assert stats["observation.state"]["count"] == [len(data)] and set(stats["observation.state"]) == {
        "min", "max", "mean", "std", "count", "q01", "q10", "q50", "q90", "q99"}


def test_export_refuses_probes_without_joint_positions(run_dir, tmp_path, capsys):
    import shutil
    import sqlite3

    copy = tmp_path / "old"
    shutil.copytree(run_dir, copy)
    with sqlite3.connect(copy / "records.sqlite") as db:   # as a run recorded before the joints were kept
        for attempt_id, record in db.execute("SELECT id, record FROM attempt").fetchall():
            stripped = {k: v for k, v in json.loads(record).items() if k != "probe_joint_names"}
            db.execute("UPDATE attempt SET record = ? WHERE id = ?", (json.dumps(stripped), attempt_id))
    assert main(["export", "lerobot", str(copy), str(tmp_path / "ds")]) == 1
    assert "kept no joint positions" in capsys.readouterr().err


def test_export_refuses_what_is_not_a_run(tmp_path, capsys):
    assert main(["export", "lerobot", str(tmp_path), str(tmp_path / "out")]) == 1
    assert "not a run directory" in capsys.readouterr().err


def test_a_damaged_attempt_costs_its_episode_not_the_export(run_dir, tmp_path, caplog):
    import logging
    import shutil

    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    store = RunStore.reader(copy)
    probed = [i for i in store.ids() if "probe_video" in store.arrays(i)]
    damaged = copy / "arrays" / f"attempt_{probed[0]:06d}.npz"
    damaged.write_bytes(damaged.read_bytes()[:200])
    with caplog.at_level(logging.WARNING):
        assert main(["export", "lerobot", str(copy), str(tmp_path / "ds")]) == 0
    info = json.loads((tmp_path / "ds" / "meta" / "info.json").read_text())
    assert info["total_episodes"] == len(probed) - 1
    assert f"attempt {probed[0]}: its arrays cannot be read" in caplog.text
