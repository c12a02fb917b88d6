"""Grasp candidates (width, u, v) on the target's mask, and the heuristic strategies that rank them.

A candidate carries the probability its proposing policy gave it, so that grasps logged by
one policy can train another (off-policy learning needs the behaviour probability).
Pixels become base-frame points through the head camera's intrinsics and pose.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ivfp_bt.calibration.camera_model import deproject
from ivfp_bt.errors import UserError
from ivfp_bt.robot.interface import RGBDFrame

MIN_WIDTH = 0.02          # the narrowest pre-grasp aperture worth trying, metres
MAX_WIDTH = 0.12          # just under fully open
WIDTH_MARGIN = 0.02       # opened this much wider than the item, 1 cm a side
DEPTH_WINDOW = 2          # pixels either side for a robust depth reading


class NoTarget(UserError):
    """The observation shows no target to grasp."""


@dataclass(frozen=True)
class GraspCandidate:
    width: float                          # pre-grasp aperture, metres
    u: int                                # column in the head image
    v: int                                # row in the head image
    point: tuple[float, float, float]     # the surface point at (u, v), base frame
    probability: float                    # what the proposing policy gave this grasp
    score: float = 0.0                    # the ranking value (predicted success where known)

    def to_record(self) -> dict:
        return asdict(self)


def target_pixels(frame: RGBDFrame) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) of target pixels with a depth reading."""
    if frame.target_mask is None:
        raise NoTarget("the observation has no target mask: tell the robot which item to pick")
    rows, cols = np.nonzero(frame.target_mask & (frame.depth > 0))
    if rows.size == 0:
        why = f": {frame.target_note}" if frame.target_note else ""
        raise NoTarget(f"the target is not visible from the head camera{why}")
    return rows, cols


def target_depth_mask(frame: RGBDFrame) -> np.ndarray:
    """The target pixels with a depth reading as a bool image (where the policy may grasp)."""
    rows, cols = target_pixels(frame)
    mask = np.zeros(frame.depth.shape, dtype=bool)
    mask[rows, cols] = True
    return mask


def surface_point(frame: RGBDFrame, u: int, v: int) -> np.ndarray:
    """Base-frame point at pixel (u, v): the median target depth around it, deprojected."""
    v0, u0 = max(0, v - DEPTH_WINDOW), max(0, u - DEPTH_WINDOW)
    window = frame.depth[v0:v + DEPTH_WINDOW + 1, u0:u + DEPTH_WINDOW + 1]
    if frame.target_mask is not None:
        window = window[frame.target_mask[v0:v + DEPTH_WINDOW + 1, u0:u + DEPTH_WINDOW + 1]]
    valid = window[window > 0]
    if valid.size == 0:
        raise NoTarget(f"no depth at pixel ({u}, {v})")
    return deproject(u, v, float(np.median(valid)), frame.intrinsics, frame.camera_pose)


def target_top(frame: RGBDFrame) -> float:
    """Height of the target's top in the base frame (a high percentile of its seen points)."""
    rows, cols = target_pixels(frame)
    k = frame.intrinsics
    z = frame.depth[rows, cols]
    camera = np.stack([(cols - k.cx) / k.fx * z, (rows - k.cy) / k.fy * z, z])
    heights = frame.camera_pose[2, :3] @ camera + frame.camera_pose[2, 3]
    return float(np.percentile(heights, 98))


def width_at(frame: RGBDFrame, u: int, v: int) -> float:
    """Pre-grasp aperture for a grasp at (u, v): the target's span across the gripper
    (base x) along image row v, plus a margin, within what the gripper can open."""
    rows, cols = target_pixels(frame)
    in_row = cols[rows == v]
    if in_row.size < 2:
        return MAX_WIDTH
    left = surface_point(frame, int(in_row.min()), v)
    right = surface_point(frame, int(in_row.max()), v)
    return float(np.clip(abs(right[0] - left[0]) + WIDTH_MARGIN, MIN_WIDTH, MAX_WIDTH))


def candidate_at(frame: RGBDFrame, u: int, v: int, probability: float, score: float = 0.0,
                 width: float | None = None) -> GraspCandidate:
    point = surface_point(frame, u, v)
    width = width_at(frame, u, v) if width is None else width
    return GraspCandidate(width, int(u), int(v), tuple(float(x) for x in point), float(probability), float(score))


def centroid_candidates(frame: RGBDFrame, count: int = 1) -> list[GraspCandidate]:
    """The mask's centroid (snapped onto the mask for concave shapes), then the target
    pixels nearest to it: the paper's Centroid baseline, deterministic (probability 1 for the first)."""
    rows, cols = target_pixels(frame)
    cv, cu = rows.mean(), cols.mean()
    order = np.argsort((rows - cv) ** 2 + (cols - cu) ** 2, kind="stable")
    picked: list[GraspCandidate] = []
    for index in order:
        if len(picked) == count:
            break
        if all((rows[index] - c.v) ** 2 + (cols[index] - c.u) ** 2 > 100 for c in picked):
            picked.append(candidate_at(frame, int(cols[index]), int(rows[index]), 1.0 if not picked else 0.0))
    return picked


def random_candidates(frame: RGBDFrame, rng: np.random.Generator, count: int = 1) -> list[GraspCandidate]:
    """Target pixels drawn uniformly: the paper's Random baseline. Each has probability 1/|mask|."""
    rows, cols = target_pixels(frame)
    draws = rng.integers(rows.size, size=count)
    return [candidate_at(frame, int(cols[i]), int(rows[i]), 1.0 / rows.size) for i in draws]
