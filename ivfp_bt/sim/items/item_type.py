"""What an item type is: its parts, mass, friction, colour, and whether it is held out."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    shape: str                         # box | cylinder | sphere | capsule | ellipsoid
    size: tuple[float, float, float]   # full extents x, y, z of the part
    pos: tuple[float, float, float] = (0.0, 0.0, 0.0)
    density: float = 1.0               # relative to the item's other parts (a steel head on a wooden handle)


@dataclass(frozen=True)
class ItemType:
    name: str
    category: str
    parts: tuple[Part, ...]
    mass: float
    friction: float
    rgba: tuple[float, float, float, float]
    seen: bool = True
    soft: bool = False
    why: str = ""                      # what makes it hard to pick, as a person would see it

    @property
    def extents(self) -> tuple[float, float, float]:
        """Full extents of the item's bounding box."""
        lo, hi = bounds(self.parts)
        return (hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2])

    @property
    def bottom(self) -> float:
        """Height of the lowest point below the item's origin."""
        return -bounds(self.parts)[0][2]


def bounds(parts: tuple[Part, ...]) -> tuple[list[float], list[float]]:
    """The lowest and highest corner (x, y, z) of the box around ``parts``."""
    lo = [min(p.pos[i] - p.size[i] / 2 for p in parts) for i in range(3)]
    hi = [max(p.pos[i] + p.size[i] / 2 for p in parts) for i in range(3)]
    return lo, hi
