"""Turns what leaves did into attempt records: JSON fields plus arrays for the store.

Per attempt: the pick's context (scene, seed, objects, target), the observation (RGB,
depth, mask), the candidates, the chosen grasp with its behaviour probability and 3D point,
the probe video, the classifier's P(success), the reward, the label, the ground truth
(simulation) and the durations of each step; and a clip (RGB, depth, times) where a leaf
recorded one for the anticipation monitor.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ivfp_bt.robot.interface import RGBDFrame, TimedFrame
from ivfp_bt.sidecar.store import Attempt

ARRAY_FIELDS = ("observation", "probe_video", "clip")


class AttemptBuilder:
    def __init__(self, pick_context: dict[str, Any], pick_records: dict[str, Any], started: float):
        self.record: dict[str, Any] = {"pick": dict(pick_context)}
        self.started = started
        self.values: dict[str, Any] = dict(pick_records)
        self.transitions: list[tuple[int, float, str, str]] = []

    def add(self, leaf_record: dict[str, Any]) -> None:
        self.values.update(leaf_record)

    def build(self, finished: float) -> Attempt:
        record, arrays = dict(self.record), {}
        for key, value in self.values.items():
            if key == "observation" and isinstance(value, RGBDFrame):
                arrays.update(observation_arrays(value))
                record["camera"] = {"intrinsics": [value.intrinsics.fx, value.intrinsics.fy, value.intrinsics.cx,
                                                   value.intrinsics.cy], "pose": value.camera_pose.tolist(),
                                    "time": value.time}
            elif key == "probe_video":
                if value:
                    arrays["probe_video"] = np.stack([f.image for f in value])
                    arrays["probe_times"] = np.array([f.time for f in value])
            elif key == "probe_joints":
                arrays["probe_joints"] = np.asarray(value, dtype=np.float32)
            elif key == "clip":
                arrays.update(clip_arrays(value))
            else:
                record[key] = value
        record.setdefault("reward", None)
        return Attempt(self.started, finished, record, arrays, self.transitions)


def observation_arrays(frame: RGBDFrame) -> dict[str, np.ndarray]:
    arrays = {"rgb": frame.color, "depth": frame.depth.astype(np.float32)}
    if frame.target_mask is not None:
        arrays["mask"] = frame.target_mask.astype(bool)
    return arrays


def clip_arrays(frames: list[TimedFrame]) -> dict[str, np.ndarray]:
    """A clip as arrays: colour (uint8), times, and depth (float16 metres) where it was recorded."""
    if not frames:
        return {}
    arrays = {"clip_rgb": np.stack([f.image for f in frames]), "clip_times": np.array([f.time for f in frames])}
    if all(f.depth is not None for f in frames):
        arrays["clip_depth"] = np.stack([f.depth for f in frames]).astype(np.float16)
    return arrays
