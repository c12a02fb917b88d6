"""The head D435i through pyrealsense2: colour with depth aligned to it, in metres, plus intrinsics.

The same class plays back a recording (``source`` = a .db3 file written by rs.recorder),
which is how it is tested without a camera. pyrealsense2 is imported on first use, so the
default install never needs it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ivfp_bt.errors import UserError
from ivfp_bt.robot.interface import CameraIntrinsics
from ivfp_bt.robot.stretch.upright import rotate_image, rotate_intrinsics

SIZE, FPS = (424, 240), 15     # the D435i mode stretch_ros uses for the head (width, height)


def _import_rs():
    try:
        import pyrealsense2 as rs
    except ImportError as e:
        raise UserError(f"the head camera needs pyrealsense2 ({e}); pip install 'ivfp-bt[stretch]'") from None
    return rs


def intrinsics_of(profile) -> CameraIntrinsics:
    """Our intrinsics from a RealSense video stream profile."""
    i = profile.as_video_stream_profile().get_intrinsics()
    return CameraIntrinsics(i.width, i.height, i.fx, i.fy, i.ppx, i.ppy, tuple(float(c) for c in i.coeffs))


class HeadCamera:
    """A started D435i (or a recording of one); ``grab`` returns the next aligned frame."""

    def __init__(self, source: str | Path | None = None, upright: bool = True, timeout_s: float = 1.0):
        rs = _import_rs()
        self.upright, self.timeout_ms = upright, int(timeout_s * 1000)
        self.name = f"recording {source}" if source else "D435i head camera"
        config = rs.config()
        if source is not None:
            if not Path(source).is_file():
                raise UserError(f"{source}: no such RealSense recording")
            config.enable_device_from_file(str(source), repeat_playback=False)
        else:
            if not len(rs.context().query_devices()):   # pipeline.start() would wait 15 s to say so
                raise UserError("cannot start the D435i head camera: No device connected (is its USB cable in?)")
            config.enable_stream(rs.stream.depth, *SIZE, rs.format.z16, FPS)
            config.enable_stream(rs.stream.color, *SIZE, rs.format.rgb8, FPS)
        self._pipeline = rs.pipeline()
        try:
            profile = self._pipeline.start(config)
        except RuntimeError as e:       # "No device connected", or a bad recording
            raise UserError(f"cannot start the {self.name}: {e}") from None
        if source is not None:
            # from here on every frame waits for the reader; librealsense's syncer may still drop
            # the first framesets of a recording while the streams start
            profile.get_device().as_playback().set_real_time(False)
        self._align = rs.align(rs.stream.color)
        self.intrinsics = intrinsics_of(profile.get_stream(rs.stream.color))
        if upright:
            self.intrinsics = rotate_intrinsics(self.intrinsics)

    def grab(self) -> tuple[np.ndarray, np.ndarray, float]:
        """(RGB uint8, depth in metres float32 with 0 = no reading, timestamp in seconds)."""
        ok, frames = self._pipeline.try_wait_for_frames(self.timeout_ms)
        if not ok:
            raise UserError(f"the {self.name} stopped: no frame within {self.timeout_ms} ms")
        aligned = self._align.process(frames)
        depth_frame, color_frame = aligned.get_depth_frame(), aligned.get_color_frame()
        if not depth_frame or not color_frame:
            raise UserError(f"the {self.name} sent a frame without {'depth' if not depth_frame else 'colour'}")
        color = np.asanyarray(color_frame.get_data()).copy()
        depth = np.asanyarray(depth_frame.get_data()).astype(np.float32) * depth_frame.get_units()
        if self.upright:
            color, depth = rotate_image(color), rotate_image(depth)
        return color, depth, color_frame.get_timestamp() / 1000.0

    def close(self) -> None:
        try:
            self._pipeline.stop()
        except RuntimeError:
            pass   # already stopped
