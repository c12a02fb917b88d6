"""The Stretch RE1 with its standard gripper, converted from the official URDF at load time.

The URDF and meshes come from PyPI ``hello-robot-stretch-urdf`` (RE1V0); nothing of them is
copied into this repository. Fixes MuJoCo needs (REFERENCE.md): the flat ArUco marker meshes
cannot make a convex hull (dropped: they are stickers), d435.dae has no decoder in MuJoCo
(replaced by a box of the D435's size), and link_puller's inertia is not positive definite
(replaced by a diagonal one). The base gets a slide joint along x, standing in for
translate_by on the wheels; the wheels and head are held by position servos.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import mujoco
import numpy as np

from ivfp_bt.errors import UserError

URDF_NAME = "stretch_description_RE1V0_tool_stretch_gripper.urdf"
ARM_SEGMENTS = ("joint_arm_l3", "joint_arm_l2", "joint_arm_l1", "joint_arm_l0")
FINGERS = ("joint_gripper_finger_left", "joint_gripper_finger_right")
# Bodies that can touch the bin and items; the rest of the robot never comes near them and
# colliding it would only cost time.
# The finger blades are thin spring steel whose convex hulls would fill the space between
# the fingers, so they are left out; the rubber fingertips are replaced by pads (below).
COLLIDING_BODIES = ("link_gripper_fingertip_left", "link_gripper_fingertip_right", "link_gripper",
                    "link_wrist_yaw", "link_arm_l0")
# The fingertip meshes' convex hulls are 4 cm thick cups; the rubber that grips is a thin
# pad on the inside. Pads as boxes in the world frame at the URDF's zero pose (fingertips
# touching on the plane x = PAD_PLANE_X): half-sizes and centre offsets outward from that plane.
PAD_PLANE_X = -0.0214
PAD_HALF = (0.006, 0.025, 0.022)
PAD_CENTER_YZ = (-0.344, 0.030)
PAD_FRICTION = 1.2           # rubber
PADS = {"pad_left": "link_gripper_fingertip_left", "pad_right": "link_gripper_fingertip_right"}   # geom: body
ROBOT_COLLISION = (2, 1)   # (contype, conaffinity): robot geoms touch the world, never each other
WORLD_COLLISION = (1, 3)
HIDDEN_GROUP = 3           # collision meshes: simulated, not drawn


def urdf_dir() -> Path:
    try:
        import stretch_urdf
    except ImportError:
        raise UserError("the simulation needs the Stretch URDF: pip install hello-robot-stretch-urdf") from None
    return Path(stretch_urdf.__file__).parent / "RE1V0"


def _fix_inertia(match: re.Match[str]) -> str:
    a = {k: float(v) for k, v in re.findall(r'(i[xyz]{2})="([^"]+)"', match.group(0))}
    inertia = np.array([[a["ixx"], a["ixy"], a["ixz"]], [a["ixy"], a["iyy"], a["iyz"]],
                        [a["ixz"], a["iyz"], a["izz"]]])
    if np.linalg.eigvalsh(inertia).min() > 1e-6 * np.abs(inertia).max():
        return match.group(0)
    d = max(a["ixx"], a["iyy"], a["izz"])
    return f'<inertia ixx="{d}" ixy="0" ixz="0" iyy="{d}" iyz="0" izz="{d}"/>'


@lru_cache(maxsize=1)
def urdf_text() -> str:
    """The RE1V0 URDF with the fixes MuJoCo needs, meshes resolved from the installed package."""
    folder = urdf_dir()
    text = (folder / URDF_NAME).read_text()
    text = text.replace('filename="./meshes/', 'filename="')
    text = re.sub(r'<mesh filename="d435\.dae"\s*/>', '<box size="0.09 0.025 0.025"/>', text)
    text = re.sub(r"<(visual|collision)>(?:(?!</\1>).)*?aruco(?:(?!</\1>).)*?</\1>", "", text, flags=re.S)
    text = re.sub(r"<inertia[^>]*/>", _fix_inertia, text)
    compiler = (f'<mujoco><compiler meshdir="{folder / "meshes"}" balanceinertia="true" '
                'discardvisual="false" fusestatic="false" strippath="false"/></mujoco>')
    return re.sub(r'<robot name="[^"]*"\s*>', lambda m: m.group(0) + compiler, text, count=1)


def robot_spec() -> mujoco.MjSpec:
    """The Stretch RE1 as an MjSpec: collision filtered, gravity compensated, servo actuated."""
    spec = mujoco.MjSpec.from_string(urdf_text())
    base = spec.body("base_link")
    base.add_joint(name="joint_base", type=mujoco.mjtJoint.mjJNT_SLIDE, axis=[1, 0, 0], damping=50)
    for body in spec.bodies:
        body.gravcomp = 1.0   # Stretch's motors hold their joints; no sag under the servo
    for geom in spec.geoms:
        if geom.contype == 0 and geom.conaffinity == 0:
            continue          # a visual mesh
        geom.group = HIDDEN_GROUP
        if geom.parent.name in COLLIDING_BODIES:
            geom.contype, geom.conaffinity = ROBOT_COLLISION
            if "fingertip" in geom.parent.name:
                _make_pad(geom, geom.parent.name.rsplit("_", 1)[-1])
        else:
            geom.contype = geom.conaffinity = 0
    # robot geoms skip each other, except the pads: closing on nothing must stop at touching
    spec.add_pair(geomname1="pad_left", geomname2="pad_right", condim=3)
    for joint in spec.joints:
        joint.armature = 0.01
    _add_servos(spec)
    return spec


@lru_cache(maxsize=1)
def kinematic_model() -> mujoco.MjModel:
    """The URDF as converted, without our additions: for reading link poses, never simulated."""
    return mujoco.MjSpec.from_string(urdf_text()).compile()


def zero_pose_frame(body: str) -> tuple[np.ndarray, np.ndarray]:
    """World position and rotation of a link with every joint at zero."""
    model = kinematic_model()
    data = mujoco.MjData(model)
    mujoco.mj_kinematics(model, data)
    i = model.body(body).id
    return data.xpos[i].copy(), data.xmat[i].reshape(3, 3).copy()


def _make_pad(geom, side: str) -> None:
    outward = 1.0 if side == "left" else -1.0   # the left fingertip sits on +x at yaw 0
    center = np.array([PAD_PLANE_X + outward * PAD_HALF[0], *PAD_CENTER_YZ])
    position, rotation = zero_pose_frame(f"link_gripper_fingertip_{side}")
    quat = np.zeros(4)
    mujoco.mju_mat2Quat(quat, rotation.T.flatten())     # world axes seen from the fingertip
    geom.name = f"pad_{side}"
    geom.meshname = ""   # else MuJoCo fits the box to the mesh
    geom.type = mujoco.mjtGeom.mjGEOM_BOX
    geom.size = list(PAD_HALF)
    geom.pos = (rotation.T @ (center - position)).tolist()
    geom.quat = quat.tolist()
    geom.friction = [PAD_FRICTION, 0.02, 0.0001]
    geom.condim = 4


def _servo(spec: mujoco.MjSpec, joint: str, kp: float, force: float, damping_ratio: float = 1.0) -> None:
    actuator = spec.add_actuator(name=f"servo_{joint}", target=joint, trntype=mujoco.mjtTrn.mjTRN_JOINT)
    actuator.set_to_position(kp=kp, dampratio=damping_ratio)
    actuator.forcelimited = True
    actuator.forcerange = [-force, force]


def _add_servos(spec: mujoco.MjSpec) -> None:
    _servo(spec, "joint_base", 20000, 400)
    _servo(spec, "joint_lift", 20000, 300)
    for joint in ARM_SEGMENTS:
        _servo(spec, joint, 8000, 120)
    _servo(spec, "joint_wrist_yaw", 200, 10)
    for joint in FINGERS:
        # the Dynamixel's stall torque at the finger: what squeezes an item
        _servo(spec, joint, 30, 1.5)
    for joint in ("joint_head_pan", "joint_head_tilt", "joint_right_wheel", "joint_left_wheel"):
        _servo(spec, joint, 50, 5)


@lru_cache(maxsize=1)
def finger_table() -> tuple[np.ndarray, np.ndarray]:
    """(finger angles, fingertip pad gaps in metres) measured on the converted model."""
    model = robot_spec().compile()
    data = mujoco.MjData(model)
    pads = [[g for g in range(model.ngeom) if model.geom_bodyid[g] == model.body(name).id
             and model.geom_contype[g]][0] for name in ("link_gripper_fingertip_left", "link_gripper_fingertip_right")]
    angles = np.linspace(0.0, 0.6, 31)   # below 0 the fingers cross
    gaps = []
    for angle in angles:
        for joint in FINGERS:
            data.qpos[model.jnt_qposadr[model.joint(joint).id]] = angle
        mujoco.mj_kinematics(model, data)
        mujoco.mj_collision(model, data)
        gaps.append(mujoco.mj_geomDistance(model, data, pads[0], pads[1], 1.0, None))
    return angles, np.asarray(gaps)


def finger_angle(aperture: float) -> float:
    """Finger joint angle that leaves ``aperture`` between the pads.

    Below touching (negative apertures, a squeeze) the angle is extrapolated, so the servo
    keeps pressing the pads together with its limited torque.
    """
    angles, gaps = finger_table()
    if aperture < gaps[0]:
        slope = (gaps[1] - gaps[0]) / (angles[1] - angles[0])
        return float(angles[0] + (aperture - gaps[0]) / slope)
    return float(np.interp(aperture, gaps, angles, right=angles[-1]))


def aperture(angle: float) -> float:
    angles, gaps = finger_table()
    return float(np.interp(angle, angles, gaps))
