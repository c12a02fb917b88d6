"""Camera calibration files (YAML) and the pixel + depth -> base-frame point mapping.

A file holds the head camera's intrinsics, distortion and pose in the robot base frame
(the optical frame: x right, y down, z forward), plus the grasping workspace:

    camera: head_d435i
    image_size: [240, 424]          # width, height, as the images arrive (upright)
    intrinsics: {fx: .., fy: .., cx: .., cy: ..}
    distortion: [k1, k2, p1, p2, k3]
    distortion_model: inverse_brown_conrady   # or brown_conrady (OpenCV's); what the camera reports
    pose_in_base: {translation: [x, y, z], rotation: [[..], [..], [..]]}
    workspace: {min: [x, y, z], max: [x, y, z]}
    head: {pan: .., tilt: ..}       # head joints (radians) the pose holds for; the robot goes there
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from ivfp_bt.errors import UserError
from ivfp_bt.robot.interface import CameraIntrinsics
from ivfp_bt.robot.limits import Workspace

DISTORTION_MODELS = ("brown_conrady", "inverse_brown_conrady")

@dataclass(frozen=True)
class CameraCalibration:
    name: str
    intrinsics: CameraIntrinsics
    pose: np.ndarray          # 4x4, optical frame in the base frame
    workspace: Workspace
    head: dict[str, float] | None = None     # {"pan": .., "tilt": ..}

    def to_yaml(self, comment: str = "") -> str:
        k = self.intrinsics
        header = "".join(f"# {line}\n" for line in comment.splitlines())
        head = {"head": {k: round(float(v), 6) for k, v in self.head.items()}} if self.head else {}
        return header + yaml.safe_dump({
            "camera": self.name,
            "image_size": [k.width, k.height],
            "intrinsics": {"fx": float(k.fx), "fy": float(k.fy), "cx": float(k.cx), "cy": float(k.cy)},
            "distortion": [float(d) for d in k.distortion],
            "distortion_model": k.model,
            "pose_in_base": {"translation": [round(float(v), 6) for v in self.pose[:3, 3]],
                             "rotation": [[round(float(v), 6) for v in row] for row in self.pose[:3, :3]]},
            "workspace": {"min": list(self.workspace.lower), "max": list(self.workspace.upper)},
            **head,
        }, sort_keys=False, default_flow_style=None)


def load_calibration(path: str | Path) -> CameraCalibration:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text())
    except OSError as e:
        raise UserError(f"{path}: cannot read calibration: {e.strerror}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise UserError(f"{where}: not valid YAML: {getattr(e, 'problem', e)}") from None
    try:
        width, height = (int(v) for v in raw["image_size"])
        k = raw["intrinsics"]
        intrinsics = CameraIntrinsics(width, height, float(k["fx"]), float(k["fy"]), float(k["cx"]), float(k["cy"]),
                                      tuple(float(d) for d in raw.get("distortion", [0, 0, 0, 0, 0])),
                                      str(raw.get("distortion_model", "brown_conrady")))
        if intrinsics.model not in DISTORTION_MODELS:
            raise ValueError(f"distortion_model {intrinsics.model!r} is not one of {', '.join(DISTORTION_MODELS)}")
        pose = np.eye(4)
        pose[:3, :3] = np.array(raw["pose_in_base"]["rotation"], dtype=float).reshape(3, 3)
        pose[:3, 3] = np.array(raw["pose_in_base"]["translation"], dtype=float).reshape(3)
        head = {k: float(raw["head"][k]) for k in ("pan", "tilt")} if "head" in raw else None
    except (KeyError, TypeError, ValueError) as e:
        raise UserError(f"{path}: calibration is missing or has a bad field ({e}); see calibration/README.md") from None
    if abs(np.linalg.det(pose[:3, :3]) - 1) > 1e-3:
        raise UserError(f"{path}: pose_in_base.rotation is not a rotation matrix")
    return CameraCalibration(str(raw.get("camera", path.stem)), intrinsics, pose,
                             Workspace.from_dict(raw.get("workspace", {}), str(path)), head)


def deproject(u: float, v: float, depth: float, intrinsics: CameraIntrinsics, pose: np.ndarray) -> np.ndarray:
    """The base-frame point seen at pixel (u, v) at ``depth`` metres along the optical axis."""
    if not depth > 0:
        raise ValueError(f"no depth at pixel ({u:.0f}, {v:.0f})")
    x, y = (u - intrinsics.cx) / intrinsics.fx, (v - intrinsics.cy) / intrinsics.fy
    if intrinsics.model == "inverse_brown_conrady" and any(intrinsics.distortion):
        x, y = _inverse_brown_conrady(x, y, intrinsics.distortion)
    elif any(intrinsics.distortion):
        import cv2
        x, y = cv2.undistortPoints(np.array([[[u, v]]], dtype=np.float64), intrinsics.matrix,
                                   np.array(intrinsics.distortion))[0, 0]
    camera_point = np.array([x * depth, y * depth, depth, 1.0])
    return (pose @ camera_point)[:3]


def _inverse_brown_conrady(x: float, y: float, coeffs: tuple[float, ...]) -> tuple[float, float]:
    """librealsense 2.59's rs2_deproject_pixel_to_point for RS2_DISTORTION_INVERSE_BROWN_CONRADY:
    the distorted normalised point undone in ten fixed-point steps, as it does."""
    k1, k2, p1, p2, k3 = (tuple(coeffs) + (0.0,) * 5)[:5]
    x0, y0 = x, y
    for _ in range(10):
        r2 = x * x + y * y
        icdist = 1.0 / (1.0 + ((k3 * r2 + k2) * r2 + k1) * r2)
        xq, yq = x / icdist, y / icdist
        x = (x0 - (2 * p1 * xq * yq + p2 * (r2 + 2 * xq * xq))) * icdist
        y = (y0 - (2 * p2 * xq * yq + p1 * (r2 + 2 * yq * yq))) * icdist
    return x, y
