"""The item catalogues of the simulated work-cell, by name.

A scene configuration names its catalogue; a catalogue, like the scenes calibrated on it, is
never edited once frozen. ``v1`` is bin-v1's and bin-v2's, ``v3`` bin-v3's.
"""

from __future__ import annotations

from ivfp_bt.sim.items.catalogue_v1 import ITEM_TYPES
from ivfp_bt.sim.items.catalogue_v3 import ITEM_TYPES_V3
from ivfp_bt.sim.items.item_type import ItemType, Part

CATALOGUES: dict[str, tuple[ItemType, ...]] = {"v1": ITEM_TYPES, "v3": ITEM_TYPES_V3}
_BY_NAME = {name: {t.name: t for t in types} for name, types in CATALOGUES.items()}
BY_NAME = _BY_NAME["v1"]

__all__ = ["BY_NAME", "CATALOGUES", "ITEM_TYPES", "ItemType", "Part", "item_set", "item_type"]


def item_type(name: str, catalogue: str = "v1") -> ItemType:
    return _BY_NAME[catalogue][name]


def item_set(objects: str, catalogue: str = "v1") -> tuple[ItemType, ...]:
    """The seen (training) or unseen (held-out) item types of ``catalogue``."""
    if objects not in ("seen", "unseen"):
        raise ValueError(f"objects must be 'seen' or 'unseen', not {objects!r}")
    return tuple(t for t in CATALOGUES[catalogue] if t.seen == (objects == "seen"))
