"""Optical flow, the third modality of the anticipation monitor: OpenCV's DIS (dense inverse
search) between consecutive frames, computed on the fly. The second paper used FlowNet2 on a
GPU; DIS at its ultrafast preset costs well under a millisecond per 112² pair on a CPU."""

from __future__ import annotations

import cv2
import numpy as np

FLOW_SCALE_PX = 8.0    # flows are divided by this, then clipped to ±CLIP, as the network's input
CLIP = 3.0

_dis: cv2.DISOpticalFlow | None = None


def _solver() -> cv2.DISOpticalFlow:
    global _dis
    if _dis is None:
        _dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST)
    return _dis


def gray(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)


def flow_between(previous: np.ndarray, current: np.ndarray) -> np.ndarray:
    """(H, W, 2) float32 pixel displacements from ``previous`` to ``current`` (grey uint8)."""
    if previous is current or np.array_equal(previous, current):
        return np.zeros((*current.shape, 2), np.float32)
    return _solver().calc(previous, current, None)


def sequence_flow(frames: list[np.ndarray]) -> np.ndarray:
    """(T, 2, H, W) normalised flow for T RGB frames: frame t's flow is from frame t-1 (zero for
    the first), so a repeated (padded) frame has none."""
    greys = [gray(f) for f in frames]
    flows = [np.zeros((*greys[0].shape, 2), np.float32)]
    flows += [flow_between(a, b) for a, b in zip(greys, greys[1:])]
    stacked = np.stack(flows).transpose(0, 3, 1, 2) / FLOW_SCALE_PX
    return np.clip(stacked, -CLIP, CLIP).astype(np.float32)
