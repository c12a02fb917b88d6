"""The wrist camera as a frame stream: frames are rendered at simulated times while recording,
with depth on request (the simulated camera measures it; the world's USB camera does not)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ivfp_bt.robot.interface import TimedFrame

if TYPE_CHECKING:
    from ivfp_bt.sim.world import SimWorld


class SimWristStream:
    def __init__(self, world: "SimWorld"):
        self.world = world
        self._period: float | None = None
        self._next = 0.0
        self._frames: list[TimedFrame] = []

    def start_recording(self, rate_hz: float) -> None:
        if not 0 < rate_hz <= 60:
            raise ValueError(f"wrist camera rate {rate_hz} Hz is outside (0, 60]")
        self._period = 1.0 / rate_hz
        self._frames = [self.latest()]
        self._next = self.world.now() + self._period

    def after_step(self) -> None:
        if self._period is not None and self.world.now() + 1e-9 >= self._next:
            self._frames.append(self.latest())
            self._next += self._period

    def stop_recording(self) -> list[TimedFrame]:
        frames, self._frames, self._period = self._frames, [], None
        return frames

    @property
    def has_depth(self) -> bool:
        return True

    def latest(self, depth: bool = False) -> TimedFrame:
        cameras = self.world.cameras
        return TimedFrame(self.world.now(), cameras.wrist(), cameras.wrist_depth() if depth else None)
