"""A printed ChArUco board held by the simulated gripper, for ``ivfp-bt calibrate`` in the sim.

The board is a thin textured mesh fixed to the wrist at the board file's mount; it has no
mass and touches nothing, so it changes what the head camera sees and nothing else.
"""

from __future__ import annotations

from typing import Callable

import mujoco
import numpy as np

from ivfp_bt.calibration.charuco import BoardSpec
from ivfp_bt.robot.kinematics import WRIST_AT_ZERO
from ivfp_bt.sim.stretch_model import zero_pose_frame

THICKNESS_M = 0.004
PIXELS_PER_M = 4000


def _board_in_link(mount: np.ndarray, link: str) -> np.ndarray:
    """The board's pose in ``link``'s frame, from its pose in the wrist frame at the zero pose."""
    position, xmat = zero_pose_frame(link)
    link_zero = np.eye(4)
    link_zero[:3, :3], link_zero[:3, 3] = xmat, position
    wrist_zero = np.eye(4)
    wrist_zero[:3, 3] = WRIST_AT_ZERO
    return np.linalg.inv(link_zero) @ wrist_zero @ mount


def board_adder(board: BoardSpec, link: str = "link_wrist_yaw") -> Callable[[mujoco.MjSpec], None]:
    """A ``build_cell_model`` extra that puts ``board`` in the gripper."""
    def add(spec: mujoco.MjSpec) -> None:
        image = np.repeat(board.image(PIXELS_PER_M)[:, :, None], 3, axis=2)
        height, width = image.shape[:2]
        texture = spec.add_texture(name="charuco", type=mujoco.mjtTexture.mjTEXTURE_2D,
                                   width=width, height=height, nchannel=3)
        texture.data = image.tobytes()
        material = spec.add_material(name="charuco")
        material.textures[int(mujoco.mjtTextureRole.mjTEXROLE_RGB)] = "charuco"
        w, h = board.size_m
        front = [[0, 0, 0], [w, 0, 0], [w, h, 0], [0, h, 0]]
        back = [[x, y, THICKNESS_M] for x, y, _ in front]
        # the printed face looks along -z (OpenCV's board frame); texture (u, v) follows (x, y)
        uv = [[0, 0], [1, 0], [1, 1], [0, 1]] * 2
        faces = [[0, 2, 1], [0, 3, 2], [4, 5, 6], [4, 6, 7], [0, 1, 5], [0, 5, 4],
                 [1, 2, 6], [1, 6, 5], [2, 3, 7], [2, 7, 6], [3, 0, 4], [3, 4, 7]]
        spec.add_mesh(name="charuco", uservert=np.ravel(front + back).tolist(),
                      usertexcoord=np.ravel(uv).tolist(), userface=np.ravel(faces).tolist())
        pose = _board_in_link(board.mount, link)
        quat = np.zeros(4)
        mujoco.mju_mat2Quat(quat, pose[:3, :3].flatten())
        geom = spec.body(link).add_geom(name="charuco", type=mujoco.mjtGeom.mjGEOM_MESH, meshname="charuco",
                                        material="charuco", pos=pose[:3, 3].tolist(), quat=quat.tolist(),
                                        contype=0, conaffinity=0, mass=0.0)
        geom.group = 0
    return add
