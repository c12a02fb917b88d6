"""One pick as a fixed script (grasp, lift-and-pull probe with video, extraction).

For tests, benchmarks and checking a scene by hand; the pick strategies themselves are
behaviour trees. It runs the same motion plans as the pick leaves (``ivfp_bt.pick``); the
wrist camera records the probe at 4 Hz, as the reference implementation did.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ivfp_bt.pick.motion_plan import extract_plan, grasp_plan, probe_plan
from ivfp_bt.pick.plan_runner import run_to_end
from ivfp_bt.robot.interface import TimedFrame
from ivfp_bt.sim.oracle import Judgement, judge
from ivfp_bt.sim.sim_robot import SimRobot

PROBE_RATE_HZ = 4.0


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
    run_to_end(robot, grasp_plan(grasp, width))
    if record:
        robot.wrist_camera.start_recording(PROBE_RATE_HZ)
    run_to_end(robot, probe_plan())
    video = robot.wrist_camera.stop_recording() if record else []
    run_to_end(robot, extract_plan())
    return PickResult(judge(robot), video, robot.now() - start)
