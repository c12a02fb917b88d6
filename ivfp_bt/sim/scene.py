"""Seeded scene generator: packs items into the bin in rows, front to back, and picks a target.

Items stand with their thin side along the row, like goods in a warehouse pod bin, with
small seeded gaps between neighbours. The target is a front-row item (the camera sees it
and the gripper can reach it through the bin's open front). The same seed, configuration
and item set always give the same scene.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ivfp_bt.sim.items import ItemType, item_set
from ivfp_bt.sim.items import item_type as catalogued
from ivfp_bt.sim.orders import choose_order
from ivfp_bt.sim.reach_rule import in_reach
from ivfp_bt.sim.scene_config import SceneConfig

MAX_ATTEMPTS = 50


@dataclass(frozen=True)
class PlacedItem:
    type_name: str
    pos: tuple[float, float, float]   # item origin in the base frame
    yaw: float                        # about z; 0 keeps the catalogue orientation
    friction: float
    mass: float
    row: int                          # 0 is the front row
    catalogue: str = "v1"             # the item catalogue that names its type

    @property
    def item_type(self) -> ItemType:
        return catalogued(self.type_name, self.catalogue)


@dataclass(frozen=True)
class Scene:
    config: SceneConfig
    seed: int
    objects: str
    items: tuple[PlacedItem, ...]
    target: int

    @property
    def target_item(self) -> PlacedItem:
        return self.items[self.target]


def generate_scene(seed: int, config: SceneConfig, objects: str = "seen") -> Scene:
    """Pack between config.item_count items into the bin; deterministic in ``seed``."""
    rng = np.random.default_rng([seed, 0x5CE7E])
    types = item_set(objects, config.catalogue)
    lo, hi = config.item_count
    for _ in range(MAX_ATTEMPTS):
        wanted = int(rng.integers(lo, hi + 1))
        items = _pack(rng, config, types, wanted)
        front = _first_orders(items, config)
        if len(items) >= lo and front:
            target = choose_order(rng, front, [item.type_name for item in items], config.order_by)
            return Scene(config, seed, objects, tuple(items), target)
    raise RuntimeError(f"could not pack {lo} items into the bin in {MAX_ATTEMPTS} attempts (seed {seed})")


def _first_orders(items: list[PlacedItem], config: SceneConfig) -> list[int]:
    """The front-row items the first order may go to: every one (bin-v1, bin-v2), or (where an item
    is covered by the fronts ahead of it) those the reach rule leaves in reach as packed."""
    front = [i for i, item in enumerate(items) if item.row == 0]
    if not config.cover_by_front:
        return front
    fronts = {i: item.pos[1] + item.item_type.extents[1] / 2 for i, item in enumerate(items)}
    return in_reach(front, fronts, {i: item.pos[0] for i, item in enumerate(items)},
                    {i: item.item_type.extents[0] / 2 for i, item in enumerate(items)}, config)


def _pack(rng: np.random.Generator, config: SceneConfig, types: tuple[ItemType, ...],
          wanted: int) -> list[PlacedItem]:
    items: list[PlacedItem] = []
    x_min = config.bin_center_x - config.bin_width / 2 + config.wall_clearance
    x_max = config.bin_center_x + config.bin_width / 2 - config.wall_clearance
    y_front = config.bin_front_y - 0.005
    y_back = config.bin_front_y - config.bin_depth
    waiting: list[ItemType] = []   # drawn for a row they did not fit (``config.set_aside``)
    for row in range(config.rows):
        if y_front - y_back < 0.03:
            break
        row_items = _fill_row(rng, config, types, wanted - len(items), x_min, x_max, y_front - y_back, waiting)
        if not row_items:
            break
        # the row's slack goes half to each side wall, as a packer leaves it: an item flush
        # against a wall could not be reached by any gripper wider than the item
        shift = (x_max - max(x + t.extents[0] for t, x, _ in row_items)) / 2
        for item_type, x, flip in row_items:
            width, depth, _ = item_type.extents
            items.append(PlacedItem(
                item_type.name, (x + shift + width / 2, y_front - depth / 2,
                                 config.bin_floor_z + item_type.bottom + 0.001),
                float(np.pi) if flip else 0.0,
                item_type.friction * float(1 + rng.uniform(-1, 1) * config.friction_jitter),
                item_type.mass * float(1 + rng.uniform(-1, 1) * config.mass_jitter), row, config.catalogue))
        y_front -= max(t.extents[1] for t, _, _ in row_items) + float(rng.uniform(*config.gap))
    if config.stow_to_back:
        return _stowed_to_back(items, config)
    return _faced_forward(items, config) if config.face_forward else items


def _stowed_to_back(items: list[PlacedItem], config: SceneConfig) -> list[PlacedItem]:
    """Each item pushed back along y, the back row first, until its back face meets the front face
    of an item behind it that it overlaps across the bin (the least gap kept) or the back wall."""
    stowed = list(items)
    for k in sorted(range(len(items)), key=lambda k: -items[k].row):
        item = items[k]
        depth = item.item_type.extents[1]
        behind = [other for other in _across_from(item, stowed) if other.row > item.row]
        back = max([config.bin_front_y - config.bin_depth + 0.001,
                    *(other.pos[1] + other.item_type.extents[1] / 2 + config.gap[0] for other in behind)])
        stowed[k] = replace(item, pos=(item.pos[0], back + depth / 2, item.pos[2]))
    return stowed


def _faced_forward(items: list[PlacedItem], config: SceneConfig) -> list[PlacedItem]:
    """Each item behind the front row pulled forward along y, the front rows first, until its front
    face meets the back face of an item in front of it that it overlaps across the bin (the least gap
    kept); the front row stays at the lip."""
    faced = list(items)
    for k in sorted(range(len(items)), key=lambda k: items[k].row):
        item = items[k]
        depth = item.item_type.extents[1]
        ahead = [other for other in _across_from(item, faced) if other.row < item.row]
        if not ahead:
            continue
        front = min(other.pos[1] - other.item_type.extents[1] / 2 - config.gap[0] for other in ahead)
        faced[k] = replace(item, pos=(item.pos[0], front - depth / 2, item.pos[2]))
    return faced


def _across_from(item: PlacedItem, others: list[PlacedItem]) -> list[PlacedItem]:
    """The items of ``others`` that overlap ``item`` across the bin (along x)."""
    return [other for other in others
            if abs(other.pos[0] - item.pos[0]) < (item.item_type.extents[0] + other.item_type.extents[0]) / 2]


def _fill_row(rng: np.random.Generator, config: SceneConfig, types: tuple[ItemType, ...], wanted: int,
              x_min: float, x_max: float, depth_left: float,
              waiting: list[ItemType]) -> list[tuple[ItemType, float, bool]]:
    """Items for one row, packed from x_min with seeded gaps: (type, low-x edge, flipped). Items
    set aside by the row before go first; what is drawn and does not fit joins ``waiting``."""
    row: list[tuple[ItemType, float, bool]] = []
    x = x_min + float(rng.uniform(*config.gap))
    while len(row) < wanted:
        item_type = _set_aside_fitting(waiting, x_max - x, depth_left)
        if item_type is None:
            item_type = _next_type(rng, config, types, x_max - x, depth_left, waiting)
        if item_type is None:
            break
        flip = bool(rng.integers(2))   # face the robot either way round
        row.append((item_type, x, flip))
        x += item_type.extents[0] + float(rng.uniform(*config.gap))
    return row


def _next_type(rng: np.random.Generator, config: SceneConfig, types: tuple[ItemType, ...], width_left: float,
               depth_left: float, waiting: list[ItemType]) -> ItemType | None:
    """The next item type for a row, or None to close it. bin-v1 and bin-v2 draw among the types
    that still fit, which ends every row with thin items; ``draw_tries`` > 0 draws among them all
    and closes the row after that many draws that do not fit. With ``set_aside`` those draws wait
    for the next row instead of going back, so that wide goods are not much rarer than narrow ones."""
    fits = [t.extents[0] <= width_left and t.extents[1] <= depth_left for t in types]
    if config.draw_tries <= 0:
        fitting = [t for t, ok in zip(types, fits) if ok]
        return fitting[int(rng.integers(len(fitting)))] if fitting else None
    for _ in range(config.draw_tries):
        k = int(rng.integers(len(types)))
        if fits[k]:
            return types[k]
        if config.set_aside:
            waiting.append(types[k])
    return None


def _set_aside_fitting(waiting: list[ItemType], width_left: float, depth_left: float) -> ItemType | None:
    """The first item set aside that fits here, taken from ``waiting``; None when none does."""
    for k, item_type in enumerate(waiting):
        if item_type.extents[0] <= width_left and item_type.extents[1] <= depth_left:
            return waiting.pop(k)
    return None
