"""`ivfp-bt eval TREE...`: the paper's evaluation protocol in the simulation."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ivfp_bt.cli.device_option import add_device_argument, apply_device
from ivfp_bt.cli.progress import progress_bar
from ivfp_bt.cli.ray_option import add_ray_argument, ray_pool
from ivfp_bt.cli.run_cmd import parse_sets
from ivfp_bt.errors import UserError
from ivfp_bt.evaluation.metrics import summarise
from ivfp_bt.evaluation.report import bar_plot, markdown_table
from ivfp_bt.evaluation.trials import TrialsLost, run_resumable, trial_specs


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="evaluate pick strategies in the simulation (the paper's protocol)",
                       description="Run each tree for --trials freshly packed bins (seeded) of --picks-per-trial "
                       "picks and report success rate (the simulator's ground truth), units per hour (simulated "
                       "robot time plus compute time), human interventions per hour and how picks failed. Writes "
                       "OUT/results.md, OUT/results.png and every attempt's records under OUT/<tree>/. Run again "
                       "with the same OUT to finish an evaluation that was cut short: finished trials are kept.")
    p.add_argument("trees", nargs="+", metavar="TREE", help="tree files to evaluate")
    p.add_argument("--trials", type=int, default=10, help="bins per tree (default: 10)")
    p.add_argument("--picks-per-trial", type=int, default=12, help="picks per bin (default: 12)")
    p.add_argument("--objects", choices=("seen", "unseen"), default="seen", help="item set (default: seen)")
    p.add_argument("--seed", type=int, default=1000, help="first trial's seed; trial i uses seed+i (default: 1000)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (default: one per core)")
    p.add_argument("--out", type=Path, default=Path("eval_out"), help="output directory (default: eval_out)")
    p.add_argument("--scene", default=None, help="scene configuration version (default: the current frozen one)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="set a param of every tree")
    add_device_argument(p)
    add_ray_argument(p)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if args.trials < 1 or args.picks_per_trial < 1 or args.workers < 1:
        raise UserError("--trials, --picks-per-trial and --workers must be at least 1")
    apply_device(args)
    from ivfp_bt.sim.scene_config import scene_config
    from ivfp_bt.tree.load import load_tree

    scene = scene_config(args.scene).version
    sets = parse_sets(args.set)
    for tree in args.trees:
        load_tree(tree, sets)   # every file checked before any trial starts
    rows, lost = [], None
    with ray_pool(args) as pool, progress_bar() as progress:
        for tree in args.trees:
            specs = trial_specs(tree, args.trials, args.picks_per_trial, args.objects, args.out, args.seed, sets,
                                scene)
            task = progress.add_task(Path(tree).stem, total=len(specs), info="")
            finished = []

            def done(result, task=task, finished=finished):
                finished.append(result)
                m = summarise("", finished)
                progress.update(task, advance=1, info=f"SR {100 * m.success_rate:.0f}% of {m.picks} picks")

            try:
                results = run_resumable(specs, args.workers, done, pool)
            except TrialsLost as error:   # keep and report what finished; a rerun finishes the rest
                results, lost = error.finished, error
            rows.append(summarise(Path(tree).stem, results))
            if lost is not None:
                break
    args.out.mkdir(parents=True, exist_ok=True)
    table = markdown_table(rows, args.objects, scene)
    if lost is not None:
        table += f"\n**Incomplete:** {lost}.\n"
    (args.out / "results.md").write_text(table)
    bar_plot(rows, args.out / "results.png", f"{args.trials} trials x {args.picks_per_trial} picks, "
             f"{args.objects} objects, {scene}")
    print(table)
    print(f"wrote {args.out / 'results.md'}, {args.out / 'results.png'} and the records under {args.out}/")
    if lost is not None:
        raise lost
    return 0
