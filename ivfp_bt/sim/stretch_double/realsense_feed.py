"""The head D435i of the double: the work-cell's head camera, streamed through pyrealsense2's
software device so that the backend's HeadCamera reads it with librealsense as it reads the
robot's camera (syncer, alignment, intrinsics and depth units from the stream profiles).

The D435i is mounted on its side: frames go out turned back to the sensor's orientation
(424x240) and HeadCamera turns them upright, as on the robot. The colour stream reports the
D435's inverse Brown-Conrady model (with zero coefficients: the render is a pinhole).

A thread pushes 15 frames a second of wall time. It renders afresh only when the physics has
moved and then paused (the robot stepping means nobody is looking; a render takes ~60 ms here),
and otherwise sends the last render again. ``kill()`` stops the stream as an unplugged camera.
"""

from __future__ import annotations

import threading
import time

import numpy as np

from ivfp_bt.errors import UserError
from ivfp_bt.robot.interface import CameraIntrinsics
from ivfp_bt.sim.cameras import SimCameras
from ivfp_bt.sim.stretch_double.firmware import Firmware

FPS = 15
DEPTH_UNITS = 0.001
PAUSE_S = 0.05              # the physics has not stepped for this long: render


def sideways(image: np.ndarray) -> np.ndarray:
    """Undo HeadCamera's upright turn (90 degrees clockwise)."""
    return np.ascontiguousarray(np.rot90(image, k=1))


def sideways_intrinsics(k: CameraIntrinsics) -> CameraIntrinsics:
    """The sensor's intrinsics of an upright pinhole camera (the inverse of upright.rotate_intrinsics)."""
    return CameraIntrinsics(width=k.height, height=k.width, fx=k.fy, fy=k.fx, cx=k.cy, cy=k.width - 1 - k.cx,
                            model=k.model)


class SimD435i:
    def __init__(self, firmware: Firmware):
        try:
            import pyrealsense2 as rs
        except ImportError as e:
            raise UserError(f"the stretch_body double streams its head camera through pyrealsense2 ({e}); "
                            "pip install 'ivfp-bt[stretch]'") from None
        self.rs, self.firmware = rs, firmware
        # renderers of its own: an EGL context is current in one thread at a time, and this
        # thread renders while the simulation's own cameras serve the tree's thread
        self._cameras = SimCameras(firmware.sim.model, firmware.sim.data)
        self.intrinsics = sideways_intrinsics(firmware.sim.cameras.head_intrinsics)
        self.device = rs.software_device()
        self.device.register_info(rs.camera_info.name, "Intel RealSense D435I (simulated)")
        self.device.register_info(rs.camera_info.serial_number, "SIMULATED-D435I")
        self._depth_sensor = self.device.add_sensor("Stereo Module")
        self._color_sensor = self.device.add_sensor("RGB Camera")
        self._depth_profile = self._depth_sensor.add_video_stream(self._stream(rs.stream.depth, rs.format.z16, 2, 1))
        self._color_profile = self._color_sensor.add_video_stream(self._stream(rs.stream.color, rs.format.rgb8, 3, 2))
        self._depth_sensor.add_read_only_option(rs.option.depth_units, DEPTH_UNITS)
        same_place = rs.extrinsics()     # the simulated camera renders colour and depth from one point
        same_place.rotation, same_place.translation = [1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0]
        self._depth_profile.register_extrinsics_to(self._color_profile, same_place)
        self.device.create_matcher(rs.matchers.default)
        self.target_bodies: np.ndarray | None = None   # the segmentation of the last render (upright)
        self._frame: tuple[np.ndarray, np.ndarray] | None = None
        self._rendered_at = -1.0
        self._number = 0
        self._running = threading.Event()
        self._thread: threading.Thread | None = None

    def _stream(self, kind, fmt, bpp: int, uid: int):
        rs, k = self.rs, self.intrinsics
        intrinsics = rs.intrinsics()
        intrinsics.width, intrinsics.height, intrinsics.fx, intrinsics.fy = k.width, k.height, k.fx, k.fy
        intrinsics.ppx, intrinsics.ppy = k.cx, k.cy
        is_color = kind == rs.stream.color
        intrinsics.model = rs.distortion.inverse_brown_conrady if is_color else rs.distortion.brown_conrady
        intrinsics.coeffs = [0.0] * 5
        stream = rs.video_stream()
        stream.type, stream.fmt, stream.bpp, stream.uid, stream.index = kind, fmt, bpp, uid, 0
        stream.width, stream.height, stream.fps, stream.intrinsics = k.width, k.height, FPS, intrinsics
        return stream

    def start(self) -> None:
        self._running.set()
        self._thread = threading.Thread(target=self._push_loop, name="sim-d435i", daemon=True)
        self._thread.start()

    def kill(self) -> None:
        """The stream stops, as when the camera's cable comes out."""
        self._running.clear()
        if self._thread is not None:
            self._thread.join(timeout=2.0)

    def _push_loop(self) -> None:
        period = 1.0 / FPS
        while self._running.is_set():
            started = time.monotonic()
            self._push()
            time.sleep(max(0.0, period - (time.monotonic() - started)))
        with self.firmware.lock:
            self._cameras.close()     # in the thread whose EGL context it is

    def _push(self) -> None:
        fw = self.firmware
        moved = fw.now() != self._rendered_at
        paused = time.monotonic() - fw.stepped_at >= PAUSE_S
        if self._frame is None or (moved and paused):
            with fw.lock:
                self._rendered_at = fw.now()
                color, depth, bodies = self._cameras.head()
            self.target_bodies = bodies
            depth_mm = np.clip(np.round(depth / DEPTH_UNITS), 0, 65535).astype(np.uint16)
            self._frame = (sideways(color), sideways(depth_mm))
        if self._frame is not None and (moved and not paused):
            return      # the robot is moving: nobody looks, and a stale frame must not pass for a new one
        self._send(*self._frame)

    def _send(self, color: np.ndarray, depth: np.ndarray) -> None:
        rs = self.rs
        self._number += 1
        stamp_ms = self._number * 1000.0 / FPS     # the camera clock ticks with every frame
        for sensor, profile, pixels, bpp in ((self._depth_sensor, self._depth_profile, depth, 2),
                                             (self._color_sensor, self._color_profile, color, 3)):
            frame = rs.software_video_frame()
            frame.pixels, frame.bpp, frame.stride = pixels, bpp, self.intrinsics.width * bpp
            frame.timestamp, frame.frame_number = stamp_ms, self._number
            frame.domain = rs.timestamp_domain.hardware_clock
            frame.profile = profile.as_video_stream_profile()
            if sensor is self._depth_sensor:
                frame.depth_units = DEPTH_UNITS
            sensor.on_video_frame(frame)
