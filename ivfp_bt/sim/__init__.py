"""The embedded default robot: a MuJoCo simulation of the Stretch RE1 in front of a packed bin."""

from __future__ import annotations


def open_sim_robot(seed: int | None = None, scene_version: str | None = None, objects: str = "seen"):
    """A simulated Stretch in front of a freshly generated scene (seed 0 when none is given)."""
    from ivfp_bt.sim.scene import generate_scene
    from ivfp_bt.sim.scene_config import DEFAULT_SCENE, scene_config
    from ivfp_bt.sim.sim_robot import SimRobot

    config = scene_config(scene_version or DEFAULT_SCENE)
    return SimRobot(generate_scene(0 if seed is None else seed, config, objects))
