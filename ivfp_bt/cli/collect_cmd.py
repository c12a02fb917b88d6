"""`ivfp-bt collect demos|clips`: stage-1 data (demonstrated grasps with probe videos and
labels), and clips of probe and extraction for the failure-anticipation monitor."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ivfp_bt.cli.progress import progress_bar
from ivfp_bt.cli.ray_option import add_ray_argument, ray_pool
from ivfp_bt.cli.run_cmd import parse_sets
from ivfp_bt.errors import UserError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("collect", help="collect training data in the simulation (demos, clips)",
                       description="demos: the first paper's stage 1 in the simulation. A scripted demonstrator "
                       "that sees the true item poses chooses a grasp (good, not perfect, as people are: it plays up to "
                       "six of its ideas forward in a copy of the physics and shows the first that would succeed; "
                       "--set foresight=0 for its first idea), the "
                       "probe records the wrist video and the simulated labeller labels it (96% right); the item "
                       "is let go. clips: the second paper's data; after a demonstrated grasp the probe and the "
                       "extraction are recorded by the wrist camera (colour and depth), and the simulator logs the "
                       "outcome and the moment of the failure. Bins of --per-bin attempts each (seeded) go to "
                       "OUT/bin_<seed>/; an interrupted collection resumes where it stopped.")
    p.add_argument("what", choices=("demos", "clips"), help="what to collect")
    p.add_argument("--n", type=int, required=True, help="attempts to collect")
    p.add_argument("--out", type=Path, default=None, help="output directory (default: data/demos_seen, data/demos_unseen "
                   "with --objects unseen, or data/clips), where `train` looks by default")
    p.add_argument("--objects", choices=("seen", "unseen"), default="seen", help="item set (default: seen)")
    p.add_argument("--seed", type=int, default=None, help="first bin's seed; bin i uses seed+i (default: 0 for "
                   "demos, 500 for clips; evaluation uses 1000 up, so keep below that)")
    p.add_argument("--per-bin", type=int, default=12, help="attempts per packed bin (default: 12)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (default: one per core)")
    p.add_argument("--tree", default=None, help="collection tree (default: trees/collect_demos.yaml or "
                   "trees/collect_clips.yaml)")
    p.add_argument("--scene", default=None, help="scene configuration version (default: the current frozen one)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="set a param of the tree, "
                   "e.g. probe_s=1.0")
    add_ray_argument(p)
    p.set_defaults(handler=handle)


def default_out(what: str, objects: str) -> Path:
    """Where a collection goes unless told: where `train` looks for it by default."""
    return Path("data") / (f"demos_{objects}" if what == "demos" else "clips")


def handle(args: argparse.Namespace) -> int:
    if args.n < 1 or args.per_bin < 1 or args.workers < 1:
        raise UserError("--n, --per-bin and --workers must be at least 1")
    from ivfp_bt.sim.scene_config import scene_config
    from ivfp_bt.training.collect import TREES, bin_specs, collect, summarise_runs
    from ivfp_bt.tree.load import load_tree

    sets = parse_sets(args.set)
    tree = args.tree or str(TREES / f"collect_{args.what}.yaml")
    out = args.out or default_out(args.what, args.objects)
    seed = args.seed if args.seed is not None else {"demos": 0, "clips": 500}[args.what]
    scene = scene_config(args.scene).version   # an unknown one is reported here
    load_tree(tree, sets)   # a broken tree is reported before any worker starts
    specs = bin_specs(tree, out, args.n, args.per_bin, seed, args.objects, sets, scene)
    with ray_pool(args) as pool, progress_bar() as progress:
        task = progress.add_task(f"collect {args.what}", total=args.n, info="")

        def done(result, spec):
            progress.update(task, advance=spec.picks, info=f"bin {spec.seed}" + (" (kept)" if result is None else ""))

        collect(specs, args.workers, done, pool)
    runs = [Path(s.record_dir) for s in specs]
    if args.what == "clips":
        from ivfp_bt.training.clip_data import summarise_clips
        print(f"{out}: {summarise_clips(runs)}")
    else:
        print(f"{out}: {summarise_runs(runs).line()}")
    return 0
