"""Offscreen cameras of the simulated Stretch: the head D435i (RGB, depth, target mask) and the
wrist camera, rendered as a pinhole and remapped to an equidistant fisheye like the paper's.

Rendering needs an OpenGL context; on a machine without a screen set MUJOCO_GL=egl (or
osmesa). Renderers are made on first use so physics-only work never opens one.
"""

from __future__ import annotations

import math
import os

import cv2
import mujoco
import numpy as np

from ivfp_bt.errors import UserError
from ivfp_bt.robot.interface import CameraIntrinsics

HEAD_SIZE = (424, 240)      # (height, width): the D435i's 424x240 mode, turned upright
WRIST_RENDER = 288          # pinhole render, remapped down to the fisheye output
WRIST_SIZE = 224            # probe frames are 224x224, as the classifier takes them
NO_DEPTH_BEYOND_M = 10.0


def pinhole_intrinsics(model: mujoco.MjModel, camera: str, height: int, width: int) -> CameraIntrinsics:
    """OpenCV-convention intrinsics of a MuJoCo camera rendered at height x width."""
    fovy = math.radians(model.cam_fovy[model.camera(camera).id])
    f = (height / 2) / math.tan(fovy / 2)
    return CameraIntrinsics(width, height, f, f, (width - 1) / 2, (height - 1) / 2)


def fisheye_maps(render_size: int, out_size: int, fov_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """cv2.remap maps from a square pinhole image to an equidistant fisheye of the same field of view."""
    half_fov = math.radians(fov_deg) / 2
    f_pinhole = (render_size / 2) / math.tan(half_fov)
    c_out = (out_size - 1) / 2
    v, u = np.mgrid[0:out_size, 0:out_size].astype(np.float32)
    dx, dy = u - c_out, v - c_out
    r = np.hypot(dx, dy)
    theta = r / (out_size / 2) * half_fov                   # equidistant: radius proportional to angle
    scale = np.where(r > 0, f_pinhole * np.tan(np.minimum(theta, 1.55)) / np.maximum(r, 1e-6), 0)
    c_in = (render_size - 1) / 2
    map_x = (c_in + dx * scale).astype(np.float32)
    map_y = (c_in + dy * scale).astype(np.float32)
    outside = theta > half_fov
    map_x[outside] = map_y[outside] = -1                    # black outside the image circle
    return map_x, map_y


class SimCameras:
    """Renders the workcell's head and wrist cameras from a model and its data."""

    def __init__(self, model: mujoco.MjModel, data: mujoco.MjData):
        self.model, self.data = model, data
        self._renderers: dict[tuple[int, int], mujoco.Renderer] = {}
        self.head_intrinsics = pinhole_intrinsics(model, "head", *HEAD_SIZE)
        self._maps = fisheye_maps(WRIST_RENDER, WRIST_SIZE, float(model.cam_fovy[model.camera("wrist").id]))

    def _renderer(self, height: int, width: int) -> mujoco.Renderer:
        key = (height, width)
        if key not in self._renderers:
            try:
                self._renderers[key] = mujoco.Renderer(self.model, height, width)
            except Exception as e:   # no GL context: the message says how to get one
                hint = "" if os.environ.get("MUJOCO_GL") else " (on a machine without a screen set MUJOCO_GL=egl)"
                raise UserError(f"cannot render the simulated cameras: {e}{hint}") from None
        return self._renderers[key]

    def _render(self, renderer: mujoco.Renderer, camera: str, shadows: bool) -> np.ndarray:
        renderer.update_scene(self.data, camera=camera)
        renderer.scene.flags[mujoco.mjtRndFlag.mjRND_SHADOW] = shadows
        return renderer.render()

    def head(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(RGB uint8, depth metres float32 with 0 = none, segmentation as body ids, -1 = none)."""
        r = self._renderer(*HEAD_SIZE)
        color = self._render(r, "head", shadows=True).copy()
        # shadows are two thirds of a pass's cost on a CPU renderer; depth and labels do not need them
        r.enable_depth_rendering()
        depth = self._render(r, "head", shadows=False).astype(np.float32)
        r.disable_depth_rendering()
        depth[depth > NO_DEPTH_BEYOND_M] = 0.0
        r.enable_segmentation_rendering()
        seg = self._render(r, "head", shadows=False)
        r.disable_segmentation_rendering()
        is_geom = seg[:, :, 1] == int(mujoco.mjtObj.mjOBJ_GEOM)
        bodies = np.where(is_geom, self.model.geom_bodyid[np.clip(seg[:, :, 0], 0, None)], -1)
        return color, depth, bodies

    def wrist(self) -> np.ndarray:
        """The fisheye probe view. Without shadows: inside the gripper's own shade they add little,
        and they would triple the cost of every probe frame."""
        image = self._render(self._renderer(WRIST_RENDER, WRIST_RENDER), "wrist", shadows=False)
        return cv2.remap(image, *self._maps, interpolation=cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=0)

    def wrist_depth(self) -> np.ndarray:
        """Depth (metres along the optical axis, 0 = none) for the same fisheye view; nearest
        neighbour, so no depth is ever an average across an edge."""
        r = self._renderer(WRIST_RENDER, WRIST_RENDER)
        r.enable_depth_rendering()
        depth = self._render(r, "wrist", shadows=False).astype(np.float32)
        r.disable_depth_rendering()
        depth[depth > NO_DEPTH_BEYOND_M] = 0.0
        return cv2.remap(depth, *self._maps, interpolation=cv2.INTER_NEAREST,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=0)

    def close(self) -> None:
        for r in self._renderers.values():
            r.close()
        self._renderers.clear()
