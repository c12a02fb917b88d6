"""`ivfp-bt calibrate`: find the head camera's pose from a ChArUco board held by the gripper."""

from __future__ import annotations

import argparse
from pathlib import Path

from ivfp_bt.robot import KNOWN

DEFAULT_BOARD = Path("calibration/charuco_board.yaml")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("calibrate", help="calibrate the head camera's pose with a ChArUco board",
                       description="Move the gripper, holding the ChArUco board of the board file, through a set "
                       "of poses in front of the bin; find the board in each head image; solve for the head "
                       "camera's pose in the base frame and write a calibration file. In the simulation the "
                       "board is put in the gripper for you and the result is checked against the true pose.")
    p.add_argument("--robot", choices=KNOWN, default="sim", help="robot backend (default: sim)")
    p.add_argument("--board", type=Path, default=DEFAULT_BOARD, help=f"board file (default {DEFAULT_BOARD})")
    p.add_argument("-o", "--out", type=Path, default=None,
                   help="calibration file to write (default: calibration/<robot>_head.yaml)")
    p.add_argument("--seed", type=int, default=0, help="scene seed in the simulation (default 0)")
    p.add_argument("--print-board", type=Path, metavar="PNG", default=None,
                   help="only write the board as an image to print (300 dpi) and exit")
    p.set_defaults(handler=handle)


def _open(robot_kind: str, board, seed: int):
    if robot_kind == "sim":
        from ivfp_bt.sim import open_sim_robot
        from ivfp_bt.sim.calibration_board import board_adder
        return open_sim_robot(seed, extra=board_adder(board))
    from ivfp_bt.robot import open_robot
    return open_robot(robot_kind, seed, calibrating=True)


def handle(args: argparse.Namespace) -> int:
    import cv2

    from ivfp_bt.calibration.camera_model import CameraCalibration
    from ivfp_bt.calibration.charuco import load_board
    from ivfp_bt.calibration.head_extrinsics import collect_views, pose_error, solve_head_pose

    board = load_board(args.board)
    if args.print_board:
        cv2.imwrite(str(args.print_board), board.image(pixels_per_m=300 / 0.0254))
        print(f"wrote {args.print_board}: print at 300 dpi; squares must measure {board.square_m * 1000:.1f} mm")
        return 0
    out = args.out or Path("calibration") / f"{args.robot}_head.yaml"
    robot = _open(args.robot, board, args.seed)
    try:
        views, intrinsics = collect_views(robot, board, progress=lambda i, n, corners: print(
            f"  pose {i}/{n}: {corners} corners{'' if corners >= 6 else ' (too few, skipped)'}", flush=True))
        result = solve_head_pose(views, board, intrinsics)
        status = robot.status()
        truth = robot.head_pose() if hasattr(robot, "head_pose") else None   # only the simulator knows
    finally:
        robot.stop()
        robot.close()
    head = {"pan": status.head["head_pan"], "tilt": status.head["head_tilt"]} if status.head else None
    summary = (f"{result.views_used} views, {result.corners_used} corners, reprojection RMS "
               f"{result.rms_px:.2f} px")
    if truth is not None:
        metres, degrees = pose_error(result.pose, truth)
        summary += f"; against the simulator's true pose: {metres * 1000:.1f} mm, {degrees:.2f}°"
    calibration = CameraCalibration(f"{args.robot}_head_d435i", result.intrinsics, result.pose, robot.workspace,
                                    head)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(calibration.to_yaml(f"Made by: ivfp-bt calibrate --robot {args.robot} --board {args.board}\n"
                                       + summary))
    print(summary)
    print(f"wrote {out}")
    return 0
