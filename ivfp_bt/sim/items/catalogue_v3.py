"""bin-v3's 42 item types: goods whose best grasp is not the middle of the face the camera sees.

The first catalogue's items were almost all one convex block of uniform density, for which the
centre of the visible face is about the best grasp there is. These are built from parts, with
the physical reasons a person packing a warehouse bin would name:

- ``composite``: a part wider than the gripper opens (10 cm) beside one it can take: a bottle's
  neck above its body, a toy's body between its wings, the upright of an L-shaped bracket;
- ``off-centre mass``: a steel head on a light handle; held far from it, it swings round in the
  grasp (the pads resist turning only so much: torsional friction);
- ``tall``: an item that tips over the lip when pulled too low or swings when held too high;
- ``thin``: too thin for the fingers to pass its neighbours anywhere but at a free edge;
- ``soft``: compliant goods that give under the pads;
- ``plain`` and ``round``: blocks, cans and balls, where the aperture against tight neighbours
  decides between a clean reach, a stall and taking a neighbour too.

The 10 unseen types are spread over the same reasons. Parts are listed bottom up; each item's
bounding box is centred on its origin. Sizes in metres (x across the row, y into the bin,
z up), masses in kg, frictions as sliding coefficients.
"""

from __future__ import annotations

from ivfp_bt.sim.items.item_type import ItemType, Part, bounds


def _p(shape: str, size: tuple[float, float, float], x: float = 0.0, y: float = 0.0, z0: float = 0.0,
       density: float = 1.0) -> Part:
    """A part whose bottom is at ``z0`` above the item's base."""
    return Part(shape, size, (x, y, z0 + size[2] / 2), density)


def _centred(parts: tuple[Part, ...]) -> tuple[Part, ...]:
    """The parts moved so that the item's bounding box is centred on its origin."""
    lo, hi = bounds(parts)
    c = [(a + b) / 2 for a, b in zip(lo, hi)]
    return tuple(Part(p.shape, p.size, tuple(round(p.pos[i] - c[i], 6) for i in range(3)), p.density) for p in parts)


def _item(name: str, category: str, parts: tuple[Part, ...], mass: float, friction: float,
          rgb: tuple[float, float, float], why: str, seen: bool = True, soft: bool = False) -> ItemType:
    return ItemType(name, category, _centred(parts), mass, friction, (*rgb, 1.0), seen, soft, why)


def _cyl(d: float, h: float, **at: float) -> Part:
    return _p("cylinder", (d, d, h), **at)


def _box(dx: float, dy: float, dz: float, **at: float) -> Part:
    return _p("box", (dx, dy, dz), **at)


ITEM_TYPES_V3: tuple[ItemType, ...] = (
    # --- seen: composite shapes
    _item("shampoo_bottle", "composite", (_box(0.155, 0.060, 0.150), _cyl(0.036, 0.060, z0=0.150),
                                          _cyl(0.040, 0.020, z0=0.210)), 0.30, 0.45, (.35, .75, .80),
          "a family-size bottle 15.5 cm across, wider than the gripper opens: only the neck can be taken"),
    _item("water_bottle", "composite", (_box(0.135, 0.100, 0.170), _box(0.030, 0.070, 0.050, z0=0.170)),
          0.60, 0.45, (.55, .75, .95), "a water jug wider than the opening, with a handle on top: the handle is the grasp"),
    _item("mug", "composite", (_cyl(0.090, 0.100), _box(0.016, 0.030, 0.065, y=0.060, z0=0.020)), 0.35, 0.45,
          (.95, .95, .95), "9 cm of body and a handle that faces the gripper in half the bins"),
    _item("spray_bottle", "composite", (_cyl(0.065, 0.160), _box(0.110, 0.045, 0.045, z0=0.160)), 0.40, 0.35,
          (.30, .55, .90), "the trigger head on top is wider than the opening: the body below it is the grasp"),
    _item("toy_airplane", "composite", (_box(0.035, 0.060, 0.170), _box(0.160, 0.050, 0.020, z0=0.100)), 0.12, 0.50,
          (.85, .85, .20), "wings 16 cm across its upper middle: take the body above or below them"),
    _item("shelf_bracket", "composite", (_box(0.135, 0.040, 0.040), _box(0.020, 0.040, 0.160, x=-0.0575, z0=0.040)),
          0.35, 0.35, (.55, .55, .60), "an L of steel: the foot is wider than the opening, the upright at one side is "
          "the grasp"),
    _item("toy_robot", "composite", (_box(0.050, 0.050, 0.120), _box(0.155, 0.030, 0.025, z0=0.095),
                                     _box(0.040, 0.040, 0.040, z0=0.120)), 0.15, 0.55, (.70, .30, .30),
          "arms stick out 15.5 cm at shoulder height: the head or the legs can be taken, not the chest"),
    _item("toy_doll", "composite", (_box(0.040, 0.030, 0.060), _box(0.155, 0.050, 0.070, z0=0.060),
                                    _box(0.040, 0.030, 0.050, z0=0.130), _p("sphere", (0.040, 0.040, 0.040), z0=0.180)),
          0.15, 0.55, (.90, .45, .65), "a skirt 15.5 cm across its middle: the legs below it or the body above"),
    _item("toy_rocket", "composite", (_cyl(0.040, 0.200), _box(0.160, 0.030, 0.060, z0=0.040)), 0.12, 0.50,
          (.85, .85, .90), "fins 16 cm across its lower half: the body above them is the grasp"),
    _item("toy_windmill", "composite", (_box(0.060, 0.060, 0.050), _box(0.040, 0.040, 0.170, z0=0.050),
                                        _box(0.160, 0.015, 0.050, z0=0.100)), 0.15, 0.50, (.55, .35, .20),
          "sails 16 cm across its middle: the tower above them or the base below"),
    _item("potted_cactus", "composite", (_cyl(0.080, 0.080, density=2.0), _box(0.045, 0.045, 0.140, z0=0.080),
                                         _box(0.155, 0.030, 0.030, z0=0.095)), 0.40, 0.50, (.20, .55, .25),
          "arms 15.5 cm across just above its pot: the pot below them or the stem above"),
    _item("toy_boat", "composite", (_box(0.160, 0.050, 0.060), _box(0.045, 0.040, 0.060, z0=0.060),
                                    _cyl(0.015, 0.080, z0=0.120)), 0.15, 0.50, (.25, .45, .85),
          "a hull 16 cm long across the front: the cabin or the mast above it"),
    _item("toy_tree", "composite", (_box(0.070, 0.070, 0.020, density=3.0), _box(0.035, 0.035, 0.110, z0=0.020),
                                    _box(0.155, 0.030, 0.080, z0=0.130)), 0.12, 0.50, (.30, .65, .30),
          "a crown 15.5 cm across on a narrow trunk: only the trunk below it can be taken"),
    _item("toy_dragon", "composite", (_box(0.050, 0.040, 0.070), _box(0.050, 0.060, 0.060, z0=0.070),
                                      _box(0.160, 0.020, 0.050, z0=0.080), _box(0.035, 0.050, 0.050, z0=0.130)),
          0.15, 0.55, (.55, .20, .60), "wings 16 cm across its back: the legs below them or the head above"),
    # --- seen: off-centre mass
    _item("claw_hammer", "off-centre mass", (_box(0.028, 0.120, 0.030, y=0.020, density=8.0),
                                             _box(0.028, 0.030, 0.220, z0=0.030)),
          0.60, 0.50, (.60, .40, .25), "stands on its steel head, which holds most of the mass: held high on the "
          "handle it swings like a pendulum as it is pulled"),
    _item("adjustable_wrench", "off-centre mass", (_box(0.014, 0.025, 0.160), _box(0.016, 0.060, 0.050, z0=0.160,
                                                                                    density=3.0)),
          0.30, 0.40, (.70, .70, .75), "thin, with a heavy jaw on top: near the jaw, or it turns out of the fingers"),
    _item("camping_lantern", "composite", (_cyl(0.060, 0.120), _cyl(0.155, 0.040, z0=0.120),
                                           _box(0.020, 0.070, 0.045, z0=0.160)), 0.40, 0.45, (.15, .45, .20),
          "a hood wider than the opening over a narrow lamp: the lamp below it, or the handle on top"),
    _item("hand_drill", "off-centre mass", (_box(0.050, 0.090, 0.045, y=-0.010),
                                            _box(0.035, 0.035, 0.090, y=0.010, z0=0.045),
                                            _box(0.050, 0.170, 0.060, y=-0.030, z0=0.135, density=3.0)),
          0.70, 0.50, (.95, .55, .10), "the motor overhangs the handle: held by the handle, it pitches forward"),
    # --- seen: tall
    _item("chips_can", "tall", (_cyl(0.075, 0.230),), 0.20, 0.35, (.85, .20, .20),
          "23 cm tall and round: held at the rim it pivots, held low its top catches the neighbours"),
    _item("cereal_box", "tall", (_box(0.055, 0.130, 0.250),), 0.40, 0.50, (.95, .65, .15),
          "taller than the bin's walls and deep: it tips when pulled at the wrong height"),
    _item("spray_can", "tall", (_cyl(0.050, 0.190),), 0.30, 0.25, (.80, .80, .85),
          "slippery and tall: the grip must be near its middle"),
    _item("flower_vase", "tall", (_cyl(0.060, 0.030, density=4.0), _cyl(0.150, 0.090, z0=0.030),
                                  _cyl(0.050, 0.100, z0=0.120)), 0.35, 0.45, (.40, .70, .60),
          "a round belly wider than the opening between a heavy foot and a tall neck: the neck is the grasp"),
    # --- seen: thin goods
    _item("paperback_book", "thin", (_box(0.025, 0.150, 0.230),), 0.40, 0.60, (.85, .30, .25),
          "2.5 cm thin: between tight neighbours the fingers get in only where it stands above them"),
    _item("spiral_notebook", "thin", (_box(0.012, 0.150, 0.230),), 0.15, 0.50, (.95, .85, .30),
          "1.2 cm thin and tall: only its top edge is free"),
    _item("clipboard", "thin", (_box(0.015, 0.160, 0.240),), 0.25, 0.45, (.70, .55, .35),
          "thin and deep: its top edge is the only free one"),
    # --- seen: soft goods
    _item("plush_bear", "soft", (_box(0.080, 0.060, 0.100), _p("sphere", (0.065, 0.065, 0.065), z0=0.100)), 0.07, 0.90,
          (.80, .55, .35), "a soft toy: held by its head it tips out of the fingers", soft=True),
    _item("rubber_duck", "soft", (_cyl(0.065, 0.015), _p("ellipsoid", (0.070, 0.090, 0.055), z0=0.005),
                                  _p("sphere", (0.040, 0.040, 0.040), y=0.025, z0=0.050)), 0.05, 0.90, (1.0, .85, .10),
          "round, soft, and its head is the only part narrow enough to take high", soft=True),
    _item("snack_pouch", "soft", (_box(0.040, 0.120, 0.170),), 0.12, 0.60, (.90, .30, .60),
          "a soft pouch, deep enough to pivot when held at its front edge", soft=True),
    # --- seen: plain and round
    _item("tea_box", "plain", (_box(0.090, 0.080, 0.130),), 0.15, 0.50, (.30, .60, .30),
          "9 cm across: the fingers must be centred on it to clear both its sides and its neighbours"),
    _item("wooden_block", "plain", (_box(0.060, 0.060, 0.080),), 0.15, 0.60, (.75, .55, .35),
          "8 cm tall: the fingers must reach low, between taller neighbours"),
    _item("marker_pack", "plain", (_box(0.080, 0.060, 0.140),), 0.15, 0.50, (.20, .45, .85),
          "a pack facing out, 8 cm across: only a grasp centred on it clears both its sides"),
    _item("soda_can", "round", (_cyl(0.066, 0.120),), 0.37, 0.30, (.80, .10, .10), "round, heavy for its size, slippery"),
    # --- unseen: the same reasons, other goods
    _item("ketchup_bottle", "composite", (_box(0.135, 0.060, 0.140), _cyl(0.040, 0.050, z0=0.140)), 0.40, 0.30,
          (.85, .15, .10), "a squeeze bottle wider than the opening: only the cap can be taken", seen=False),
    _item("toy_dinosaur", "composite", (_box(0.040, 0.050, 0.050), _box(0.050, 0.060, 0.060, z0=0.050),
                                        _box(0.130, 0.030, 0.030, z0=0.080)), 0.15, 0.55, (.30, .70, .30),
          "head and tail stick out 13 cm at the top: the legs or the body are the grasp", seen=False),
    _item("meat_tenderizer", "off-centre mass", (_box(0.050, 0.060, 0.050, density=6.0), _box(0.025, 0.030, 0.170,
                                                                                              z0=0.050)),
          0.45, 0.45, (.75, .75, .80), "a steel head under a short handle", seen=False),
    _item("glue_gun", "off-centre mass", (_box(0.040, 0.070, 0.035, y=-0.005), _box(0.030, 0.030, 0.080, y=0.010,
                                                                                  z0=0.035),
                                          _box(0.045, 0.150, 0.055, y=-0.020, z0=0.115, density=3.0)),
          0.40, 0.45, (.90, .40, .70), "the heavy barrel overhangs its grip", seen=False),
    _item("candle_pillar", "tall", (_cyl(0.070, 0.220),), 0.80, 0.40, (.95, .92, .80),
          "heavy and tall: the grasp height decides whether it tips", seen=False),
    _item("tall_glass_jar", "tall", (_cyl(0.076, 0.180),), 0.70, 0.30, (.70, .85, .80), "heavy, tall and slippery",
          seen=False),
    _item("picture_frame", "thin", (_box(0.016, 0.140, 0.200),), 0.45, 0.40, (.40, .30, .20),
          "thin and heavy with glass", seen=False),
    _item("puzzle_box", "thin", (_box(0.030, 0.120, 0.220),), 0.30, 0.50, (.25, .70, .55),
          "thin and tall: taken at its top edge", seen=False),
    _item("coffee_bag", "soft", (_box(0.070, 0.080, 0.180),), 0.25, 0.70, (.35, .20, .10), "a heavy soft bag",
          seen=False, soft=True),
    _item("baseball", "round", (_p("sphere", (0.074, 0.074, 0.074)),), 0.145, 0.70, (.95, .95, .90),
          "a ball heavier than the tennis ball", seen=False),
)
