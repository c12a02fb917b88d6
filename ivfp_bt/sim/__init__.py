"""The embedded default robot: a MuJoCo simulation of the Stretch RE1 in front of a packed bin."""

from __future__ import annotations

import os

# Without a screen, MuJoCo's default (GLFW) cannot render; EGL renders offscreen. Set before
# any submodule imports mujoco, and only when the user has not chosen a backend.
if not os.environ.get("MUJOCO_GL") and not os.environ.get("DISPLAY"):
    os.environ["MUJOCO_GL"] = "egl"

# `import mujoco` opens its EGL module at once; an old PyOpenGL (stretch_body's) needs a name first
from ivfp_bt.sim.egl_compat import patch_pyopengl_egl  # noqa: E402

patch_pyopengl_egl()


def open_sim_robot(seed: int | None = None, scene_version: str | None = None, objects: str = "seen", extra=None,
                   settings: dict | None = None):
    """A simulated Stretch in front of a freshly generated scene (seed 0 when none is given);
    ``extra(spec)`` may add to the work-cell's model (a calibration board, a test fixture), and
    ``settings`` change the scene configuration's fields (a draft's: see ``with_settings``)."""
    from ivfp_bt.sim.scene import generate_scene
    from ivfp_bt.sim.scene_config import scene_config, with_settings

    config = with_settings(scene_config(scene_version), settings)
    return open_scene(generate_scene(0 if seed is None else seed, config, objects), extra=extra)


def open_scene(scene, extra=None):
    """A simulated Stretch in front of ``scene``, with the work-cell that orders and judges its picks."""
    from ivfp_bt.sim.sim_robot import SimRobot
    from ivfp_bt.sim.work_cell import SimWorkCell

    robot = SimRobot(scene, extra=extra)
    robot.work_cell = SimWorkCell(robot)
    return robot
