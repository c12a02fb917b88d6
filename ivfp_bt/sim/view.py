"""Images of a scene as the robot sees it: head colour, depth, target mask, wrist view."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from ivfp_bt.sim.sim_robot import SimRobot


def depth_image(depth: np.ndarray) -> np.ndarray:
    """Depth in metres as a colour-mapped uint8 image (black where there is none)."""
    valid = depth > 0
    if not valid.any():
        return np.zeros((*depth.shape, 3), np.uint8)
    lo, hi = np.percentile(depth[valid], [1, 99])
    scaled = np.clip((depth - lo) / max(hi - lo, 1e-6), 0, 1)
    image = cv2.applyColorMap((255 * (1 - scaled)).astype(np.uint8), cv2.COLORMAP_TURBO)
    image[~valid] = 0
    return image


def save_views(robot: SimRobot, out_dir: Path) -> list[Path]:
    """Write head_rgb.png, head_depth.png (+ .npy in metres), target_mask.png and wrist.png."""
    out_dir.mkdir(parents=True, exist_ok=True)
    frame = robot.head_frame()
    overlay = frame.color.copy()
    overlay[frame.target_mask] = (0.5 * overlay[frame.target_mask] + [0, 127, 0]).astype(np.uint8)
    files = {
        "head_rgb.png": frame.color[:, :, ::-1],
        "head_depth.png": depth_image(frame.depth),
        "target_mask.png": (frame.target_mask * 255).astype(np.uint8),
        "target_overlay.png": overlay[:, :, ::-1],
        "wrist.png": robot.wrist_camera.latest().image[:, :, ::-1],
    }
    written = []
    for name, image in files.items():
        cv2.imwrite(str(out_dir / name), image)
        written.append(out_dir / name)
    np.save(out_dir / "head_depth_m.npy", frame.depth)
    written.append(out_dir / "head_depth_m.npy")
    return written
