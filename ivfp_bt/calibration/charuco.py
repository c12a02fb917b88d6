"""The ChArUco calibration board: its description file, its image, and finding its corners.

The board is held by the gripper; its ``mount`` is the board's pose in the wrist frame
(robot.kinematics.wrist_pose), so each detected corner has a known position in the base
frame at any arm pose. A board file (YAML):

    squares: [5, 4]             # columns, rows
    square_m: 0.06
    marker_m: 0.045
    dictionary: DICT_4X4_50
    mount: {translation: [x, y, z], rpy_deg: [roll, pitch, yaw]}   # board in the wrist frame
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import yaml

from ivfp_bt.errors import UserError


def rpy_matrix(roll: float, pitch: float, yaw: float) -> np.ndarray:
    """Rotation from fixed-axis roll, pitch, yaw in radians (URDF convention: Rz·Ry·Rx)."""
    cr, sr, cp, sp, cy, sy = np.cos(roll), np.sin(roll), np.cos(pitch), np.sin(pitch), np.cos(yaw), np.sin(yaw)
    rx = np.array([[1, 0, 0], [0, cr, -sr], [0, sr, cr]])
    ry = np.array([[cp, 0, sp], [0, 1, 0], [-sp, 0, cp]])
    rz = np.array([[cy, -sy, 0], [sy, cy, 0], [0, 0, 1]])
    return rz @ ry @ rx


@dataclass(frozen=True)
class BoardSpec:
    squares: tuple[int, int]
    square_m: float
    marker_m: float
    dictionary: str
    mount: np.ndarray                 # 4x4 board frame in the wrist frame

    @property
    def size_m(self) -> tuple[float, float]:
        return self.squares[0] * self.square_m, self.squares[1] * self.square_m

    def board(self) -> cv2.aruco.CharucoBoard:
        dictionary = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, self.dictionary))
        return cv2.aruco.CharucoBoard(self.squares, self.square_m, self.marker_m, dictionary)

    def image(self, pixels_per_m: float = 4000) -> np.ndarray:
        """The printable board (grey uint8), one pixel per 1/pixels_per_m metres."""
        width, height = (int(round(s * pixels_per_m)) for s in self.size_m)
        return self.board().generateImage((width, height), marginSize=0, borderBits=1)

    def corners_in_wrist(self, ids: np.ndarray) -> np.ndarray:
        """Chessboard corners ``ids`` (board frame, z = 0 on its face) in the wrist frame."""
        points = self.board().getChessboardCorners()[ids.ravel()]
        return points @ self.mount[:3, :3].T + self.mount[:3, 3]


def load_board(path: str | Path) -> BoardSpec:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text())
        mount = np.eye(4)
        mount[:3, :3] = rpy_matrix(*np.radians([float(a) for a in raw["mount"]["rpy_deg"]]))
        mount[:3, 3] = [float(v) for v in raw["mount"]["translation"]]
        spec = BoardSpec((int(raw["squares"][0]), int(raw["squares"][1])), float(raw["square_m"]),
                         float(raw["marker_m"]), str(raw.get("dictionary", "DICT_4X4_50")), mount)
    except OSError as e:
        raise UserError(f"{path}: cannot read the board file: {e.strerror}") from None
    except (yaml.YAMLError, KeyError, TypeError, ValueError, IndexError) as e:
        raise UserError(f"{path}: not a valid board file ({type(e).__name__}: {e}); see its header in "
                        "calibration/charuco_board.yaml") from None
    if not hasattr(cv2.aruco, spec.dictionary):
        raise UserError(f"{path}: unknown ArUco dictionary {spec.dictionary!r} (e.g. DICT_4X4_50)")
    if not 0 < spec.marker_m < spec.square_m:
        raise UserError(f"{path}: marker_m must be positive and smaller than square_m")
    return spec


def detect_corners(spec: BoardSpec, color: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ids (N,), pixel corners (N, 2)) of the board's chessboard corners seen in an RGB image."""
    detector = cv2.aruco.CharucoDetector(spec.board())
    corners, ids, _, _ = detector.detectBoard(cv2.cvtColor(color, cv2.COLOR_RGB2GRAY))
    if ids is None:
        return np.zeros(0, int), np.zeros((0, 2))
    return ids.ravel(), corners.reshape(-1, 2)
