"""What runs below stretch_body on the robot, played by the MuJoCo work-cell: motor controllers
that run trapezoids, stop on guarded contact and count it, a runstop that holds every joint and
ignores commands, and status that reaches Python at the status threads' rates (25 Hz for the
steppers and the pimu, 15 Hz for the Dynamixels), so it is as stale as on the robot.

Time is simulated: ``sleep`` steps the physics, ``now`` reads its clock. A lock keeps the
camera thread's renders and the physics steps apart.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from ivfp_bt.robot.interface import JOINTS
from ivfp_bt.robot.limits import RE1_LIMITS
from ivfp_bt.sim.sim_robot import SimRobot

STEP_S = 0.01               # how often the controllers check contact
STEPPER_STATUS_S = 1 / 25   # NonDXLStatusThread
DXL_STATUS_S = 1 / 15       # DXLEndOfArmStatusThread, DXLHeadStatusThread


@dataclass
class Guard:
    """A stepper's contact thresholds for the motion it runs (effort percent, signed)."""

    positive: float
    negative: float


class Firmware:
    def __init__(self, sim: SimRobot):
        self.sim = sim
        self.lock = threading.RLock()
        self.runstop = False
        self.guards: dict[str, Guard] = {}
        self.guarded_events: dict[str, int] = {"lift": 0, "arm": 0, "base": 0}
        self.in_guarded_event: dict[str, bool] = {"lift": False, "arm": False, "base": False}
        self.listeners: list = []            # devices whose status the threads refresh
        self.on_stop: list = []              # what Robot.stop() shuts down with the robot (the camera)
        self.camera = None                   # the head D435i double, once there is one
        self._refreshed = {"stepper": -1.0, "dxl": -1.0}
        self.stepped_at = 0.0                # wall time of the last physics step (the camera waits for a pause)

    def now(self) -> float:
        return self.sim.now()

    def sleep(self, seconds: float) -> None:
        end = self.sim.now() + seconds
        while self.sim.now() < end - 1e-9:
            with self.lock:
                self.sim.sync(min(STEP_S, end - self.sim.now()))
                self._check_guards()
                self._refresh_status()
            self.stepped_at = time.monotonic()

    def drive(self, joint: str, target: float, speed: float, accel: float, guard: Guard | None = None) -> bool:
        """Start a motion; False (nothing moves) while the runstop is pressed."""
        if self.runstop:
            return False
        limit = RE1_LIMITS[joint]
        target = min(max(target, limit.lower), limit.upper)   # the mechanism's own end stops
        with self.lock:    # a motor's new profile starts where the joint is, not where it was sent
            self.sim.hold(joint)
            self.sim.drive(joint, target, speed, accel)
        if joint in self.in_guarded_event:
            self.in_guarded_event[joint] = False
            if guard is None:
                self.guards.pop(joint, None)
            else:
                self.guards[joint] = guard
        return True

    def _check_guards(self) -> None:
        for joint, guard in list(self.guards.items()):
            if not self.sim.driving(joint):   # reached and holding: nothing to guard
                del self.guards[joint]
                continue
            effort = self.sim.effort(joint)
            if effort > guard.positive or effort < guard.negative:
                self.sim.hold(joint)
                self.guarded_events[joint] += 1
                self.in_guarded_event[joint] = True
                del self.guards[joint]

    def press_runstop(self) -> None:
        self.runstop = True
        with self.lock:
            for joint in JOINTS:
                self.sim.hold(joint)
        self.guards.clear()
        self.refresh_all()

    def release_runstop(self) -> None:
        self.runstop = False
        self.refresh_all()

    def _refresh_status(self) -> None:
        now = self.sim.now()
        for kind, period in (("stepper", STEPPER_STATUS_S), ("dxl", DXL_STATUS_S)):
            if now - self._refreshed[kind] >= period - 1e-9:
                self._refreshed[kind] = now
                for device in self.listeners:
                    if device.STATUS_THREAD == kind:
                        device.refresh()

    def refresh_all(self) -> None:
        for device in self.listeners:
            device.refresh()
