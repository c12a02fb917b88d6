"""A run's probed grasps as a LeRobot v3.0 dataset (REFERENCE.md), written with pyarrow and PyAV.

One episode per attempt that has a probe video; one frame per video frame, at the probe's
rate. Features: the wrist video, the head image (repeated; it compresses to almost nothing),
the grasp as ``action`` (width, u, v, x, y, z) with its behaviour probability, and the
conventional ``next.reward`` / ``next.done`` / ``next.success`` on the last frame. Everything
goes in chunk 000, file 000 (runs here are far below LeRobot's file size limits).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ivfp_bt.errors import UserError
from ivfp_bt.sidecar.store import RunStore, UnreadableAttempt, warn_skipped

CODEBASE_VERSION = "v3.0"
TASK = "pick the target item from the bin"
ACTION_NAMES = ["width", "u", "v", "x", "y", "z"]
CODEC, PIX_FMT = "h264", "yuv420p"


def export_lerobot(run_dir: Path, out: Path, fps: float | None = None) -> dict:
    """Write ``run_dir``'s probed attempts to ``out``; returns info.json's content."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    with RunStore.reader(run_dir) as store:
        episodes = [(i, store.record(i), arrays) for i in store.ids() if "probe_video" in (arrays := _arrays(store, i))]
    if not episodes:
        raise UserError(f"{run_dir}: no attempt with a probe video to export (record a tree that probes, "
                        "such as trees/collect_demos.yaml)")
    if (out / "meta" / "info.json").exists():
        raise UserError(f"{out}: already holds a dataset; choose a new directory")
    fps = fps or _rate(episodes[0][2]["probe_times"])
    rows, episode_rows, videos = [], [], {"observation.images.wrist": [], "observation.images.head": []}
    for index, (attempt_id, record, arrays) in enumerate(episodes):
        first, n = len(rows), len(arrays["probe_video"])
        rows += _frames(index, attempt_id, record, n, fps, first)
        videos["observation.images.wrist"].append(arrays["probe_video"])
        videos["observation.images.head"].append(np.repeat(arrays["rgb"][None], n, axis=0))
        episode_rows.append(_episode(index, n, first, fps, sum(len(v) for v in videos["observation.images.wrist"][:-1])))
    out.mkdir(parents=True, exist_ok=True)
    for sub in ("data/chunk-000", "meta/episodes/chunk-000"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), out / "data/chunk-000/file-000.parquet")
    pq.write_table(pa.Table.from_pylist(episode_rows), out / "meta/episodes/chunk-000/file-000.parquet")
    pq.write_table(pa.table({"task_index": [0], "task": [TASK]}), out / "meta/tasks.parquet")
    shapes = {key: _write_video(out / f"videos/{key}/chunk-000/file-000.mp4", np.concatenate(clips), fps)
              for key, clips in videos.items()}
    info = _info(len(episodes), len(rows), fps, shapes)
    (out / "meta/info.json").write_text(json.dumps(info, indent=2))
    (out / "meta/stats.json").write_text(json.dumps(_stats(rows), indent=2))
    return info


def _arrays(store: RunStore, attempt: int) -> dict[str, np.ndarray]:
    try:
        return store.arrays(attempt)
    except UnreadableAttempt as error:   # one damaged file loses that episode, not the export
        warn_skipped(error)
        return {}


def _rate(times: np.ndarray) -> float:
    return float(round(1.0 / np.median(np.diff(times)), 3)) if len(times) > 1 else 1.0


def _frames(episode: int, attempt_id: int, record: dict, n: int, fps: float, first: int) -> list[dict]:
    grasp = record.get("grasp", {})
    action = [grasp.get("width", 0.0), grasp.get("u", 0), grasp.get("v", 0), *grasp.get("point", (0.0, 0.0, 0.0))]
    reward = record.get("reward")
    truth = record.get("outcome") or record.get("foreseen_outcome") or record.get("label")
    return [{"action": [float(a) for a in action], "action.probability": float(grasp.get("probability", 1.0)),
             "timestamp": k / fps, "frame_index": k, "episode_index": episode, "index": first + k, "task_index": 0,
             "attempt_id": attempt_id,
             "next.reward": float(reward) if (reward is not None and k == n - 1) else 0.0,
             "next.done": k == n - 1, "next.success": bool(k == n - 1 and truth == "success")} for k in range(n)]


def _episode(index: int, n: int, first: int, fps: float, video_offset: int) -> dict:
    row = {"episode_index": index, "tasks": [TASK], "length": n, "data/chunk_index": 0, "data/file_index": 0,
           "dataset_from_index": first, "dataset_to_index": first + n,
           "meta/episodes/chunk_index": 0, "meta/episodes/file_index": 0}
    for key in ("observation.images.wrist", "observation.images.head"):
        row.update({f"videos/{key}/chunk_index": 0, f"videos/{key}/file_index": 0,
                    f"videos/{key}/from_timestamp": video_offset / fps,
                    f"videos/{key}/to_timestamp": (video_offset + n) / fps})
    return row


def _write_video(path: Path, frames: np.ndarray, fps: float) -> tuple[int, int, int]:
    import av
    from fractions import Fraction

    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1000))
        stream.height, stream.width = frames.shape[1], frames.shape[2]
        stream.pix_fmt = PIX_FMT
        for frame in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return tuple(frames.shape[1:])


def _info(episodes: int, frames: int, fps: float, shapes: dict) -> dict:
    features = {key: {"dtype": "video", "shape": list(shape), "names": ["height", "width", "channels"],
                      "info": {"video.height": shape[0], "video.width": shape[1], "video.codec": CODEC,
                               "video.pix_fmt": PIX_FMT, "video.is_depth_map": False, "video.fps": fps,
                               "video.channels": 3, "has_audio": False}} for key, shape in shapes.items()}
    features.update({
        "action": {"dtype": "float32", "shape": [len(ACTION_NAMES)], "names": ACTION_NAMES},
        "action.probability": {"dtype": "float32", "shape": [1], "names": None},
        "next.reward": {"dtype": "float32", "shape": [1], "names": None},
        "next.done": {"dtype": "bool", "shape": [1], "names": None},
        "next.success": {"dtype": "bool", "shape": [1], "names": None},
        "attempt_id": {"dtype": "int64", "shape": [1], "names": None},
        **{k: {"dtype": "int64" if k != "timestamp" else "float32", "shape": [1], "names": None}
           for k in ("timestamp", "frame_index", "episode_index", "index", "task_index")}})
    return {"codebase_version": CODEBASE_VERSION, "robot_type": "stretch_re1", "total_episodes": episodes,
            "total_frames": frames, "total_tasks": 1, "chunks_size": 1000, "data_files_size_in_mb": 100,
            "video_files_size_in_mb": 500, "fps": fps, "splits": {"train": f"0:{episodes}"},
            "data_path": "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet",
            "video_path": "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4",
            "features": features}


def _stats(rows: list[dict]) -> dict:
    stats = {}
    for key in ("action", "action.probability", "next.reward"):
        values = np.array([np.atleast_1d(r[key]) for r in rows], dtype=np.float64)
        stats[key] = {"min": values.min(0).tolist(), "max": values.max(0).tolist(), "mean": values.mean(0).tolist(),
                      "std": values.std(0).tolist(), "count": [len(values)]}
    return stats
