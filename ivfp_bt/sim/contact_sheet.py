"""A contact sheet of a catalogue: every item type rendered by the simulation, standing as it is
packed, named, with the gripper's largest opening drawn beside it for scale."""

from __future__ import annotations

from pathlib import Path

import cv2
import mujoco
import numpy as np

from ivfp_bt.sim.cell_model import camera_quat, geom_shape, geom_size
from ivfp_bt.sim.items import CATALOGUES, ItemType
from ivfp_bt.sim.sim_robot import OPEN_APERTURE

TILE = 220           # pixels a side
COLUMNS = 7
CAMERA_DISTANCE = 0.55


def item_model(item: ItemType) -> mujoco.MjModel:
    """The item alone on a floor, lit, with a camera looking at it as the head camera does
    (from the front and above), and a bar as wide as the open gripper at its foot."""
    spec = mujoco.MjSpec()
    spec.visual.global_.offwidth = spec.visual.global_.offheight = TILE
    spec.visual.headlight.ambient = [0.45, 0.45, 0.45]
    spec.worldbody.add_geom(type=mujoco.mjtGeom.mjGEOM_PLANE, size=[1, 1, 0.1], rgba=[0.85, 0.85, 0.82, 1])
    spec.worldbody.add_light(pos=[0.3, 0.6, 1.2], dir=[-0.2, -0.5, -1], diffuse=[0.6, 0.6, 0.6])
    height = item.extents[2]
    body = spec.worldbody.add_body(pos=[0, 0, item.bottom])
    for part in item.parts:
        body.add_geom(type=geom_shape(part.shape), size=geom_size(part.shape, part.size), pos=list(part.pos),
                      rgba=list(item.rgba))
    # the opening, for scale: a dark bar 10 cm long in front of the item
    spec.worldbody.add_geom(type=mujoco.mjtGeom.mjGEOM_BOX, size=[OPEN_APERTURE / 2, 0.002, 0.001],
                            pos=[0, item.extents[1] / 2 + 0.02, 0.001], rgba=[0.1, 0.1, 0.1, 1])
    look_at = np.array([0.0, 0.0, height / 2])
    eye = look_at + CAMERA_DISTANCE * np.array([0.35, 0.8, 0.5]) / np.linalg.norm([0.35, 0.8, 0.5])
    spec.worldbody.add_camera(name="view", pos=eye.tolist(), quat=camera_quat(look_at - eye, np.eye(3)), fovy=40)
    return spec.compile()


def render_item(item: ItemType) -> np.ndarray:
    """RGB image of ``item``, TILE pixels square."""
    model = item_model(item)
    data = mujoco.MjData(model)
    mujoco.mj_forward(model, data)
    with mujoco.Renderer(model, TILE, TILE) as renderer:
        renderer.update_scene(data, camera="view")
        return renderer.render().copy()


def contact_sheet(catalogue: str = "v3") -> np.ndarray:
    """Every item of ``catalogue`` in a grid (BGR, for cv2.imwrite), seen items first."""
    items = sorted(CATALOGUES[catalogue], key=lambda t: not t.seen)
    rows = -(-len(items) // COLUMNS)
    label = 34
    sheet = np.full((rows * (TILE + label), COLUMNS * TILE, 3), 255, np.uint8)
    for k, item in enumerate(items):
        r, c = divmod(k, COLUMNS)
        y, x = r * (TILE + label), c * TILE
        sheet[y:y + TILE, x:x + TILE] = render_item(item)[:, :, ::-1]
        colour = (0, 0, 0) if item.seen else (0, 0, 170)
        cv2.putText(sheet, item.name, (x + 4, y + TILE + 14), cv2.FONT_HERSHEY_SIMPLEX, 0.45, colour, 1, cv2.LINE_AA)
        note = item.category + ("" if item.seen else ", unseen")
        cv2.putText(sheet, note, (x + 4, y + TILE + 29), cv2.FONT_HERSHEY_SIMPLEX, 0.38, (90, 90, 90), 1, cv2.LINE_AA)
    return sheet


def save_contact_sheet(path: Path, catalogue: str = "v3") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), contact_sheet(catalogue), [cv2.IMWRITE_PNG_COMPRESSION, 9])
    return path
