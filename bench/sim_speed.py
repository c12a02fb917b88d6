"""Simulation speed: real-time factor of the physics, with the cameras, and one full pick.

Targets on the 2-core CPU machine (issue 3): physics >= 5x real time; a full pick (grasp,
lift-and-pull probe with 4 Hz wrist video, extraction) <= 2 s wall.

    MUJOCO_GL=egl python bench/sim_speed.py [--seeds 5] [--scene bin-v3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("MUJOCO_GL", "egl")


from ivfp_bt import versions  # noqa: E402
from ivfp_bt.robot.interface import wait_for  # noqa: E402
from ivfp_bt.sim import open_sim_robot  # noqa: E402
from ivfp_bt.sim.scene_config import scene_config  # noqa: E402
from ivfp_bt.sim.scripted_pick import front_grasp, scripted_pick  # noqa: E402


def physics_rtf(robot, seconds: float, render_hz: float = 0.0) -> float:
    """Simulated seconds per wall second while the arm moves (and the cameras render at render_hz)."""
    wait_for(robot, [robot.move_to("lift", 0.8)], 15)
    robot.move_to("arm", 0.3)
    start, wall = robot.now(), time.perf_counter()
    next_frame = start
    while robot.now() - start < seconds:
        robot.sync(0.02)
        if render_hz and robot.now() >= next_frame:
            robot.head_frame()
            robot.wrist_camera.latest()
            next_frame += 1 / render_hz
    return (robot.now() - start) / (time.perf_counter() - wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--scene", default=None, help="scene configuration version (default: the current frozen one)")
    args = parser.parse_args()
    print(f"scene {scene_config(args.scene).version}, {versions.listed()}")
    physics, cameras, picks, sim_s, outcomes = [], [], [], [], []
    for seed in range(args.seeds):
        robot = open_sim_robot(seed, args.scene)
        physics.append(physics_rtf(robot, 3.0))
        robot.close()
        robot = open_sim_robot(seed, args.scene)
        cameras.append(physics_rtf(robot, 3.0, render_hz=4.0))
        robot.close()
        robot = open_sim_robot(seed, args.scene)
        grasp, width = front_grasp(robot)
        wall = time.perf_counter()
        result = scripted_pick(robot, grasp, width)
        picks.append(time.perf_counter() - wall)
        sim_s.append(result.sim_seconds)
        outcomes.append(result.judgement.outcome.value)
        robot.close()
        print(f"seed {seed}: physics {physics[-1]:.1f}x, with cameras {cameras[-1]:.1f}x, pick {picks[-1]:.2f} s "
              f"wall / {sim_s[-1]:.1f} s sim, {len(result.probe_video)} probe frames, {outcomes[-1]}", flush=True)
    print(f"physics alone:          median {statistics.median(physics):.1f}x real time (target >= 5x)")
    print(f"with cameras at 4 Hz:   median {statistics.median(cameras):.1f}x real time (head RGB-D+mask and wrist)")
    print(f"one full pick:          median {statistics.median(picks):.2f} s wall (target <= 2 s), "
          f"{statistics.median(sim_s):.1f} s simulated robot time")


if __name__ == "__main__":
    main()
