"""`ivfp-bt sim view` and `ivfp-bt sim items`: see a simulated scene as the robot does, and the items."""

from __future__ import annotations

import argparse
from pathlib import Path

from ivfp_bt.sim.scene_config import DEFAULT_SCENE, SCENE_CONFIGS

CATALOGUE_NAMES = ("v1", "v3")    # ivfp_bt.sim.items.CATALOGUES, named here without importing the catalogues


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sim", help="look at the simulated work-cell",
                       description="Tools for the simulated Stretch work-cell.")
    actions = p.add_subparsers(dest="sim_action", required=True, metavar="ACTION")
    view = actions.add_parser("view", help="save what the robot sees in a scene",
                              description="Generate the scene for SEED and save the head camera's colour, "
                              "depth (PNG and .npy in metres) and target mask, and the wrist camera's view.")
    view.add_argument("--seed", type=int, default=0, help="scene seed (default 0)")
    view.add_argument("--objects", choices=("seen", "unseen"), default="seen", help="item set (default seen)")
    view.add_argument("--scene", choices=sorted(SCENE_CONFIGS), default=DEFAULT_SCENE,
                      help=f"scene configuration version (default {DEFAULT_SCENE})")
    view.add_argument("-o", "--out", type=Path, default=Path("sim_view"), help="output folder (default sim_view)")
    view.set_defaults(handler=handle_view)
    items = actions.add_parser("items", help="render every item type of a catalogue on one contact sheet",
                               description="Render each item type of a catalogue standing alone, as the simulation "
                               "has it, in one PNG: name and physical reason under each, unseen items in red, a bar as "
                               "wide as the open gripper (10 cm) for scale.")
    items.add_argument("--catalogue", choices=sorted(CATALOGUE_NAMES), default="v3",
                       help="item catalogue (default v3: bin-v3's; v1: bin-v1's and bin-v2's)")
    items.add_argument("-o", "--out", type=Path, default=Path("items.png"), help="output PNG (default items.png)")
    items.set_defaults(handler=handle_items)


def handle_view(args: argparse.Namespace) -> int:
    from ivfp_bt.sim import open_sim_robot
    from ivfp_bt.sim.view import save_views

    robot = open_sim_robot(args.seed, args.scene, args.objects)
    try:
        files = save_views(robot, args.out)
    finally:
        robot.close()
    scene = robot.scene
    print(f"scene {scene.config.version} seed {scene.seed} ({scene.objects}): {len(scene.items)} items, "
          f"target {scene.target_item.type_name}")
    for file in files:
        print(f"  {file}")
    return 0


def handle_items(args: argparse.Namespace) -> int:
    from ivfp_bt.sim.contact_sheet import save_contact_sheet

    print(save_contact_sheet(args.out, args.catalogue))
    return 0
