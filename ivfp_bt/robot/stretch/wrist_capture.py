"""The wrist camera on the real robot through OpenCV capture, as a FrameStream for probe videos.

A device is asked for its size and format (MJPG at 640x480 unless told otherwise: a UVC camera
left to itself may stream raw YUYV at a few frames a second). A reader thread keeps the
newest frame, turned into the probe view: through the lens's fisheye calibration into the
simulation's equidistant 120-degree view (``wrist_lens``) when one is given, else a centre
square resized to 224² (for a lens like the simulated one); while recording it also keeps one
frame per period. A video file instead of a device replays at its own frame rate, as a camera
would, which is how this is tested without one. A camera that stops sending frames raises one
line, never hangs.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import cv2
import numpy as np

from ivfp_bt.errors import UserError
from ivfp_bt.robot.interface import TimedFrame
from ivfp_bt.robot.stretch.wrist_lens import WristLens

SIZE = 224
DEVICE_SIZE, DEVICE_FOURCC = (640, 480), "MJPG"


def square(image_bgr: np.ndarray, size: int = SIZE) -> np.ndarray:
    """Centre square crop, resized to size², as RGB."""
    h, w = image_bgr.shape[:2]
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    crop = image_bgr[top:top + side, left:left + side]
    return cv2.cvtColor(cv2.resize(crop, (size, size), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2RGB)


class WristCapture:
    def __init__(self, source: int | str | Path, timeout_s: float = 1.0, clock=time.monotonic,
                 lens: WristLens | None = None, size: tuple[int, int] = DEVICE_SIZE, fourcc: str = DEVICE_FOURCC):
        self.source, self.timeout_s, self.clock = source, timeout_s, clock
        self._capture = cv2.VideoCapture(source if isinstance(source, int) else str(source))
        if not self._capture.isOpened():
            raise UserError(f"cannot open the wrist camera {source} (is it plugged in? on the robot it is "
                            "usually /dev/hello-gripper-camera or a /dev/video* index)")
        is_file = not isinstance(source, int) and Path(source).is_file()
        if not is_file:
            self._capture.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter_fourcc(*fourcc))
            self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, size[0])
            self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, size[1])
        self.lens = lens
        self._maps = lens.maps() if lens is not None else None
        fps = self._capture.get(cv2.CAP_PROP_FPS) if is_file else 0.0
        self._file_period = 1.0 / fps if fps > 0 else 0.0
        self._lock = threading.Lock()
        self._latest: TimedFrame | None = None
        self._recording: list[TimedFrame] | None = None
        self._period, self._next = 0.0, 0.0
        self._running = True
        self._error: UserError | None = None
        self._thread = threading.Thread(target=self._read_loop, name="wrist-capture", daemon=True)
        self._thread.start()

    def _read_loop(self) -> None:
        next_at = self.clock()
        while self._running:
            ok, image = self._capture.read()
            if not ok:
                return          # unplugged, or the end of a file: latest() will say it stopped
            if self._file_period:
                next_at += self._file_period
                time.sleep(max(0.0, next_at - self.clock()))
            try:
                view = self.lens.probe_view(image, self._maps) if self.lens is not None else square(image)
            except UserError as error:      # a camera that does not match its lens: latest() says so
                self._error = error
                return
            frame = TimedFrame(self.clock(), view)
            with self._lock:
                self._latest = frame
                if self._recording is not None and frame.time >= self._next:
                    self._recording.append(frame)
                    self._next = max(self._next + self._period, frame.time)

    @property
    def has_depth(self) -> bool:
        return False

    def latest(self, depth: bool = False) -> TimedFrame:
        if depth:
            raise UserError(f"the wrist camera {self.source} measures no depth: use an anticipation model "
                            "trained without it (ivfp-bt train anticipation --modalities rgb,flow)")
        deadline = self.clock() + self.timeout_s
        while True:
            with self._lock:
                frame = self._latest
            now = self.clock()
            if frame is not None and now - frame.time <= self.timeout_s:
                return frame
            if self._error is not None:
                raise self._error
            if now >= deadline:
                raise UserError(f"the wrist camera {self.source} stopped: no frame for {self.timeout_s:.1f} s")
            time.sleep(0.005)

    def start_recording(self, rate_hz: float) -> None:
        if not 0 < rate_hz <= 60:
            raise ValueError(f"wrist camera rate {rate_hz} Hz is outside (0, 60]")
        first = self.latest()
        with self._lock:
            self._period, self._recording = 1.0 / rate_hz, [first]
            self._next = first.time + self._period

    def stop_recording(self) -> list[TimedFrame]:
        self.latest()   # a camera that died during the probe is an error, not a short video
        with self._lock:
            frames, self._recording = self._recording or [], None
        return frames

    def close(self) -> None:
        self._running = False
        self._thread.join(timeout=2.0)
        self._capture.release()
