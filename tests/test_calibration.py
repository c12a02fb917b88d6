"""Head camera calibration: files, the board, and `ivfp-bt calibrate` checked in the sim."""

from __future__ import annotations

import numpy as np
import pytest

from ivfp_bt.calibration.camera_model import load_calibration
from ivfp_bt.calibration.charuco import detect_corners, load_board
from ivfp_bt.calibration.head_extrinsics import collect_views, pose_error, solve_head_pose
from ivfp_bt.cli.main import main
from ivfp_bt.errors import UserError
from ivfp_bt.sim import open_sim_robot
from ivfp_bt.sim.calibration_board import board_adder
from tests.conftest import REPO

BOARD = REPO / "calibration" / "charuco_board.yaml"


@pytest.fixture(scope="module")
def calibrated():
    board = load_board(BOARD)
    robot = open_sim_robot(3, extra=board_adder(board))
    views, intrinsics = collect_views(robot, board)
    result = solve_head_pose(views, board, intrinsics)
    yield result, robot.head_pose()
    robot.close()


def test_calibration_in_the_sim_is_within_1_cm_and_1_degree(calibrated):
    result, truth = calibrated
    metres, degrees = pose_error(result.pose, truth)
    assert metres < 0.01 and degrees < 1.0
    assert result.views_used >= 6 and result.rms_px < 1.0


def test_the_shipped_sim_calibration_matches_the_simulator(calibrated):
    _, truth = calibrated
    shipped = load_calibration(REPO / "calibration" / "sim_head.yaml")
    metres, degrees = pose_error(shipped.pose, truth)
    assert metres < 0.01 and degrees < 1.0
    template = load_calibration(REPO / "calibration" / "re1_d435i_template.yaml")
    assert template.head == pytest.approx(shipped.head, abs=1e-3)


def test_calibration_files_round_trip(tmp_path):
    shipped = load_calibration(REPO / "calibration" / "sim_head.yaml")
    (tmp_path / "c.yaml").write_text(shipped.to_yaml("a comment"))
    again = load_calibration(tmp_path / "c.yaml")
    assert np.allclose(again.pose, shipped.pose) and again.intrinsics == shipped.intrinsics
    assert again.head == shipped.head and again.workspace == shipped.workspace


def test_a_board_never_seen_is_one_clear_error():
    board = load_board(BOARD)
    with pytest.raises(UserError, match="the board was not seen"):
        solve_head_pose([], board, None)


def test_bad_board_files_are_one_line(tmp_path):
    bad = tmp_path / "board.yaml"
    bad.write_text("squares: [5, 4]\nsquare_m: 0.05\n")
    with pytest.raises(UserError, match=r"board.yaml: not a valid board file \(KeyError"):
        load_board(bad)
    bad.write_text(BOARD.read_text().replace("DICT_4X4_50", "DICT_NOPE"))
    with pytest.raises(UserError, match="unknown ArUco dictionary 'DICT_NOPE'"):
        load_board(bad)


def test_the_printed_board_is_found_whole(tmp_path, capsys):
    import cv2
    assert main(["calibrate", "--board", str(BOARD), "--print-board", str(tmp_path / "board.png")]) == 0
    image = cv2.imread(str(tmp_path / "board.png"))
    image = cv2.copyMakeBorder(image, 60, 60, 60, 60, cv2.BORDER_CONSTANT, value=(255, 255, 255))
    ids, _ = detect_corners(load_board(BOARD), cv2.resize(image, None, fx=0.25, fy=0.25)[:, :, ::-1].copy())
    assert len(ids) == 12
    assert "squares must measure 45.0 mm" in capsys.readouterr().out
