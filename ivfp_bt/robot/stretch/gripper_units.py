"""Gripper aperture (metres between the fingertips) <-> stretch_body's percent units.

The linear model and its constants are stretch_body's own (GripperConversion with the
RE1V0 stretch_gripper parameters): 0 % is fingertips touching, 70 % is 0.09 m open, and
negative percents squeeze; -100 % is "closed hard".
"""

from __future__ import annotations

OPEN_APERTURE_M = 0.09
OPEN_PCT = 70.0
CLOSED_APERTURE_M = 0.0
CLOSED_PCT = 0.0
SLOPE_M_PER_PCT = (OPEN_APERTURE_M - CLOSED_APERTURE_M) / (OPEN_PCT - CLOSED_PCT)
MIN_PCT = -100.0


def aperture_to_pct(aperture_m: float) -> float:
    return max(MIN_PCT, (aperture_m - CLOSED_APERTURE_M) / SLOPE_M_PER_PCT + CLOSED_PCT)


def pct_to_aperture(pct: float) -> float:
    return SLOPE_M_PER_PCT * (pct - CLOSED_PCT) + CLOSED_APERTURE_M
