"""Undo what the robot did: a snapshot of the simulation (physics, servo references, the
motions leaves hold, the wrist stream) and its restoration, for playing futures forward."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import mujoco

from ivfp_bt.sim.sim_robot import SimRobot


@contextmanager
def rewound(robot: SimRobot) -> Iterator[None]:
    """Whatever ``robot`` does inside is undone after: the simulation is left exactly as it was."""
    saved = _save(robot)
    try:
        yield
    finally:
        _restore(robot, saved)


def _save(robot: SimRobot) -> dict:
    data = mujoco.MjData(robot.model)
    mujoco.mj_copyData(data, robot.model, robot.data)
    wrist = robot.wrist_camera
    return {"data": data, "references": dict(robot._references), "trajectories": dict(robot._trajectories),
            "targets": dict(robot.gate.targets), "motions": dict(robot.gate.motions),
            # leaves hold these Motion objects: what happens in the foreseen future is undone in place
            "motion_states": [(m, m.state, m.reason) for m in robot.gate.motions.values()],
            "wrist": (wrist._period, wrist._next, list(wrist._frames))}


def _restore(robot: SimRobot, saved: dict) -> None:
    mujoco.mj_copyData(robot.data, robot.model, saved["data"])
    robot._references, robot._trajectories = saved["references"], saved["trajectories"]
    robot.gate.targets, robot.gate.motions = saved["targets"], saved["motions"]
    for motion, state, reason in saved["motion_states"]:
        motion.state, motion.reason = state, reason
    wrist = robot.wrist_camera
    wrist._period, wrist._next, wrist._frames = saved["wrist"]
    mujoco.mj_forward(robot.model, robot.data)
