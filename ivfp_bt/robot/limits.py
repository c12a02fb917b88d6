"""Joint limits, speeds and the grasping workspace; commands outside them are refused.

Speeds and accelerations are stretch_body's RE1V0 motion profiles (robot_params_RE1V0:
``default`` and ``max``), so simulated motion takes as long as it does on the robot.
The gripper is in aperture metres: 0.125 m is fully open, 0 is fingertips touching and a
negative aperture squeezes (stretch_body's negative percent).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ivfp_bt.errors import UserError


class CommandRefused(UserError):
    """A motion command outside the joint limits or the workspace; nothing was sent."""


@dataclass(frozen=True)
class JointLimit:
    lower: float
    upper: float
    default_speed: float
    max_speed: float
    accel: float
    unit: str

    def check(self, joint: str, target: float) -> None:
        if not np.isfinite(target):
            raise CommandRefused(f"{joint}: target {target} is not a number")
        if not self.lower <= target <= self.upper:
            raise CommandRefused(f"{joint}: target {target:.4f} {self.unit} is outside its limits "
                                 f"[{self.lower:g}, {self.upper:g}] {self.unit}")

    def speed(self, joint: str, requested: float | None) -> float:
        if requested is None:
            return self.default_speed
        if not 0 < requested <= self.max_speed:
            raise CommandRefused(f"{joint}: speed {requested:g} {self.unit}/s is outside "
                                 f"(0, {self.max_speed:g}] {self.unit}/s")
        return requested


# base: odometry relative to where the robot was opened; kept small because a pick only
# slides along the shelf face.
RE1_LIMITS: dict[str, JointLimit] = {
    "base": JointLimit(-0.30, 0.30, 0.15, 0.30, 0.20, "m"),
    "lift": JointLimit(0.0, 1.10, 0.095, 0.15, 0.15, "m"),
    "arm": JointLimit(0.0, 0.52, 0.14, 0.30, 0.14, "m"),
    "wrist_yaw": JointLimit(-1.75, 4.0, 2.0, 3.0, 3.0, "rad"),
    "gripper": JointLimit(-0.03, 0.125, 0.10, 0.20, 0.50, "m"),
}


@dataclass(frozen=True)
class Workspace:
    """An axis-aligned box in the base frame that the tool point must stay in.

    Stretch's base, lift and arm are Cartesian, so a single-joint move between two points
    of a box stays inside it; checking the end point of each command is enough.
    """

    lower: tuple[float, float, float]
    upper: tuple[float, float, float]

    def contains(self, point: np.ndarray) -> bool:
        return bool(np.all(point >= np.asarray(self.lower)) and np.all(point <= np.asarray(self.upper)))

    def distance(self, point: np.ndarray) -> float:
        outside = np.maximum(np.asarray(self.lower) - point, 0) + np.maximum(point - np.asarray(self.upper), 0)
        return float(np.linalg.norm(outside))

    def check_move(self, joint: str, before: np.ndarray, after: np.ndarray) -> None:
        """Refuse moves that end outside, unless they bring an outside tool point closer."""
        if self.contains(after):
            return
        if not self.contains(before) and self.distance(after) < self.distance(before) - 1e-9:
            return
        x, y, z = after
        raise CommandRefused(f"{joint}: the move would put the gripper at ({x:.3f}, {y:.3f}, {z:.3f}) m, "
                             f"outside the workspace {self.lower}..{self.upper}")

    @classmethod
    def from_dict(cls, raw: dict, where: str) -> "Workspace":
        try:
            lower = tuple(float(v) for v in raw["min"])
            upper = tuple(float(v) for v in raw["max"])
        except (KeyError, TypeError, ValueError) as e:
            raise UserError(f"{where}: workspace needs min: [x, y, z] and max: [x, y, z] in metres ({e})") from None
        if len(lower) != 3 or len(upper) != 3 or any(lo >= hi for lo, hi in zip(lower, upper)):
            raise UserError(f"{where}: workspace min must be below max on x, y and z")
        return cls(lower, upper)  # type: ignore[arg-type]
