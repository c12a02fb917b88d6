"""The motions of a pick as plans: stages of joint moves that run together, each stage
starting when the one before has finished.

A plan is data; ``plan_runner`` executes it against any robot, one tick at a time (for
leaves) or to the end (for scripts). The probe and extraction are the reference
implementation's (REFERENCE.md): lift 4 cm, wait 0.2 s, pull 3 cm, wait 0.5 s, push 1 cm,
lower; extraction lifts 5 cm and retracts the arm.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ivfp_bt.robot.kinematics import joints_for_tool_point

CLOSE_APERTURE = -0.02      # a negative aperture squeezes
CLOSE_EFFORT = 60.0         # percent: the gripper stops closing and holds at this effort
EXTRACT_LIFT = 0.05
OPEN = 0.10
RELEASE_RISE = 0.02
RELEASE_OPENING = 0.03      # a let-go opens this much wider than the grasp: enough to free the item, not to shove
OPEN_EFFORT = 60.0          # a finger pressed against a neighbour stops opening there, and that is fine
PROBE = (("lift", 0.04, 0.2), ("arm", -0.03, 0.5), ("arm", 0.01, 0.0), ("lift", -0.04, 0.0))
REACH_DEPTH = 0.03          # how far past the seen surface the fingers reach (ExecuteGrasp's default)
# The reach into the bin is guarded: an arm pushing this hard (percent of its effort) is blocked
# (a wall, an item met head-on); it stops there and the grasp closes where it is, instead of
# pushing on to its timeout. The simulated arm needs up to ~76 % just to follow the reach's
# trapezoid, and reaches into tight gaps push harder: 90 %, the RE1's maximum, not a tuned value.
# (Seen on Table I's own bins, so not a basis for choosing: imitation picked 42.7 % unguarded,
# 37.1 % at 80 %, 40.6 % at 90 %, 38.6 % at 90 % when a contact failed the reach instead; one
# standard error is ~5 points.)
REACH_EFFORT = 90.0
BELOW_TOP = 0.025           # least distance of the fingertips' centre below the item's top (its default)


@dataclass(frozen=True)
class Move:
    joint: str
    value: float
    relative: bool = False
    contact_effort: float | None = None


@dataclass(frozen=True)
class Stage:
    moves: tuple[Move, ...]
    pause: float = 0.0        # robot seconds to wait once the moves are done
    timeout: float = 15.0     # robot seconds the moves may take
    name: str = ""


@dataclass
class Plan:
    name: str
    stages: list[Stage] = field(default_factory=list)


def grasp_tool_point(surface: np.ndarray, depth: float = REACH_DEPTH, top: float | None = None,
                     below_top: float = BELOW_TOP) -> np.ndarray:
    """Where the tool point goes for a horizontal grasp into the bin at a surface point:
    ``depth`` metres past it, into the bin (the arm reaches along base -y), and at least
    ``below_top`` under the item's top so that the fingertip pads (4.4 cm tall) cover it
    rather than close above it when the point is on the item's top face."""
    point = np.asarray(surface, dtype=float) - np.array([0.0, depth, 0.0])
    if top is not None:
        point[2] = min(point[2], top - below_top)
    return point


def grasp_plan(tool_point: np.ndarray, width: float) -> Plan:
    """Retract and set the aperture, line up in front of the grasp with the wrist straight,
    reach in horizontally, close. Lining up with the arm in keeps the fingers off the shelf."""
    j = joints_for_tool_point(tool_point)
    return Plan("grasp", [
        Stage((Move("gripper", width), Move("arm", 0.0)), name="pre-grasp"),
        Stage((Move("lift", j["lift"]), Move("base", j["base"]), Move("wrist_yaw", 0.0)), name="line up"),
        Stage((Move("arm", j["arm"], contact_effort=REACH_EFFORT),), timeout=10.0, name="reach"),
        Stage((Move("gripper", CLOSE_APERTURE, contact_effort=CLOSE_EFFORT),), pause=0.3, timeout=5.0, name="close"),
    ])


def probe_plan(passive: bool = False) -> Plan:
    """The lift-and-pull probe relative to the grasp; passive holds still for as long."""
    if passive:
        return Plan("passive probe", [Stage((), pause=2.5, name="hold")])
    return Plan("probe", [Stage((Move(joint, delta, relative=True),), pause=pause, timeout=5.0, name=f"{joint} {delta:+}")
                          for joint, delta, pause in PROBE])


def extract_plan() -> Plan:
    return Plan("extract", [Stage((Move("lift", EXTRACT_LIFT, relative=True),), timeout=5.0, name="lift"),
                            Stage((Move("arm", 0.0),), pause=0.5, timeout=10.0, name="retract")])


def release_plan(aperture: float = OPEN - RELEASE_OPENING) -> Plan:
    """Let go of a grasp that failed verification and back out of the bin: open a little wider
    than the gripper holds now (``aperture``, metres; opening fully shoves the neighbours over),
    rise clear of what the fingers pressed on, retract."""
    wider = min(OPEN, max(aperture, 0.0) + RELEASE_OPENING)
    return Plan("release", [Stage((Move("gripper", wider, contact_effort=OPEN_EFFORT),), pause=0.3, timeout=5.0,
                                  name="open"),
                            Stage((Move("lift", RELEASE_RISE, relative=True),), timeout=5.0, name="rise"),
                            Stage((Move("arm", 0.0),), timeout=10.0, name="retract")])


def drop_plan() -> Plan:
    """After an extraction: open over the tote (here: in front of the bin) and close again."""
    return Plan("drop", [Stage((Move("gripper", OPEN, contact_effort=OPEN_EFFORT),), pause=0.5, timeout=5.0,
                               name="open")])
