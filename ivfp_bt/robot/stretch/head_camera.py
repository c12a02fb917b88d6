"""The head D435i through pyrealsense2: colour with depth aligned to it, in metres, plus intrinsics.

A live camera is opened sensor by sensor into a syncer (not through rs.pipeline, which in
librealsense 2.59 cannot find a software device added to a context): the robot's D435i, or
any rs.device handed in, such as the stretch_body double's software device. The first frames
are dropped while auto-exposure settles, and each grab drops what was queued before it, so a
frame is never older than the request. The same class plays back a recording (``source`` = a
.db3 file written by rs.recorder). pyrealsense2 is imported on first use, so the default
install never needs it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ivfp_bt.errors import UserError
from ivfp_bt.robot.interface import CameraIntrinsics
from ivfp_bt.robot.stretch.upright import rotate_image, rotate_intrinsics

SIZE, FPS = (424, 240), 15     # the D435i mode stretch_ros uses for the head (width, height)
WARMUP_FRAMES = 15             # one second of frames while auto-exposure settles
FIRST_FRAME_S = 5.0            # a camera just started may take seconds for its first frame
MODELS = {"brown_conrady": "brown_conrady", "inverse_brown_conrady": "inverse_brown_conrady", "none": "brown_conrady"}


def _import_rs():
    try:
        import pyrealsense2 as rs
    except ImportError as e:
        raise UserError(f"the head camera needs pyrealsense2 ({e}); pip install 'ivfp-bt[stretch]'") from None
    return rs


def intrinsics_of(profile) -> CameraIntrinsics:
    """Our intrinsics from a RealSense video stream profile."""
    i = profile.as_video_stream_profile().get_intrinsics()
    model = str(i.model).rsplit(".", 1)[-1]
    if model not in MODELS:
        raise UserError(f"the head camera reports a {model} distortion model, which ivfp-bt cannot undo")
    return CameraIntrinsics(i.width, i.height, i.fx, i.fy, i.ppx, i.ppy, tuple(float(c) for c in i.coeffs),
                            MODELS[model])


class HeadCamera:
    """A started D435i (or a recording of one); ``grab`` returns the next aligned frame."""

    def __init__(self, source: str | Path | None = None, upright: bool = True, timeout_s: float = 1.0,
                 device=None, warmup_frames: int = WARMUP_FRAMES):
        """``source``: a recording to play back; ``device``: an rs.device to stream from
        (default: the connected D435i)."""
        self.rs = _import_rs()
        self.upright, self.timeout_ms = upright, int(timeout_s * 1000)
        self.name = f"recording {source}" if source else "D435i head camera"
        self._pipeline = self._syncer = None
        self._sensors: list = []
        if source is not None:
            color_profile = self._play(Path(source))
        else:
            color_profile = self._stream(device)
        self._align = self.rs.align(self.rs.stream.color)
        self.intrinsics = intrinsics_of(color_profile)
        if upright:
            self.intrinsics = rotate_intrinsics(self.intrinsics)
        for i in range(warmup_frames if source is None else 0):
            self._next_pair(int(FIRST_FRAME_S * 1000) if i == 0 else self.timeout_ms)

    def _play(self, source: Path):
        rs = self.rs
        if not source.is_file():
            raise UserError(f"{source}: no such RealSense recording")
        config = rs.config()
        config.enable_device_from_file(str(source), repeat_playback=False)
        self._pipeline = rs.pipeline()
        try:
            profile = self._pipeline.start(config)
        except RuntimeError as e:       # a bad recording
            raise UserError(f"cannot start the {self.name}: {e}") from None
        # from here on every frame waits for the reader; librealsense's syncer may still drop
        # the first framesets of a recording while the streams start
        profile.get_device().as_playback().set_real_time(False)
        return profile.get_stream(rs.stream.color)

    def _stream(self, device):
        rs = self.rs
        if device is None:
            devices = rs.context().query_devices()
            if not len(devices):
                raise UserError("cannot start the D435i head camera: No device connected (is its USB cable in?)")
            device = devices[0]
        self._syncer = rs.syncer()
        wanted = {rs.stream.depth: rs.format.z16, rs.stream.color: rs.format.rgb8}
        color_profile = None
        for sensor in device.query_sensors():
            for profile in sensor.get_stream_profiles():
                video = profile.as_video_stream_profile()
                if (wanted.get(profile.stream_type()) == profile.format() and profile.fps() == FPS
                        and (video.width(), video.height()) == SIZE):
                    sensor.open(profile)
                    sensor.start(self._syncer)
                    self._sensors.append(sensor)
                    if profile.stream_type() == rs.stream.color:
                        color_profile = profile
                    break
        if len(self._sensors) != 2 or color_profile is None:
            self.close()
            raise UserError(f"the head camera offers no {SIZE[0]}x{SIZE[1]} colour and depth at {FPS} fps")
        return color_profile

    def _next_frames(self, timeout_ms: int):
        if self._pipeline is not None:
            ok, frames = self._pipeline.try_wait_for_frames(timeout_ms)
        else:
            ok, frames = self._syncer.try_wait_for_frames(timeout_ms)
        if not ok:
            raise UserError(f"the {self.name} stopped: no frame within {timeout_ms} ms")
        return frames

    def _next_pair(self, timeout_ms: int):
        """The next frameset with colour and depth: a syncer hands on a lone frame when its
        partner came late (and a recording's first framesets may be lone ones)."""
        frames = self._next_frames(timeout_ms)
        for _ in range(FPS):
            if frames.get_depth_frame() and frames.get_color_frame():
                break
            frames = self._next_frames(self.timeout_ms)
        return frames

    def _drop_queued(self) -> None:
        if self._syncer is not None:
            while self._syncer.poll_for_frames():
                pass    # each poll takes one queued frameset off, unread

    def grab(self) -> tuple[np.ndarray, np.ndarray, float]:
        """(RGB uint8, depth in metres float32 with 0 = no reading, timestamp in seconds)."""
        self._drop_queued()
        aligned = self._align.process(self._next_pair(self.timeout_ms))
        depth_frame, color_frame = aligned.get_depth_frame(), aligned.get_color_frame()
        if not depth_frame or not color_frame:
            raise UserError(f"the {self.name} sends {'no depth' if not depth_frame else 'no colour'} "
                            f"with its frames")
        color = np.asanyarray(color_frame.get_data()).copy()
        depth = np.asanyarray(depth_frame.get_data()).astype(np.float32) * depth_frame.get_units()
        if self.upright:
            color, depth = rotate_image(color), rotate_image(depth)
        return color, depth, color_frame.get_timestamp() / 1000.0

    def close(self) -> None:
        for stop in ([self._pipeline.stop] if self._pipeline is not None else []) + \
                [step for sensor in self._sensors for step in (sensor.stop, sensor.close)]:
            try:
                stop()
            except RuntimeError:
                pass   # already stopped
        self._sensors = []
