"""The first catalogue of 42 item types (bin-v1 and bin-v2; the paper's item set: 32 seen, 10 unseen).

Frozen with the scenes that use it: bin-v3 has a catalogue of its own (``catalogue_v3``).

Sizes are full dimensions in metres as the item stands in the bin (x: thickness along the
row, y: depth into the bin, z: height). ``soft`` items (bags, foam, pouches) get compliant
contacts, which is how this simulation approximates deformable and bagged goods.
Frictions are sliding coefficients against the gripper pads, the bin and each other.
"""

from __future__ import annotations

from ivfp_bt.sim.items.item_type import ItemType, Part


def _one(shape: str, x: float, y: float, z: float) -> tuple[Part, ...]:
    return (Part(shape, (x, y, z)),)


def _c(r: float, g: float, b: float) -> tuple[float, float, float, float]:
    return (r, g, b, 1.0)


ITEM_TYPES: tuple[ItemType, ...] = (
    # --- seen: books, boxes and thin flat goods
    ItemType("paperback_book", "thin", _one("box", 0.030, 0.130, 0.200), 0.30, 0.60, _c(.85, .30, .25)),
    ItemType("hardcover_book", "heavy", _one("box", 0.035, 0.160, 0.240), 0.70, 0.50, _c(.20, .25, .55)),
    ItemType("spiral_notebook", "thin", _one("box", 0.012, 0.150, 0.210), 0.12, 0.50, _c(.95, .85, .30)),
    ItemType("dvd_case", "slippery", _one("box", 0.014, 0.135, 0.190), 0.10, 0.25, _c(.10, .10, .12)),
    ItemType("glossy_magazine", "slippery", _one("box", 0.010, 0.150, 0.220), 0.20, 0.20, _c(.90, .60, .70)),
    ItemType("cereal_box_small", "box", _one("box", 0.050, 0.140, 0.200), 0.25, 0.50, _c(.95, .65, .15)),
    ItemType("tea_box", "box", _one("box", 0.070, 0.080, 0.130), 0.12, 0.50, _c(.30, .60, .30)),
    ItemType("soap_box", "box", _one("box", 0.040, 0.060, 0.090), 0.13, 0.45, _c(.60, .80, .95)),
    ItemType("toothpaste_box", "tall", _one("box", 0.045, 0.040, 0.190), 0.12, 0.45, _c(.90, .90, .95)),
    ItemType("blister_pack", "slippery", _one("box", 0.025, 0.100, 0.180), 0.08, 0.30, _c(.75, .85, .90)),
    ItemType("marker_pack", "box", _one("box", 0.030, 0.090, 0.150), 0.10, 0.50, _c(.20, .45, .85)),
    ItemType("wooden_block", "box", _one("box", 0.060, 0.060, 0.060), 0.15, 0.60, _c(.75, .55, .35)),
    ItemType("tile_sample", "heavy", _one("box", 0.015, 0.100, 0.100), 0.40, 0.35, _c(.70, .70, .65)),
    ItemType("shampoo_bottle", "slippery", _one("box", 0.050, 0.080, 0.200), 0.45, 0.25, _c(.35, .75, .80)),
    # --- seen: round and tall
    ItemType("water_bottle", "tall", _one("cylinder", 0.066, 0.066, 0.210), 0.50, 0.40, _c(.55, .75, .95)),
    ItemType("soda_can", "round", _one("cylinder", 0.066, 0.066, 0.120), 0.37, 0.30, _c(.80, .10, .10)),
    ItemType("spray_can", "slippery", _one("cylinder", 0.050, 0.050, 0.190), 0.30, 0.25, _c(.80, .80, .85)),
    ItemType("pill_bottle", "round", _one("cylinder", 0.044, 0.044, 0.080), 0.06, 0.50, _c(.95, .55, .20)),
    ItemType("glue_stick", "tall", _one("cylinder", 0.026, 0.026, 0.110), 0.04, 0.50, _c(.95, .95, .40)),
    ItemType("flashlight", "tall", _one("cylinder", 0.040, 0.040, 0.160), 0.20, 0.40, _c(.15, .15, .15)),
    ItemType("tape_roll", "round", _one("cylinder", 0.100, 0.100, 0.050), 0.20, 0.60, _c(.80, .70, .50)),
    ItemType("tennis_ball", "round", _one("sphere", 0.066, 0.066, 0.066), 0.058, 0.90, _c(.80, .95, .20)),
    ItemType("baseball", "round", _one("sphere", 0.074, 0.074, 0.074), 0.145, 0.70, _c(.95, .95, .90)),
    ItemType("dumbbell_1kg", "heavy", _one("cylinder", 0.070, 0.070, 0.190), 1.00, 0.50, _c(.30, .30, .35)),
    ItemType("screwdriver", "tall", _one("cylinder", 0.030, 0.030, 0.190), 0.12, 0.60, _c(.90, .20, .20)),
    ItemType("mug", "round", (Part("cylinder", (0.080, 0.080, 0.095)),
                              Part("box", (0.015, 0.030, 0.060), (0.0, 0.052, 0.0))), 0.35, 0.45, _c(.95, .95, .95)),
    ItemType("spray_bottle", "tall", (Part("cylinder", (0.060, 0.060, 0.170)),
                                      Part("box", (0.030, 0.070, 0.045), (0.0, 0.010, 0.107))), 0.40, 0.35,
             _c(.30, .55, .90)),
    # --- seen: soft, bagged and deformable
    ItemType("foam_ball", "soft", _one("sphere", 0.090, 0.090, 0.090), 0.03, 1.00, _c(.95, .40, .60), soft=True),
    ItemType("rubber_duck", "soft", _one("ellipsoid", 0.070, 0.090, 0.080), 0.05, 0.90, _c(1.0, .85, .10), soft=True),
    ItemType("sock_bag", "bagged", _one("box", 0.040, 0.120, 0.160), 0.08, 0.80, _c(.60, .60, .70), soft=True),
    ItemType("tshirt_bag", "bagged", _one("box", 0.045, 0.180, 0.220), 0.20, 0.70, _c(.40, .50, .30), soft=True),
    ItemType("snack_pouch", "bagged", _one("box", 0.040, 0.130, 0.180), 0.12, 0.60, _c(.90, .30, .60), soft=True),
    # --- unseen: held out for evaluation
    ItemType("board_game", "heavy", _one("box", 0.050, 0.180, 0.240), 0.60, 0.50, _c(.55, .20, .60), seen=False),
    ItemType("coffee_bag", "bagged", _one("box", 0.070, 0.100, 0.180), 0.35, 0.70, _c(.35, .20, .10),
             seen=False, soft=True),
    ItemType("ketchup_bottle", "slippery", _one("cylinder", 0.060, 0.060, 0.190), 0.40, 0.30, _c(.85, .15, .10),
             seen=False),
    ItemType("glass_jar", "heavy", _one("cylinder", 0.076, 0.076, 0.120), 0.80, 0.35, _c(.70, .85, .80), seen=False),
    ItemType("puzzle_box", "box", _one("box", 0.040, 0.200, 0.200), 0.40, 0.50, _c(.25, .70, .55), seen=False),
    ItemType("golf_ball", "round", _one("sphere", 0.043, 0.043, 0.043), 0.046, 0.40, _c(.98, .98, .98), seen=False),
    ItemType("bubble_mailer", "bagged", _one("box", 0.020, 0.160, 0.220), 0.15, 0.80, _c(.95, .90, .60),
             seen=False, soft=True),
    ItemType("toy_car", "box", _one("box", 0.040, 0.100, 0.050), 0.15, 0.60, _c(.10, .40, .90), seen=False),
    ItemType("lotion_tube", "slippery", _one("box", 0.035, 0.060, 0.150), 0.12, 0.30, _c(.85, .90, .95),
             seen=False),
    ItemType("protein_bar_pack", "thin", _one("box", 0.030, 0.050, 0.140), 0.06, 0.40, _c(.60, .40, .20), seen=False),
)
