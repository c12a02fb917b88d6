"""A run's probed grasps as a LeRobot v3.0 dataset, written with pyarrow and PyAV, laid out as
LeRobot 0.6's own ``LeRobotDataset`` writes one (checked in CI by LeRobot's loader and trainer).

One episode per attempt that has a probe video; one frame per video frame, at the probe's
rate (an integer number of frames per second, as LeRobot requires). Features: the wrist
video, the head image (repeated; it compresses to almost nothing), the joint positions at
each frame as ``observation.state``, the grasp as ``action`` (width, u, v, x, y, z) with
its behaviour probability, and the conventional ``next.reward`` / ``next.done`` /
``next.success`` on the last frame. Everything goes in chunk 000, file 000 (runs here are
far below LeRobot's file size limits).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ivfp_bt.errors import UserError
from ivfp_bt.export.lerobot_stats import flat, image_stats, vector_stats
from ivfp_bt.sidecar.store import RunStore, UnreadableAttempt, warn_skipped

CODEBASE_VERSION = "v3.0"
TASK = "pick the target item from the bin"
ACTION_NAMES = ["width", "u", "v", "x", "y", "z"]
CODEC, PIX_FMT = "h264", "yuv420p"
VIDEOS = ("observation.images.wrist", "observation.images.head")
# Column types as LeRobot's writer gives them: vectors as fixed-size float32 lists, the rest scalars.
SCALARS = {"action.probability": "float32", "next.reward": "float32", "next.done": "bool", "next.success": "bool",
           "attempt_id": "int64", "timestamp": "float32", "frame_index": "int64", "episode_index": "int64",
           "index": "int64", "task_index": "int64"}


def export_lerobot(run_dir: Path, out: Path, fps: int | None = None) -> dict:
    """Write ``run_dir``'s probed attempts to ``out``; returns info.json's content."""
    with RunStore.reader(run_dir) as store:
        episodes = [(i, store.record(i), arrays) for i in store.ids() if "probe_video" in (arrays := _arrays(store, i))]
    if not episodes:
        raise UserError(f"{run_dir}: no attempt with a probe video to export (record a tree that probes, "
                        "such as trees/collect_demos.yaml)")
    if (out / "meta" / "info.json").exists():
        raise UserError(f"{out}: already holds a dataset; choose a new directory")
    state_names = _state_names(run_dir, episodes)
    fps = fps or _rate(episodes[0][2]["probe_times"])
    frames, episode_rows, videos = [], [], {key: [] for key in VIDEOS}
    for index, (attempt_id, record, arrays) in enumerate(episodes):
        rows = _frames(index, attempt_id, record, arrays["probe_joints"], fps, len(frames))
        offset = sum(len(clip) for clip in videos["observation.images.wrist"])
        videos["observation.images.wrist"].append(arrays["probe_video"])
        videos["observation.images.head"].append(np.repeat(arrays["rgb"][None], len(rows), axis=0))
        stats = {**_column_stats(rows), "observation.images.wrist": image_stats(arrays["probe_video"]),
                 "observation.images.head": image_stats(arrays["rgb"][None], repeats=len(rows))}
        episode_rows.append({**_episode(index, len(rows), len(frames), fps, offset), **flat(stats)})
        frames += rows
    _write_tables(out, frames, episode_rows, len(state_names))
    shapes = {key: _write_video(out / f"videos/{key}/chunk-000/file-000.mp4", np.concatenate(clips), fps)
              for key, clips in videos.items()}
    info = _info(len(episodes), len(frames), fps, shapes, state_names)
    (out / "meta/info.json").write_text(json.dumps(info, indent=2))
    stats = {**_column_stats(frames),
             **{key: image_stats(np.concatenate(clips)) for key, clips in videos.items()}}
    (out / "meta/stats.json").write_text(json.dumps(stats, indent=2))
    return info


def _arrays(store: RunStore, attempt: int) -> dict[str, np.ndarray]:
    try:
        return store.arrays(attempt)
    except UnreadableAttempt as error:   # one damaged file loses that episode, not the export
        warn_skipped(error)
        return {}


def _state_names(run_dir: Path, episodes: list) -> list[str]:
    names = {tuple(record.get("probe_joint_names") or ()) for _, record, arrays in episodes if "probe_joints" in arrays}
    if len(names) != 1 or () in names or any("probe_joints" not in arrays for _, _, arrays in episodes):
        raise UserError(f"{run_dir}: its probes kept no joint positions (recorded before ivfp-bt kept them), "
                        "which LeRobot's observation.state needs; record the run again")
    return list(names.pop())


def _rate(times: np.ndarray) -> int:
    rate = 1.0 / float(np.median(np.diff(times))) if len(times) > 1 else 1.0
    if abs(rate - round(rate)) > 0.05 * rate:
        raise UserError(f"the probe video runs at {rate:.2f} frames/s; LeRobot needs a whole number "
                        "(record with a Probe rate_hz that is one)")
    return int(round(rate))


def _frames(episode: int, attempt_id: int, record: dict, joints: np.ndarray, fps: int, first: int) -> list[dict]:
    grasp = record.get("grasp", {})
    action = [grasp.get("width", 0.0), grasp.get("u", 0), grasp.get("v", 0), *grasp.get("point", (0.0, 0.0, 0.0))]
    reward = record.get("reward")
    truth = record.get("outcome") or record.get("foreseen_outcome") or record.get("label")
    n = len(joints)
    return [{"observation.state": [float(j) for j in joints[k]], "action": [float(a) for a in action],
             "action.probability": float(grasp.get("probability", 1.0)),
             "timestamp": k / fps, "frame_index": k, "episode_index": episode, "index": first + k, "task_index": 0,
             "attempt_id": attempt_id,
             "next.reward": float(reward) if (reward is not None and k == n - 1) else 0.0,
             "next.done": k == n - 1, "next.success": bool(k == n - 1 and truth == "success")} for k in range(n)]


def _column_stats(rows: list[dict]) -> dict[str, dict[str, list]]:
    keys = ["observation.state", "action", *SCALARS]
    return {key: vector_stats(np.array([row[key] for row in rows], dtype=np.float64)) for key in keys}


def _episode(index: int, n: int, first: int, fps: int, video_offset: int) -> dict:
    row = {"episode_index": index, "tasks": [TASK], "length": n, "data/chunk_index": 0, "data/file_index": 0,
           "dataset_from_index": first, "dataset_to_index": first + n,
           "meta/episodes/chunk_index": 0, "meta/episodes/file_index": 0}
    for key in VIDEOS:
        row.update({f"videos/{key}/chunk_index": 0, f"videos/{key}/file_index": 0,
                    f"videos/{key}/from_timestamp": video_offset / fps,
                    f"videos/{key}/to_timestamp": (video_offset + n) / fps})
    return row


def _write_tables(out: Path, frames: list[dict], episode_rows: list[dict], state_size: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    for sub in ("data/chunk-000", "meta/episodes/chunk-000"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    schema = pa.schema([("observation.state", pa.list_(pa.float32(), state_size)),
                        ("action", pa.list_(pa.float32(), len(ACTION_NAMES))),
                        *[(key, pa.bool_() if kind == "bool" else getattr(pa, kind)()) for key, kind in SCALARS.items()]])
    pq.write_table(pa.Table.from_pylist(frames, schema=schema), out / "data/chunk-000/file-000.parquet")
    pq.write_table(pa.Table.from_pylist(episode_rows), out / "meta/episodes/chunk-000/file-000.parquet")
    # LeRobot reads tasks with pandas, the task text as the index
    tasks = pa.table({"task_index": pa.array([0], pa.int64()), "task": [TASK]})
    pq.write_table(tasks.replace_schema_metadata({b"pandas": json.dumps(_PANDAS_TASKS).encode()}),
                   out / "meta/tasks.parquet")


_PANDAS_TASKS = {
    "index_columns": ["task"],
    "column_indexes": [{"name": None, "field_name": None, "pandas_type": "unicode", "numpy_type": "object",
                        "metadata": {"encoding": "UTF-8"}}],
    "columns": [{"name": "task_index", "field_name": "task_index", "pandas_type": "int64", "numpy_type": "int64",
                 "metadata": None},
                {"name": "task", "field_name": "task", "pandas_type": "unicode", "numpy_type": "object",
                 "metadata": None}],
    "attributes": {}, "creator": {"library": "pyarrow"}, "pandas_version": "2.3.3"}


def _write_video(path: Path, frames: np.ndarray, fps: int) -> tuple[int, int, int]:
    import av

    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.height, stream.width = frames.shape[1], frames.shape[2]
        stream.pix_fmt = PIX_FMT
        for frame in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return tuple(frames.shape[1:])


def _info(episodes: int, frames: int, fps: int, shapes: dict, state_names: list[str]) -> dict:
    features = {key: {"dtype": "video", "shape": list(shape), "names": ["height", "width", "channels"],
                      "info": {"video.height": shape[0], "video.width": shape[1], "video.codec": CODEC,
                               "video.pix_fmt": PIX_FMT, "video.fps": fps, "video.channels": 3,
                               "has_audio": False, "is_depth_map": False}} for key, shape in shapes.items()}
    features.update({
        "observation.state": {"dtype": "float32", "shape": [len(state_names)], "names": state_names},
        "action": {"dtype": "float32", "shape": [len(ACTION_NAMES)], "names": ACTION_NAMES},
        **{key: {"dtype": kind, "shape": [1], "names": None} for key, kind in SCALARS.items()}})
    return {"codebase_version": CODEBASE_VERSION, "robot_type": "stretch_re1", "total_episodes": episodes,
            "total_frames": frames, "total_tasks": 1, "chunks_size": 1000, "data_files_size_in_mb": 100,
            "video_files_size_in_mb": 500, "fps": fps, "splits": {"train": f"0:{episodes}"},
            "data_path": "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet",
            "video_path": "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4",
            "features": features}
