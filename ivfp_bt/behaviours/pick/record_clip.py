"""RecordClip: keep the wrist camera's frames (colour and depth) while something else runs."""

from __future__ import annotations

from typing import Any

import cv2
import py_trees

from ivfp_bt.behaviours.leaf import Leaf
from ivfp_bt.errors import UserError
from ivfp_bt.params import Param
from ivfp_bt.robot.interface import TimedFrame

Status = py_trees.common.Status


class RecordClip(Leaf):
    """Record the wrist camera (colour, and depth if `depth`) at `rate_hz` until stopped; put it beside a motion in a Parallel."""

    PARAMS = {
        "rate_hz": Param(float, 4.0, "frames kept per second", min=0.5, max=30.0),
        "size": Param(int, 112, "frames are stored resized to size x size pixels", min=16, max=512),
        "depth": Param(bool, True, "record depth too (a camera without depth is an error)"),
    }
    REQUIRES = ("robot",)
    WATCH_FAILURE = True   # in the simulation, the sidecar logs when a failure happened during the clip

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.frames: list[TimedFrame] = []
        self.record: dict[str, Any] = {}
        self.stopped_record: dict[str, Any] | None = None
        self._next_at = 0.0

    def setup(self, **resources: Any) -> None:
        super().setup(**resources)
        if self.depth and not self.robot.wrist_camera.has_depth:
            raise UserError(f"leaf {self.name!r} records depth, and this robot's wrist camera measures none "
                            "(set depth: false)")

    def initialise(self) -> None:
        self.frames, self.record, self.stopped_record = [], {}, None
        self._next_at = self.robot.now()

    def update(self) -> Status:
        if self.take_frame():
            self.feedback_message = f"{len(self.frames)} frames"
        return Status.RUNNING

    def take_frame(self) -> bool:
        """Keep a new frame if one is due; whether one was."""
        now = self.robot.now()
        if now + 1e-9 < self._next_at:
            return False
        frame = self.robot.wrist_camera.latest(depth=self.depth)
        self.frames.append(TimedFrame(frame.time, self._resized(frame.image),
                                      None if frame.depth is None else self._resized(frame.depth, nearest=True)))
        self._next_at = max(self._next_at + 1.0 / self.rate_hz, now)
        return True

    def _resized(self, image, nearest: bool = False):
        if image.shape[0] == self.size and image.shape[1] == self.size:
            return image
        return cv2.resize(image, (self.size, self.size),
                          interpolation=cv2.INTER_NEAREST if nearest else cv2.INTER_AREA)

    def clip_record(self) -> dict[str, Any]:
        return {"clip": list(self.frames), "clip_rate_hz": self.rate_hz}

    def terminate(self, new_status: Status) -> None:
        if new_status is Status.INVALID and self.status is Status.RUNNING:
            # stopped by its Parallel when the motion beside it ended: the sidecar collects this
            self.stopped_record = {**self.record, **self.clip_record()}
