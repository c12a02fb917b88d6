"""Writes a short D435i-like recording with rs.software_device + rs.recorder, for playback tests.

The synthetic scene: a wall at WALL_M with a box face at BOX_M in front of it, seen by a depth
sensor and a colour sensor BASELINE_M apart along x (the D435i's layout, sensor orientation,
before turning upright). Depth and colour have different focal lengths, so alignment matters.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

W, H = 424, 240
DEPTH_F, COLOR_F = 214.0, 306.0
BASELINE_M = 0.015
WALL_M, BOX_M = 1.0, 0.6
BOX_DEPTH_PIXELS = (slice(80, 160), slice(150, 270))   # rows, columns of the box in the depth image
DEPTH_UNITS = 0.001


def _intrinsics(rs, f: float):
    i = rs.intrinsics()
    i.width, i.height, i.ppx, i.ppy, i.fx, i.fy = W, H, (W - 1) / 2, (H - 1) / 2, f, f
    i.model, i.coeffs = rs.distortion.brown_conrady, [0.0] * 5
    return i


def _stream(rs, kind, fmt, bpp: int, uid: int, f: float):
    s = rs.video_stream()
    s.type, s.fmt, s.bpp, s.uid, s.index = kind, fmt, bpp, uid, 0
    s.width, s.height, s.fps, s.intrinsics = W, H, 30, _intrinsics(rs, f)
    return s


def depth_image() -> np.ndarray:
    depth = np.full((H, W), round(WALL_M / DEPTH_UNITS), np.uint16)
    depth[BOX_DEPTH_PIXELS] = round(BOX_M / DEPTH_UNITS)
    return depth


def color_image(index: int) -> np.ndarray:
    color = np.zeros((H, W, 3), np.uint8)
    color[:, :, 0] = 20 * index          # red counts frames
    color[:, : W // 2, 1] = 200          # green marks the sensor's left half
    return color


def write_recording(path: Path, frames: int = 5) -> None:
    import pyrealsense2 as rs

    device = rs.software_device()
    depth_sensor, color_sensor = device.add_sensor("Stereo Module"), device.add_sensor("RGB Camera")
    depth_profile = depth_sensor.add_video_stream(_stream(rs, rs.stream.depth, rs.format.z16, 2, 1, DEPTH_F))
    color_profile = color_sensor.add_video_stream(_stream(rs, rs.stream.color, rs.format.rgb8, 3, 2, COLOR_F))
    depth_sensor.add_read_only_option(rs.option.depth_units, DEPTH_UNITS)
    extrinsics = rs.extrinsics()
    extrinsics.rotation, extrinsics.translation = [1, 0, 0, 0, 1, 0, 0, 0, 1], [BASELINE_M, 0, 0]
    depth_profile.register_extrinsics_to(color_profile, extrinsics)

    recorder = rs.recorder(str(path), device)
    rec_depth, rec_color = recorder.query_sensors()
    queue = rs.frame_queue(16)
    rec_depth.open(depth_profile)
    rec_color.open(color_profile)
    rec_depth.start(queue)
    rec_color.start(queue)
    for i in range(frames):
        for sensor, profile, pixels, bpp in ((depth_sensor, depth_profile, depth_image(), 2),
                                             (color_sensor, color_profile, color_image(i), 3)):
            frame = rs.software_video_frame()
            frame.pixels, frame.bpp, frame.stride = pixels, bpp, W * bpp
            frame.timestamp, frame.frame_number = i * 1000 / 30, i
            frame.domain = rs.timestamp_domain.hardware_clock
            frame.profile = profile.as_video_stream_profile()
            if sensor is depth_sensor:
                frame.depth_units = DEPTH_UNITS
            sensor.on_video_frame(frame)
        time.sleep(0.02)    # let the recorder's queue drain in order
    for sensor in (rec_depth, rec_color):
        sensor.stop()
        sensor.close()
    del recorder            # the file is finished when the recorder goes away
