"""The OpenCV wrist camera, run on a video file that replays like a camera."""

from __future__ import annotations

import time

import cv2
import numpy as np
import pytest

from ivfp_bt.errors import UserError
from ivfp_bt.robot.interface import FrameStream
from ivfp_bt.robot.stretch.wrist_capture import WristCapture, square

FPS, FRAMES = 30, 45


@pytest.fixture
def video(tmp_path):
    path = tmp_path / "wrist.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (320, 240))
    for i in range(FRAMES):
        image = np.zeros((240, 320, 3), np.uint8)
        image[:, :, 2] = 5 * i               # red (BGR) counts frames
        image[:, :40] = 255                  # a white band outside the centre square
        writer.write(image)
    writer.release()
    return path


def test_records_at_the_asked_rate_then_says_the_camera_stopped(video):
    camera = WristCapture(video, timeout_s=0.3)
    assert isinstance(camera, FrameStream)
    camera.start_recording(rate_hz=8)
    time.sleep(0.5)
    frames = camera.stop_recording()
    assert 4 <= len(frames) <= 6
    gaps = np.diff([f.time for f in frames])
    assert np.all(np.abs(gaps - 1 / 8) <= 1 / FPS + 0.01)     # on the camera's own frame times
    reds = [int(f.image[112, 112, 0]) for f in frames]
    assert reds == sorted(reds) and reds[-1] > reds[0]
    assert frames[0].image.shape == (224, 224, 3)
    time.sleep(FRAMES / FPS)
    with pytest.raises(UserError, match="wrist camera .*wrist.avi stopped: no frame for 0.3 s"):
        camera.latest()
    camera.close()


def test_frames_are_the_centre_square_in_rgb():
    image = np.zeros((240, 320, 3), np.uint8)
    image[:, :40] = 255
    image[:, :, 2] = 100
    out = square(image)
    assert out.shape == (224, 224, 3)
    assert out[:, :, 0].max() == 100 and out[:, :, 1].max() == 0    # red first, white band cropped away


def test_a_missing_camera_is_one_line(tmp_path):
    with pytest.raises(UserError, match="cannot open the wrist camera"):
        WristCapture(tmp_path / "none.avi")


def test_the_usb_camera_has_no_depth_and_says_what_to_use_instead(video):
    camera = WristCapture(video, timeout_s=0.3)
    try:
        assert not camera.has_depth and camera.latest().depth is None
        with pytest.raises(UserError, match="measures no depth.*--modalities rgb,flow"):
            camera.latest(depth=True)
    finally:
        camera.close()


def test_a_calibrated_lens_is_seen_as_the_simulations_equidistant_probe_view(tmp_path):
    """Defect 9: the wrist camera got no fisheye correction. An equidistant lens of 160 degrees
    on a 400x400 sensor, with a bright ring 30 degrees off the axis: the probe view (120 degrees
    over 224 pixels) has it at 30/60 of its radius."""
    from ivfp_bt.robot.stretch.wrist_lens import WristLens
    f = 200 / np.radians(80)          # equidistant: radius = f * angle; 80 degrees at the edge
    lens_file = tmp_path / "lens.yaml"
    lens_file.write_text(f"image_size: [400, 400]\nK: [[{f}, 0, 199.5], [0, {f}, 199.5], [0, 0, 1]]\nD: [0, 0, 0, 0]\n")
    lens = WristLens.load(lens_file)
    image = np.zeros((400, 400, 3), np.uint8)
    cv2.circle(image, (200, 200), int(round(f * np.radians(30))), (255, 255, 255), 3)
    view = lens.probe_view(image, lens.maps())
    radius = np.hypot(*np.nonzero(view[..., 0] > 128) - np.array([[111.5], [111.5]]))
    assert view.shape == (224, 224, 3) and np.median(radius) == pytest.approx(112 * 30 / 60, abs=1.5)
    with pytest.raises(UserError, match="sends 320x240 images but its lens was calibrated at 400x400"):
        lens.probe_view(np.zeros((240, 320, 3), np.uint8), lens.maps())
