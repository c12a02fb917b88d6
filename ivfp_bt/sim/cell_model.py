"""The picking work-cell as a MuJoCo model: the Stretch in front of a shelf bin packed with items."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import mujoco
import numpy as np

from ivfp_bt.sim.items import ItemType
from ivfp_bt.sim.scene import Scene
from ivfp_bt.sim.scene_config import SceneConfig
from ivfp_bt.sim.stretch_model import PAD_FRICTION, PADS, WORLD_COLLISION, kinematic_model, robot_spec, zero_pose_frame

HEAD_FOVY_DEG = 69.4       # D435i colour camera's long side (69.4° x 42.5°), vertical once upright
HEAD_QUAT = [0.0, 0.7071067811865476, -0.7071067811865476, 0.0]
WRIST_FOVY_DEG = 120.0     # pinhole render that the fisheye remap turns into the probe view
SOFT_SOLREF = (0.04, 1.0)  # compliant contacts for soft and bagged items
SOFT_SOLIMP = (0.5, 0.9, 0.01, 0.5, 2.0)


@dataclass(frozen=True)
class CellLayout:
    head_pan: float
    head_tilt: float


def geom_shape(name: str) -> mujoco.mjtGeom:
    return {"box": mujoco.mjtGeom.mjGEOM_BOX, "cylinder": mujoco.mjtGeom.mjGEOM_CYLINDER,
            "sphere": mujoco.mjtGeom.mjGEOM_SPHERE, "capsule": mujoco.mjtGeom.mjGEOM_CAPSULE,
            "ellipsoid": mujoco.mjtGeom.mjGEOM_ELLIPSOID}[name]


def geom_size(shape: str, extents: tuple[float, float, float]) -> list[float]:
    x, y, z = extents
    if shape in ("box", "ellipsoid"):
        return [x / 2, y / 2, z / 2]
    if shape == "sphere":
        return [x / 2, 0, 0]
    if shape == "capsule":
        return [x / 2, max(z / 2 - x / 2, 1e-3), 0]
    return [x / 2, z / 2, 0]   # cylinder: radius, half-height


def _volume(shape: str, extents: tuple[float, float, float]) -> float:
    x, y, z = extents
    r = x / 2
    return {"box": x * y * z, "ellipsoid": np.pi / 6 * x * y * z, "sphere": 4 / 3 * np.pi * r ** 3,
            "cylinder": np.pi * r * r * z,
            "capsule": np.pi * r * r * max(z - x, 0) + 4 / 3 * np.pi * r ** 3}[shape]


def add_item(spec: mujoco.MjSpec, index: int, item_type: ItemType, pos, yaw: float,
             friction: float, mass: float, config: SceneConfig) -> None:
    body = spec.worldbody.add_body(name=f"item_{index}", pos=list(pos),
                                   quat=[np.cos(yaw / 2), 0, 0, np.sin(yaw / 2)])
    body.add_freejoint(name=f"item_{index}_free")
    # the item's mass spread over its parts by their relative densities (a steel head, a wooden handle)
    weighted = sum(_volume(p.shape, p.size) * p.density for p in item_type.parts)
    for k, part in enumerate(item_type.parts):
        geom = body.add_geom(name=f"item_{index}_{k}", type=geom_shape(part.shape), size=geom_size(part.shape, part.size),
                             pos=list(part.pos), rgba=list(item_type.rgba), density=mass * part.density / weighted,
                             friction=[friction, 0.01, 0.0001], condim=4)
        geom.contype, geom.conaffinity = WORLD_COLLISION
        # MuJoCo would take the larger of two geoms' frictions, so the rubber pads (1.2) would grip
        # every item alike; priority makes an item's own coefficient apply to what it touches
        geom.priority = 1
        if item_type.soft:
            geom.solref, geom.solimp = list(SOFT_SOLREF), list(SOFT_SOLIMP)
        _add_pad_pairs(spec, geom, friction, config)
    for pad_body in PADS.values():
        spec.add_exclude(bodyname1=pad_body, bodyname2=body.name)


def _add_pad_pairs(spec: mujoco.MjSpec, geom, friction: float, config: SceneConfig) -> None:
    """Rubber pad on an item: the geometric mean of the two coefficients, so a slippery item
    stays slippery in the gripper but rubber still grips better than the item slides on its
    neighbours. (The item's priority alone would have the pads grip like cardboard.) The
    torsional coefficient decides how far from its centre of mass an item can be held before
    it turns in the grasp; the rolling one whether a ball rolls out between the pads."""
    mu = float(np.sqrt(PAD_FRICTION * friction))
    for pad in PADS:
        pair = spec.add_pair(geomname1=pad, geomname2=geom.name, condim=config.pad_condim,
                             friction=[mu, mu, config.pad_torsion, config.pad_rolling, config.pad_rolling])
        pair.solref, pair.solimp = list(geom.solref), list(geom.solimp)


def _box(spec: mujoco.MjSpec, name: str, center, half, rgba, friction: float = 0.5) -> None:
    geom = spec.worldbody.add_geom(name=name, type=mujoco.mjtGeom.mjGEOM_BOX, pos=list(center),
                                   size=list(half), rgba=list(rgba), friction=[friction, 0.005, 0.0001])
    geom.contype, geom.conaffinity = WORLD_COLLISION


def add_bin(spec: mujoco.MjSpec, c: SceneConfig) -> None:
    """Shelf and bin: floor, back and side walls, and a low front lip the gripper reaches over."""
    t, blue, grey = c.wall_thickness, (0.20, 0.35, 0.65, 1), (0.55, 0.55, 0.52, 1)
    x0, w, d = c.bin_center_x, c.bin_width, c.bin_depth
    y_mid = c.bin_front_y - d / 2
    z0, h = c.bin_floor_z, c.bin_wall_height
    f = c.wall_friction
    _box(spec, "bin_floor", (x0, y_mid, z0 - t / 2), (w / 2 + t, d / 2 + t, t / 2), blue, f)
    _box(spec, "bin_back", (x0, c.bin_front_y - d - t / 2, z0 + h / 2), (w / 2 + t, t / 2, h / 2), blue, f)
    for side, x in (("left", x0 + w / 2 + t / 2), ("right", x0 - w / 2 - t / 2)):
        _box(spec, f"bin_{side}", (x, y_mid, z0 + h / 2), (t / 2, d / 2 + t, h / 2), blue, f)
    lip = c.bin_lip_height
    _box(spec, "bin_lip", (x0, c.bin_front_y + t / 2, z0 + lip / 2), (w / 2 + t, t / 2, lip / 2), blue, f)
    # the shelving unit under and around the bin, against a wall of pods
    _box(spec, "backdrop", (x0, c.bin_front_y - d - 0.08, 0.9), (0.9, 0.01, 0.9), (0.62, 0.6, 0.55, 1))
    _box(spec, "shelf_board", (x0, y_mid, z0 - t - 0.01), (w / 2 + 0.06, d / 2 + 0.04, 0.01), grey)
    for side, x in (("l", x0 + w / 2 + 0.04), ("r", x0 - w / 2 - 0.04)):
        for end, y in (("front", c.bin_front_y + 0.02), ("back", c.bin_front_y - d - 0.02)):
            _box(spec, f"shelf_post_{side}_{end}", (x, y, (z0 - t) / 2), (0.02, 0.02, (z0 - t) / 2), grey)


def camera_quat(forward: np.ndarray, body_xmat: np.ndarray) -> list[float]:
    """Quaternion, in a body's frame, of a MuJoCo camera (looks along -z, y up) facing ``forward``."""
    z = -forward / np.linalg.norm(forward)
    x = np.cross([0, 0, 1.0], z)
    x /= np.linalg.norm(x)
    rotation = body_xmat.T @ np.column_stack([x, np.cross(z, x), z])
    quat = np.zeros(4)
    mujoco.mju_mat2Quat(quat, rotation.flatten())
    return quat.tolist()


@lru_cache(maxsize=8)
def head_aim(target: tuple[float, float, float]) -> tuple[float, float]:
    """Head pan and tilt that point the D435i's optical axis at ``target`` (base frame)."""
    model = kinematic_model()
    data = mujoco.MjData(model)
    optical = model.body("camera_color_optical_frame").id
    pan_adr = model.jnt_qposadr[model.joint("joint_head_pan").id]
    tilt_adr = model.jnt_qposadr[model.joint("joint_head_tilt").id]

    def error(pan: float, tilt: float) -> float:
        data.qpos[pan_adr], data.qpos[tilt_adr] = pan, tilt
        mujoco.mj_kinematics(model, data)
        axis = data.xmat[optical].reshape(3, 3)[:, 2]
        to_target = np.asarray(target) - data.xpos[optical]
        return -float(axis @ to_target / np.linalg.norm(to_target))

    best = min(((error(p, t), p, t) for p in np.linspace(-3.0, 1.0, 41) for t in np.linspace(-1.4, 0.5, 39)))
    _, pan, tilt = best
    step = 0.1
    while step > 1e-4:   # coordinate descent from the grid's best
        moved = False
        for dp, dt in ((step, 0), (-step, 0), (0, step), (0, -step)):
            if error(pan + dp, tilt + dt) < best[0] - 1e-12:
                best, pan, tilt, moved = (error(pan + dp, tilt + dt), pan + dp, tilt + dt), pan + dp, tilt + dt, True
        if not moved:
            step /= 2
    return float(pan), float(tilt)


def build_cell_model(scene: Scene, extra: Callable[[mujoco.MjSpec], None] | None = None,
                   ) -> tuple[mujoco.MjModel, CellLayout]:
    """Compile robot, shelf, bin and the scene's items into one model; ``extra`` may add to it."""
    c = scene.config
    spec = robot_spec()
    spec.option.timestep = c.timestep
    spec.option.integrator = mujoco.mjtIntegrator.mjINT_IMPLICITFAST
    spec.option.cone = mujoco.mjtCone.mjCONE_ELLIPTIC
    spec.option.impratio = c.impratio
    spec.visual.global_.offwidth, spec.visual.global_.offheight = 640, 480
    spec.visual.quality.shadowsize = 2048
    spec.visual.headlight.ambient = [0.35, 0.35, 0.35]
    spec.visual.headlight.diffuse = [0.45, 0.45, 0.45]
    floor = spec.worldbody.add_geom(name="floor", type=mujoco.mjtGeom.mjGEOM_PLANE, size=[3, 3, 0.1],
                                    rgba=[0.42, 0.42, 0.40, 1])
    floor.contype, floor.conaffinity = WORLD_COLLISION
    spec.worldbody.add_light(name="key", pos=[0.6, 0.3, 2.2], dir=[-0.4, -0.5, -1], diffuse=[0.7, 0.7, 0.7],
                             castshadow=True)
    spec.worldbody.add_light(name="fill", pos=[-0.5, -0.2, 2.0], dir=[0.3, -0.4, -1], diffuse=[0.35, 0.35, 0.35],
                             castshadow=False)
    add_bin(spec, c)
    for i, item in enumerate(scene.items):
        add_item(spec, i, item.item_type, item.pos, item.yaw, item.friction, item.mass, c)
    bin_center = (c.bin_center_x, c.bin_front_y - c.bin_depth / 2, c.bin_floor_z + 0.05)
    pan, tilt = head_aim(bin_center)
    _add_cameras(spec)
    if extra is not None:
        extra(spec)
    model = spec.compile()
    return model, CellLayout(pan, tilt)


def _add_cameras(spec: mujoco.MjSpec) -> None:
    # Stretch's D435i is mounted on its side; like stretch_ros, we turn its image upright.
    # The camera's own -z looks along the optical axis (+z of the optical frame), rolled 90°.
    spec.body("camera_color_optical_frame").add_camera(name="head", quat=HEAD_QUAT, fovy=HEAD_FOVY_DEG)
    gripper, xmat = zero_pose_frame("link_gripper")
    tool = (zero_pose_frame("link_gripper_fingertip_left")[0] + zero_pose_frame("link_gripper_fingertip_right")[0]) / 2
    # on the gripper, above and behind the fingers, looking down along them as the paper's fisheye
    camera = gripper + np.array([0.0, -0.09, -0.02])
    spec.body("link_gripper").add_camera(name="wrist", pos=(xmat.T @ (camera - gripper)).tolist(),
                                         quat=camera_quat(tool - camera, xmat), fovy=WRIST_FOVY_DEG)
