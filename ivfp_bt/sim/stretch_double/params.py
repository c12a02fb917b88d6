"""The RE1V0 parameters the double's devices carry, with the values stretch_body 0.7.31 reads
from an RE1 fleet (robot_params_RE1V0 after RE1_migrate_contacts). Contract tests check each
against the real classes built from such a fleet.

The default contact thresholds are the largest the RE1 accepts: the simulated arm's servo
pushes up to ~76 % effort just to follow a fast trapezoid, so anything lower would stop free
motions (the simulation's own backend guards only moves that ask for it).
"""

from __future__ import annotations

import math

TICKS_PER_TURN = 4096

LIFT = {"range_m": [0.0, 1.1], "i_feedforward": 0.54,
        "motion": {"default": {"vel_m": 0.095, "accel_m": 0.15}, "max": {"vel_m": 0.15, "accel_m": 0.3}},
        "contact_models": {"effort_pct": {"contact_thresh_default": [-100.0, 100.0],
                                          "contact_thresh_homing": [-100.0, 100.0],
                                          "contact_thresh_max": [-100, 100]}}}
ARM = {"range_m": [0.0, 0.52], "i_feedforward": 0,
       "motion": {"default": {"vel_m": 0.14, "accel_m": 0.14}, "max": {"vel_m": 0.3, "accel_m": 0.3}},
       "contact_models": {"effort_pct": {"contact_thresh_default": [-90.0, 90.0],
                                         "contact_thresh_homing": [-90.0, 90.0],
                                         "contact_thresh_max": [-90.0, 90.0]}}}
BASE = {"motion": {"default": {"vel_m": 0.15, "accel_m": 0.2}, "max": {"vel_m": 0.3, "accel_m": 0.4}},
        "contact_models": {"effort_pct": {"contact_thresh_translate_default": 60.0,
                                          "contact_thresh_rotate_default": 60.0,
                                          "contact_thresh_translate_max": 100.0,
                                          "contact_thresh_rotate_max": 100.0}}}
WRIST_YAW = {"range_t": [0, 9340], "zero_t": 7175, "flip_encoder_polarity": 1, "gr": 2.4,
             "motion": {"default": {"vel": 2.0, "accel": 3.0}, "max": {"vel": 3.0, "accel": 10}}}
STRETCH_GRIPPER = {"range_t": [0, 8022], "zero_t": 5212, "flip_encoder_polarity": 0, "gr": 1.0,
                   "motion": {"default": {"vel": 4.0, "accel": 10.0}, "max": {"vel": 8, "accel": 12}},
                   "gripper_conversion": {"finger_length_m": 0.171, "open_aperture_m": 0.09,
                                          "closed_aperture_m": 0.0, "open_robotis": 70.0, "closed_robotis": 0.0},
                   "stall_max_effort": 20.0, "stall_max_time": 0.5, "stall_min_vel": 0.1}
HEAD_PAN = {"range_t": [0, 3827], "zero_t": 1165, "flip_encoder_polarity": 1, "gr": 1.0,
            "motion": {"default": {"vel": 3.0, "accel": 8.0}, "max": {"vel": 6.0, "accel": 14.0}}}
HEAD_TILT = {"range_t": [1775, 3150], "zero_t": 2048, "flip_encoder_polarity": 1, "gr": 1.0,
             "motion": {"default": {"vel": 3.0, "accel": 8.0}, "max": {"vel": 6.0, "accel": 14.0}}}
TOOL_STOW = {"stretch_gripper": 0, "wrist_yaw": 3.4}


def ticks_to_world_rad(params: dict, ticks: float) -> float:
    """stretch_body's DynamixelHelloXL430.ticks_to_world_rad."""
    polarity = -1.0 if params["flip_encoder_polarity"] else 1.0
    return polarity * (ticks - params["zero_t"]) * 2 * math.pi / TICKS_PER_TURN / params["gr"]


def ticks_to_pct(params: dict, ticks: float) -> float:
    """StretchGripper's percent scale: 0 at zero_t, -100 at the bottom of range_t."""
    return ticks * 100.0 / (params["zero_t"] - params["range_t"][0]) - 100.0
