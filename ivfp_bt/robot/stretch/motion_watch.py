"""Judging a commanded motion from stretch_body's status: done, stopped on contact, or still going.

Lift and arm: the stepper counts guarded events (``status['motor']['guarded_event']``); a count
above the one at the command is contact made by this motion, where the ``in_guarded_event``
flag alone may still be set from an earlier one. Base: the measured odometry
(``base.status['x']``), never the commanded value. Gripper: a Dynamixel has no guarded event;
a gripper that has stopped (``stalled``) while pushing in the direction it was sent, at the
motion's contact effort or at stretch_body's own stall effort (20 %, where its overload guard
starts counting), whichever is less, has closed on, or opened against, something.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ivfp_bt.robot.interface import Motion, MotionState

TOLERANCE = {"base": 0.01, "lift": 0.015, "arm": 0.008, "wrist_yaw": 0.05, "gripper": 0.006}
GRIPPER_CONTACT_EFFORT = 20.0   # percent: stretch_body's stall_max_effort for the RE1 gripper
STALL_S = 0.2                   # the gripper must have stood still this long
SETTLE_S = 0.15                 # a motion less than this old has not started moving yet


@dataclass
class Watched:
    motion: Motion
    guard_events: int = 0           # the stepper's counter when the motion was sent
    still_since: float | None = None


def guard_events(body: Any, joint: str) -> int:
    return int(getattr(body, joint).status["motor"]["guarded_event"])


def judge(watched: Watched, body: Any, position: float, now: float) -> None:
    """Finish ``watched.motion`` if status says it is done or stopped on contact."""
    motion = watched.motion
    if motion.joint in ("lift", "arm") and guard_events(body, motion.joint) > watched.guard_events:
        motion.finish(MotionState.CONTACT, "guarded contact")
    elif motion.joint == "gripper" and _gripper_pushing(watched, body, now):
        motion.finish(MotionState.CONTACT, "the gripper stopped against something")
    elif abs(position - motion.target) <= TOLERANCE[motion.joint]:
        motion.finish(MotionState.DONE)


def _gripper_pushing(watched: Watched, body: Any, now: float) -> bool:
    status = body.end_of_arm.get_joint("stretch_gripper").status
    motion = watched.motion
    if not status["stalled"] or now - motion.started_at < SETTLE_S:
        watched.still_since = None
        return False
    if watched.still_since is None:
        watched.still_since = now
    direction = 1.0 if motion.target > motion.start else -1.0
    threshold = min(motion.contact_effort or GRIPPER_CONTACT_EFFORT, GRIPPER_CONTACT_EFFORT)
    return now - watched.still_since >= STALL_S and direction * float(status["effort"]) >= threshold
