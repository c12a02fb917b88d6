"""One pick as a fixed script (grasp, lift-and-pull probe with video, extraction).

For tests, benchmarks and checking a scene by hand; the pick strategies themselves are
behaviour trees. The probe is the reference implementation's (REFERENCE.md): lift 4 cm,
wait 0.2 s, pull 3 cm, wait 0.5 s, push 1 cm, lower; the wrist camera records at 4 Hz.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ivfp_bt.robot.interface import TimedFrame, wait_for
from ivfp_bt.robot.kinematics import joints_for_tool_point
from ivfp_bt.sim.oracle import Judgement, judge
from ivfp_bt.sim.sim_robot import SimRobot

PROBE = (("lift", 0.04, 0.2), ("arm", -0.03, 0.5), ("arm", 0.01, 0.0), ("lift", -0.04, 0.0))
PROBE_RATE_HZ = 4.0
EXTRACT_LIFT = 0.05
APPROACH_STANDOFF = 0.10   # metres short of the grasp point before the final reach


@dataclass
class PickResult:
    judgement: Judgement
    probe_video: list[TimedFrame]
    sim_seconds: float


def front_grasp(robot: SimRobot, x: float | None = None) -> tuple[np.ndarray, float]:
    """A grasp on the target from the bin's front, near its top, from the simulator's own state:
    (tool point, pre-grasp width). ``x`` moves it sideways, as a misplaced grasp would be."""
    c, target = robot.scene.config, robot.scene.target_item
    width, _, height = target.item_type.extents
    z = max(c.bin_floor_z + height - 0.03, c.bin_floor_z + c.bin_lip_height + 0.03)
    return np.array([target.pos[0] if x is None else x, c.bin_front_y - 0.035, z]), min(0.10, width + 0.02)


def scripted_pick(robot: SimRobot, grasp: np.ndarray, width: float, record: bool = True) -> PickResult:
    """Grasp at ``grasp`` (base frame) with pre-grasp aperture ``width``, probe, extract, judge."""
    start = robot.now()
    j = joints_for_tool_point(grasp)
    wait_for(robot, [robot.move_to("gripper", width), robot.move_to("wrist_yaw", 0.0),
                     robot.move_to("arm", max(0.0, j["arm"] - APPROACH_STANDOFF))], 10)
    wait_for(robot, [robot.move_to("lift", j["lift"]), robot.move_to("base", j["base"])], 15)
    wait_for(robot, [robot.move_to("arm", j["arm"])], 10)
    close = robot.move_to("gripper", -0.02, contact_effort=60)
    wait_for(robot, [close], 5)
    robot.sync(0.3)
    if record:
        robot.wrist_camera.start_recording(PROBE_RATE_HZ)
    for joint, delta, pause in PROBE:
        wait_for(robot, [robot.move_by(joint, delta)], 5)
        robot.sync(pause)
    video = robot.wrist_camera.stop_recording() if record else []
    wait_for(robot, [robot.move_by("lift", EXTRACT_LIFT)], 5)
    wait_for(robot, [robot.move_to("arm", 0.0)], 10)
    robot.sync(0.5)
    return PickResult(judge(robot), video, robot.now() - start)
