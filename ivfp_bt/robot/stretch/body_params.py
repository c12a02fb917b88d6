"""What this Stretch can do, read from its own stretch_body parameters rather than assumed.

The gripper's percent <-> aperture conversion is stretch_body's own ``GripperConversion`` with
the fleet's ``gripper_conversion`` parameters (on an RE1: 0 % is fingertips touching, 70 % would
be 0.09 m), and the widest opening is the gripper's ``pct_max_open`` (about 53.9 % on an RE1,
0.069 m): a command beyond it is clipped by stretch_body without a word, so it is clipped here,
where the motion's target can say so. Joint ranges come from the same parameters (the RE1's
wrist yaw turns over [-1.384, 4.586] rad).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ivfp_bt.errors import UserError
from ivfp_bt.robot.limits import RE1_LIMITS, JointLimit

SQUEEZE_PCT = -100.0        # stretch_body's "closed hard"
LEGACY_CONTACT_KEYS = ("contact_thresh_N", "contact_thresh_max_N", "homing_force_N")


@dataclass(frozen=True)
class GripperRange:
    """Percent <-> aperture in metres for one gripper, and how far it opens."""

    slope_m_per_pct: float
    closed_pct: float
    closed_m: float
    max_open_pct: float

    @classmethod
    def from_gripper(cls, gripper: Any) -> "GripperRange":
        p = gripper.params["gripper_conversion"]
        slope = (p["open_aperture_m"] - p["closed_aperture_m"]) / (p["open_robotis"] - p["closed_robotis"])
        return cls(slope, float(p["closed_robotis"]), float(p["closed_aperture_m"]), float(gripper.pct_max_open))

    def to_pct(self, aperture_m: float) -> float:
        pct = (aperture_m - self.closed_m) / self.slope_m_per_pct + self.closed_pct
        return min(self.max_open_pct, max(SQUEEZE_PCT, pct))

    def to_aperture(self, pct: float) -> float:
        return self.slope_m_per_pct * (pct - self.closed_pct) + self.closed_m

    @property
    def max_open_m(self) -> float:
        return self.to_aperture(self.max_open_pct)

    @property
    def squeeze_m(self) -> float:
        return self.to_aperture(SQUEEZE_PCT)


def _dxl_range(joint: Any) -> tuple[float, float]:
    ends = [joint.ticks_to_world_rad(t) for t in joint.params["range_t"]]
    return min(ends), max(ends)


def joint_limits(body: Any, gripper: GripperRange) -> dict[str, JointLimit]:
    """Our limits narrowed to this robot's ranges: a target outside them would be clipped."""
    limits = dict(RE1_LIMITS)
    for name in ("lift", "arm"):
        low, high = getattr(body, name).params["range_m"]
        limits[name] = _narrowed(limits[name], low, high)
    limits["wrist_yaw"] = _narrowed(limits["wrist_yaw"], *_dxl_range(body.end_of_arm.get_joint("wrist_yaw")))
    limits["gripper"] = replace(limits["gripper"], lower=gripper.squeeze_m, upper=gripper.max_open_m)
    return limits


def _narrowed(limit: JointLimit, low: float, high: float) -> JointLimit:
    return replace(limit, lower=max(limit.lower, float(low)), upper=min(limit.upper, float(high)))


def check_contact_params(body: Any) -> None:
    """An RE1 whose contact parameters were never migrated makes stretch_body call sys.exit
    inside the first lift or arm move; say so before anything moves."""
    for name in ("lift", "arm"):
        params = getattr(body, name).params
        effort = params.get("contact_models", {}).get("effort_pct", {})
        legacy = [k for k in LEGACY_CONTACT_KEYS if k in params]
        missing = [k for k in ("contact_thresh_default", "contact_thresh_homing") if k not in effort]
        if legacy or missing:
            what = f"still has the old contact parameters ({', '.join(legacy)})" if legacy else \
                f"has no effort contact parameters ({', '.join(missing)})"
            raise UserError(f"this Stretch's {name} {what}: run RE1_migrate_contacts.py on the robot first "
                            "(https://forum.hello-robot.com/t/476)")
