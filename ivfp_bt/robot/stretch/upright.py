"""Stretch's D435i is mounted on its side: turn its images and intrinsics upright, as stretch_ros does.

Turning an image 90° clockwise maps pixel (u, v) of a W x H image to (H - 1 - v, u). The
normalised coordinates turn with it (x' = -y, y' = x), which swaps the focal lengths and
turns the Brown-Conrady tangential terms into (p1', p2') = (p2, -p1); radial terms stay.
"""

from __future__ import annotations

import numpy as np

from ivfp_bt.robot.interface import CameraIntrinsics


def rotate_image(image: np.ndarray) -> np.ndarray:
    """The image turned 90° clockwise (copy, contiguous)."""
    return np.ascontiguousarray(np.rot90(image, k=-1))


def rotate_intrinsics(k: CameraIntrinsics) -> CameraIntrinsics:
    k1, k2, p1, p2, k3 = (tuple(k.distortion) + (0.0,) * 5)[:5]
    return CameraIntrinsics(width=k.height, height=k.width, fx=k.fy, fy=k.fx,
                            cx=k.height - 1 - k.cy, cy=k.cx, distortion=(k1, k2, p2, -p1, k3), model=k.model)
