"""Trapezoidal velocity profiles, as Stretch's motor controllers run them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Trapezoid:
    start: float
    target: float
    speed: float
    accel: float

    @cached_property   # the simulation asks for a position every physics step
    def _shape(self) -> tuple[float, float, float]:
        """(time accelerating, time cruising, peak speed)."""
        distance = abs(self.target - self.start)
        t_acc = self.speed / self.accel
        if self.accel * t_acc * t_acc >= distance:   # never reaches cruise speed: a triangle
            t_acc = math.sqrt(distance / self.accel)
            return t_acc, 0.0, self.accel * t_acc
        return t_acc, (distance - self.accel * t_acc * t_acc) / self.speed, self.speed

    @property
    def duration(self) -> float:
        t_acc, t_cruise, _ = self._shape
        return 2 * t_acc + t_cruise

    def position(self, t: float) -> float:
        """Reference position ``t`` seconds after the start."""
        t_acc, t_cruise, peak = self._shape
        sign = 1.0 if self.target >= self.start else -1.0
        if t <= 0:
            return self.start
        if t < t_acc:
            travelled = 0.5 * self.accel * t * t
        elif t < t_acc + t_cruise:
            travelled = 0.5 * peak * t_acc + peak * (t - t_acc)
        elif t < 2 * t_acc + t_cruise:
            t_dec = 2 * t_acc + t_cruise - t
            travelled = abs(self.target - self.start) - 0.5 * self.accel * t_dec * t_dec
        else:
            return self.target
        return self.start + sign * travelled
