"""The head camera's pose in the base frame, from a ChArUco board held by the gripper.

At each of several arm poses the board's corners are found in the head image; forward
kinematics put the same corners in the base frame. One solvePnP over all of them (SQPnP,
refined with Levenberg-Marquardt) gives the camera's pose directly. Stretch's actuated
rotations are all about vertical axes, so classic hand-eye calibration is degenerate here;
the board's mount on the wrist is instead given by its board file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import cv2
import numpy as np

from ivfp_bt.calibration.charuco import BoardSpec, detect_corners
from ivfp_bt.errors import UserError
from ivfp_bt.robot.interface import CameraIntrinsics, Robot, wait_for
from ivfp_bt.robot.kinematics import wrist_pose

# Tool positions over the bin's front half and wrist yaws that keep the board in view of the
# head as the work-cell aims it (tool z 0.96-1.03 m, y -0.34..-0.42 m, yaw ±0.2 rad).
DEFAULT_POSES = tuple({"lift": lift, "arm": arm, "wrist_yaw": yaw}
                      for lift, arm in ((0.93, 0.0), (0.96, 0.05), (1.00, 0.02), (0.98, 0.08))
                      for yaw in (-0.2, 0.0, 0.2))
MIN_CORNERS = 6


@dataclass
class BoardView:
    joints: dict[str, float]
    ids: np.ndarray
    pixels: np.ndarray

    def corners_in_base(self, board: BoardSpec) -> np.ndarray:
        pose = wrist_pose(self.joints)
        return board.corners_in_wrist(self.ids) @ pose[:3, :3].T + pose[:3, 3]


@dataclass
class HeadExtrinsics:
    pose: np.ndarray                  # 4x4 optical frame in the base frame
    intrinsics: CameraIntrinsics
    rms_px: float
    views_used: int
    corners_used: int


def move_to_pose(robot: Robot, joints: dict[str, float], timeout: float = 30.0) -> None:
    """Retract, lift, turn, extend: the board never sweeps through the bin."""
    wait_for(robot, [robot.move_to("arm", 0.0)], timeout)
    wait_for(robot, [robot.move_to("lift", joints["lift"])], timeout)
    wait_for(robot, [robot.move_to("wrist_yaw", joints["wrist_yaw"])], timeout)
    wait_for(robot, [robot.move_to("arm", joints["arm"])], timeout)


def collect_views(robot: Robot, board: BoardSpec, poses=DEFAULT_POSES, settle_s: float = 0.5,
                  progress: Callable[[int, int, int], None] | None = None) -> tuple[list[BoardView], CameraIntrinsics]:
    views, intrinsics = [], None
    for i, joints in enumerate(poses):
        move_to_pose(robot, joints)
        robot.sync(settle_s)
        frame = robot.head_frame()
        intrinsics = frame.intrinsics
        ids, pixels = detect_corners(board, frame.color)
        if len(ids) >= MIN_CORNERS:
            views.append(BoardView(robot.status().joints, ids, pixels))
        if progress:
            progress(i + 1, len(poses), len(ids))
    wait_for(robot, [robot.move_to("arm", 0.0)], 30.0)
    return views, intrinsics


def solve_head_pose(views: list[BoardView], board: BoardSpec, intrinsics: CameraIntrinsics) -> HeadExtrinsics:
    if not views:
        raise UserError(f"the board was not seen (at least {MIN_CORNERS} corners) at any pose: check that it "
                        "faces the head camera and that the board file's mount matches how it is held")
    points = np.concatenate([v.corners_in_base(board) for v in views])
    pixels = np.concatenate([v.pixels for v in views]).astype(np.float64)
    k, dist = intrinsics.matrix, np.array(intrinsics.distortion, dtype=np.float64)
    ok, rvec, tvec = cv2.solvePnP(points, pixels, k, dist, flags=cv2.SOLVEPNP_SQPNP)
    if not ok:
        raise UserError("solvePnP found no camera pose for the board corners")
    rvec, tvec = cv2.solvePnPRefineLM(points, pixels, k, dist, rvec, tvec)
    projected, _ = cv2.projectPoints(points, rvec, tvec, k, dist)
    rms = float(np.sqrt(np.mean(np.sum((projected.reshape(-1, 2) - pixels) ** 2, axis=1))))
    base_to_camera = np.eye(4)
    base_to_camera[:3, :3], base_to_camera[:3, 3] = cv2.Rodrigues(rvec)[0], tvec.ravel()
    return HeadExtrinsics(np.linalg.inv(base_to_camera), intrinsics, rms, len(views), len(points))


def pose_error(estimate: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """(translation error in metres, rotation error in degrees) between two 4x4 poses."""
    delta = np.linalg.inv(truth) @ estimate
    angle = np.degrees(np.arccos(np.clip((np.trace(delta[:3, :3]) - 1) / 2, -1.0, 1.0)))
    return float(np.linalg.norm(delta[:3, 3])), float(angle)
