"""Blackboard values in a few words each, for the page (frames and videos are far too big to send)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ivfp_bt.pick.candidates import GraspCandidate
from ivfp_bt.robot.interface import RGBDFrame, TimedFrame

TEXT_LIMIT = 80


def describe(value: Any) -> Any:
    """A JSON value: plain values as they are, anything else as a short description."""
    if value is None or isinstance(value, (bool, int, str)):
        return value if not isinstance(value, str) else value[:TEXT_LIMIT]
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, RGBDFrame):
        height, width = value.depth.shape
        return f"RGB-D frame {width}x{height} at {value.time:.2f} s"
    if isinstance(value, GraspCandidate):
        return f"grasp at ({value.u}, {value.v}), width {100 * value.width:.1f} cm, p {value.probability:.3g}"
    if isinstance(value, np.ndarray):
        return f"array {tuple(value.shape)} {value.dtype}"
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, TimedFrame) for v in value):
            return f"video: {len(value)} frames, {value[-1].time - value[0].time:.2f} s"
        if value and all(isinstance(v, GraspCandidate) for v in value):
            return f"{len(value)} grasp candidate(s)"
        if len(value) <= 8 and all(isinstance(v, (bool, int, float, str)) for v in value):
            return [describe(v) for v in value]
        return f"{type(value).__name__} of {len(value)}"
    return repr(value)[:TEXT_LIMIT]


def blackboard_view(storage: dict[str, Any]) -> dict[str, Any]:
    return {key: describe(value) for key, value in sorted(storage.items())}
