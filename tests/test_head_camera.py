"""The D435i head camera class, run for real on a synthesised RealSense recording."""

from __future__ import annotations

import gc

import numpy as np
import pytest

from ivfp_bt.errors import UserError
from ivfp_bt.robot.interface import CameraIntrinsics
from ivfp_bt.robot.stretch.upright import rotate_image, rotate_intrinsics

rs = pytest.importorskip("pyrealsense2")
FRAMES = 12  # red channel counts frames in steps of 20, so at most 12

from ivfp_bt.robot.stretch.head_camera import HeadCamera  # noqa: E402
from tests import realsense_synth as synth  # noqa: E402


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    path = tmp_path_factory.mktemp("rs") / "head.db3"
    synth.write_recording(path, frames=FRAMES)
    gc.collect()
    return path


def frames_of(camera: HeadCamera) -> list:
    frames = []
    with pytest.raises(UserError, match="stopped: no frame within"):
        while True:
            frames.append(camera.grab())
    return frames


def test_playback_gives_every_frame_in_order_then_says_the_camera_stopped(recording):
    camera = HeadCamera(recording, upright=False, timeout_s=0.2)
    frames = frames_of(camera)
    camera.close()
    counts = [int(color[0, 0, 0]) // 20 for color, _, _ in frames]
    # librealsense's syncer may drop the first few framesets while playback starts (seen: up to 3
    # on a loaded machine); once frames flow, none may be lost or reordered
    assert counts == list(range(counts[0], FRAMES)) and counts[0] <= FRAMES // 2
    assert all(b > a for (_, _, a), (_, _, b) in zip(frames, frames[1:]))


def test_depth_is_aligned_to_colour_in_metres(recording):
    camera = HeadCamera(recording, upright=False, timeout_s=0.5)
    color, depth, _ = camera.grab()
    camera.close()
    assert camera.intrinsics.fx == pytest.approx(synth.COLOR_F)
    assert depth.shape == color.shape[:2] and depth.dtype == np.float32
    # where the box's corners land in the colour camera, seen through its own focal length and baseline
    rows, cols = synth.BOX_DEPTH_PIXELS
    cx, cy = (synth.W - 1) / 2, (synth.H - 1) / 2

    def to_color(u: float, v: float) -> tuple[float, float]:
        x, y = (u - cx) / synth.DEPTH_F * synth.BOX_M, (v - cy) / synth.DEPTH_F * synth.BOX_M
        return cx + synth.COLOR_F * (x + synth.BASELINE_M) / synth.BOX_M, cy + synth.COLOR_F * y / synth.BOX_M

    left, top = to_color(cols.start, rows.start)
    right, bottom = to_color(cols.stop - 1, rows.stop - 1)
    inside = depth[int(top) + 3: int(bottom) - 2, int(left) + 3: int(right) - 2]
    assert np.allclose(inside, synth.BOX_M, atol=2e-3)
    assert np.median(depth[5:30, 5:60]) == pytest.approx(synth.WALL_M, abs=2e-3)
    # in the raw depth image this column is wall; aligned to colour, the box covers it
    assert depth[(rows.start + rows.stop) // 2, int(left) + 4] == pytest.approx(synth.BOX_M, abs=2e-3)
    assert int(left) + 4 < cols.start


def test_upright_turns_images_and_intrinsics_together(recording):
    sideways = HeadCamera(recording, upright=False, timeout_s=0.2)
    by_time = {t: (color, depth) for color, depth, t in frames_of(sideways)}
    sideways.close()
    upright = HeadCamera(recording, upright=True, timeout_s=0.2)
    color_u, depth_u, t = next((c, d, t) for c, d, t in frames_of(upright) if t in by_time)
    upright.close()
    color_s, depth_s = by_time[t]
    assert color_u.shape == (synth.W, synth.H, 3)
    assert np.array_equal(color_u, rotate_image(color_s)) and np.array_equal(depth_u, rotate_image(depth_s))
    k = upright.intrinsics
    assert (k.width, k.height) == (synth.H, synth.W)
    # the sensor's left half (green) is at the top once the camera's image is turned upright
    assert color_u[5, synth.H // 2, 1] == 200 and color_u[-5, synth.H // 2, 1] == 0


def test_turned_intrinsics_project_turned_points():
    import cv2
    k = CameraIntrinsics(424, 240, 300.0, 310.0, 215.0, 118.0, (0.1, -0.05, 0.002, -0.003, 0.01))
    r = rotate_intrinsics(k)
    points = np.random.default_rng(0).uniform([-0.3, -0.2, 0.5], [0.3, 0.2, 1.5], (20, 3))
    turn = np.array([[0, -1, 0], [1, 0, 0], [0, 0, 1.0]])        # x' = -y, y' = x
    zero = np.zeros(3)
    before, _ = cv2.projectPoints(points, zero, zero, k.matrix, np.array(k.distortion))
    after, _ = cv2.projectPoints(points @ turn.T, zero, zero, r.matrix, np.array(r.distortion))
    u, v = before[:, 0, 0], before[:, 0, 1]
    assert np.allclose(after[:, 0, 0], k.height - 1 - v, atol=1e-6)
    assert np.allclose(after[:, 0, 1], u, atol=1e-6)


def test_a_missing_recording_is_one_line(tmp_path):
    with pytest.raises(UserError, match=r"nothing\.db3: no such RealSense recording"):
        HeadCamera(tmp_path / "nothing.db3")


def test_without_a_camera_the_error_says_so():
    if len(rs.context().query_devices()):
        pytest.skip("a RealSense camera is connected")
    with pytest.raises(UserError, match="cannot start the D435i head camera: No device connected"):
        HeadCamera()


def test_inverse_brown_conrady_deprojects_as_librealsense_does():
    """Defect 9: the D435's colour stream reports inverse Brown-Conrady, which was ignored."""
    from ivfp_bt.calibration.camera_model import deproject
    coeffs = [0.12, -0.25, 0.001, -0.002, 0.1]
    ours = CameraIntrinsics(424, 240, 306.0, 305.0, 212.3, 119.7, tuple(coeffs), "inverse_brown_conrady")
    theirs = rs.intrinsics()
    theirs.width, theirs.height, theirs.fx, theirs.fy, theirs.ppx, theirs.ppy = 424, 240, 306.0, 305.0, 212.3, 119.7
    theirs.model, theirs.coeffs = rs.distortion.inverse_brown_conrady, coeffs
    for u, v in ((10.0, 12.0), (212.0, 120.0), (400.0, 230.0)):
        expected = rs.rs2_deproject_pixel_to_point(theirs, [u, v], 0.8)
        assert deproject(u, v, 0.8, ours, np.eye(4)) == pytest.approx(expected, abs=1e-6)


def test_a_live_camera_drops_its_first_frames_and_what_was_queued(monkeypatch):
    """Defect 9: no auto-exposure warm-up frames were dropped; a grab now never returns a frame
    that was waiting before it was asked for."""
    from ivfp_bt.sim import open_sim_robot
    from ivfp_bt.sim.stretch_double.firmware import Firmware
    from ivfp_bt.sim.stretch_double.realsense_feed import SimD435i
    firmware = Firmware(open_sim_robot(0))
    feed = SimD435i(firmware)
    feed.start()
    try:
        camera = HeadCamera(device=feed.device, warmup_frames=6)
        assert feed._number >= 6      # six went by before the camera counted as started
        pushed = feed._number
        firmware.sleep(0.05)           # the robot moves: the next frame must show where it stopped
        color, depth, stamp = camera.grab()
        assert stamp * 1000 * 15 / 1000 > pushed and color.shape == (424, 240, 3)
        camera.close()
    finally:
        feed.kill()
