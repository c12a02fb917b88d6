"""Where the Centroid and Random baselines part: each type's Centroid grasp against random pixels
from the same state, and a calibration's picks split into first orders and re-orders.

    python bench/baseline_gap.py --scene bin-v3                    # every seen type, 5 bins each from 3000
    python bench/baseline_gap.py --scene bin-v3 --per-type 2 --types adjustable_wrench spray_can
    python bench/baseline_gap.py --scene bin-v3 --set pad_torsion=0.005     # a draft's setting changed
    python bench/baseline_gap.py --orders runs/calibration/seen_5000 runs/calibration/seen_6000

Per type: bins from ``--seed`` on where the type stands in the front row, each made the first
pick; Centroid's grasp and ``--pixels`` random target pixels (the Random baseline's draw) are each
played forward from that one state (grasp, probe, extraction), as `bench/work_cell_ceiling.py`
foresees its ideas. Comparing in the same state takes out the bins' spread, which on ten bins is
4-10 points. ``--orders`` reads picks a calibration logged and splits each strategy's success
into items ordered for the first time and items ordered again after a failed pick, and by where
in its bin's trial a pick came (the first pick, the 2nd to 4th, 5th to 8th, 9th to 12th), and
per target type Random's successes beyond the paper's ratio to Centroid's (Table I: 0.66).
Simulation only: the outcomes are the simulator's.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.draft_settings import setting   # noqa: E402

SEED_SPAN = 300   # bins searched for a type's front-row instances


def same_state(scene, pixels: int) -> dict | None:
    """Outcomes of Centroid's grasp and of ``pixels`` random pixels on ``scene``'s target, each
    foreseen from the state of its first pick; None when the target cannot be ordered."""
    from ivfp_bt.pick.candidates import centroid_candidates, random_candidates, target_top
    from ivfp_bt.pick.motion_plan import grasp_tool_point
    from ivfp_bt.robot.limits import CommandRefused
    from ivfp_bt.sim import open_scene

    robot = open_scene(scene)
    try:
        if robot.work_cell.next_pick(np.random.default_rng(scene.seed)) is None:
            return None
        frame = robot.head_frame()
        top = target_top(frame)

        def outcome(candidate) -> str:
            try:    # the tool point ExecuteGrasp would use with its defaults
                judged = robot.work_cell.foresee_grasp(grasp_tool_point(np.array(candidate.point), top=top),
                                                       candidate.width)
            except CommandRefused:
                return "refused"
            return "stall" if judged is None else judged.outcome.value
        drawn = random_candidates(frame, np.random.default_rng(scene.seed), pixels)
        return {"centroid": outcome(centroid_candidates(frame)[0]), "random": [outcome(c) for c in drawn]}
    finally:
        robot.close()


def per_type(scene_version: str | None, objects: str, types: list[str] | None, per: int, pixels: int,
             first_seed: int, settings: dict | None = None) -> list[dict]:
    """One row per (type, bin): up to ``per`` bins a type, from ``first_seed`` on, where an
    instance stands in the front row and is made the first pick; ``settings`` change the scene
    configuration's fields (a draft's, to compare with it)."""
    from dataclasses import replace

    from ivfp_bt.errors import UserError
    from ivfp_bt.sim.items import item_set
    from ivfp_bt.sim.scene import generate_scene
    from ivfp_bt.sim.scene_config import scene_config, with_settings

    config = with_settings(scene_config(scene_version), settings)
    missing = sorted(set(types or ()) - {item_type.name for item_type in item_set(objects, config.catalogue)})
    if missing:
        raise UserError(f"--types: no {objects} item type {', '.join(missing)} in catalogue {config.catalogue}")
    scenes = [generate_scene(seed, config, objects) for seed in range(first_seed, first_seed + SEED_SPAN)]
    rows = []
    for item_type in item_set(objects, config.catalogue):
        if types and item_type.name not in types:
            continue
        found = 0
        for scene in scenes:
            front = [i for i, item in enumerate(scene.items) if item.type_name == item_type.name and item.row == 0]
            result = same_state(replace(scene, target=front[0]), pixels) if front else None
            if result is not None:
                found += 1
                rows.append({"type": item_type.name, "reason": item_type.category, "seed": scene.seed, **result})
                print(f"  {item_type.name} bin {scene.seed}: centroid {result['centroid']}; "
                      f"random {' '.join(result['random'])}", flush=True)
            if found == per:
                break
    return rows


def type_report(rows: list[dict]) -> str:
    """Markdown: per type (most random successes first), per reason, and over all types."""
    def rates(group: list[dict]) -> tuple[int, int, int, int]:
        return (sum(r["centroid"] == "success" for r in group), len(group),
                sum(o == "success" for r in group for o in r["random"]), sum(len(r["random"]) for r in group))

    def groups(key: str) -> dict[str, list[dict]]:
        out = collections.defaultdict(list)
        for row in rows:
            out[row[key]].append(row)
        return out
    lines = ["| type | reason | bins | Centroid | random pixels |", "|---|---|---:|---:|---:|"]
    by_type = sorted(groups("type").items(), key=lambda kv: -rates(kv[1])[2] / max(1, rates(kv[1])[3]))
    for name, group in by_type:
        c, n, r, k = rates(group)
        lines.append(f"| {name} | {group[0]['reason']} | {n} | {c} of {n} | {r} of {k} ({100 * r / max(1, k):.0f}%) |")
    lines.append("")
    for label, group in [*groups("reason").items(), ("all", rows)]:
        c, n, r, k = rates(group)
        lines.append(f"{label}: Centroid {100 * c / max(1, n):.1f}% ({c} of {n}), random pixels "
                     f"{100 * r / max(1, k):.1f}% ({r} of {k})")
    return "\n".join(lines)


PICK_SPANS = ((1, 1), (2, 4), (5, 8), (9, 12))   # a bin's picks, first to twelfth, in four spans


def _pick_span(number: int) -> str:
    for low, high in PICK_SPANS:
        if low <= number <= high:
            return str(low) if low == high else f"{low}-{high}"
    return f"{PICK_SPANS[-1][1] + 1}+"


def order_split(paths: list[str]) -> dict[str, collections.Counter]:
    """Per strategy (the tree a run directory's path names), picks and successes on items ordered
    for the first time and on items ordered again, by where in its bin's trial a pick came (its
    number: 1, 2-4, 5-8, 9-12) and by the target's type; a pick counts once, by its last attempt."""
    from ivfp_bt.sidecar.dataset import find_runs
    from ivfp_bt.sidecar.store import RunStore

    split: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for run in find_runs(paths):
        strategy = next((part for part in run.parts if part.startswith("pick_")), run.parent.name)
        store = RunStore.reader(run)
        try:
            last = {}
            for attempt in store.ids():
                record = store.record(attempt)
                if "pick" in record:
                    pick, success = record["pick"], record.get("outcome") == "success"
                    last[pick["pick"]] = (pick["target"], pick.get("target_type", "?"), success)
        finally:
            store.close()
        ordered: collections.Counter = collections.Counter()
        for number, (target, type_name, success) in sorted(last.items()):
            kind = "again" if ordered[target] else "first"
            ordered[target] += 1
            for key in (kind, f"pick {_pick_span(number)}", f"type {type_name}"):
                split[strategy][key] += 1
                split[strategy][f"{key} success"] += success
    return split


def order_report(split: dict[str, collections.Counter]) -> str:
    def rate(c: collections.Counter, key: str, label: str) -> str:
        return f"{label} {100 * c[key + ' success'] / c[key]:.1f}% ({c[key + ' success']} of {c[key]})"

    spans = [_pick_span(low) for low, _ in PICK_SPANS] + [_pick_span(PICK_SPANS[-1][1] + 1)]
    lines = []
    for strategy, c in sorted(split.items()):
        lines.append(f"{strategy}: ordered " + "; ordered ".join(rate(c, kind, kind) for kind in ("first", "again")
                                                                   if c[kind]))
        lines.append(f"{strategy}: by pick in the bin " + "; ".join(rate(c, f"pick {span}", span) for span in spans
                                                                     if c[f"pick {span}"]))
    return "\n".join(lines)


PAPER_RATIO = 29.61 / 44.83   # Table I: Random's success rate over Centroid's, seen items


def type_excess_report(split: dict[str, collections.Counter], centroid: str = "pick_centroid",
                       random: str = "pick_random") -> str:
    """Markdown, per target type: Centroid's and Random's success, and Random's successes beyond
    the paper's ratio to Centroid's rate on that type, in points of all Random's picks (most first):
    where a calibration's Random rate comes from."""
    c, r = split.get(centroid, collections.Counter()), split.get(random, collections.Counter())
    types = [key for key in r if key.startswith("type ") and not key.endswith(" success")]
    total = sum(r[key] for key in types)
    rows = []
    for key in types:
        if c[key]:
            excess = r[key + " success"] - PAPER_RATIO * c[key + " success"] / c[key] * r[key]
            rows.append((excess, key[5:], c[key + " success"], c[key], r[key + " success"], r[key]))
    lines = ["| type | Centroid | Random | Random's excess, points |", "|---|---:|---:|---:|"]
    for excess, name, cs, cn, rs, rn in sorted(rows, reverse=True):
        lines.append(f"| {name} | {cs} of {cn} ({100 * cs / cn:.0f}%) | {rs} of {rn} ({100 * rs / rn:.0f}%) | "
                     f"{100 * excess / max(1, total):+.2f} |")
    excess = 100 * sum(row[0] for row in rows) / max(1, total)
    lines.append(f"\nOver these types, Random's excess is {excess:+.1f} points of its {total} picks "
                 "(types ordered for only one of the two are left out).")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scene", default=None, help="scene configuration version (default: the current frozen one)")
    parser.add_argument("--objects", choices=("seen", "unseen"), default="seen")
    parser.add_argument("--types", nargs="+", help="only these item types")
    parser.add_argument("--per-type", type=int, default=5, help="bins per type")
    parser.add_argument("--pixels", type=int, default=6, help="random pixels per bin")
    parser.add_argument("--seed", type=int, default=3000, help="first bin searched (development bins from 3000)")
    parser.add_argument("--set", nargs="+", default=[], metavar="FIELD=VALUE", type=setting,
                        help="change scene configuration fields, e.g. pad_torsion=0.005")
    parser.add_argument("--orders", nargs="+", metavar="RUNS",
                        help="split a calibration's logged picks instead: first orders and re-orders, and by "
                             "where in its bin's trial a pick came")
    args = parser.parse_args()
    from ivfp_bt.errors import UserError

    try:
        if args.orders:
            split = order_split(args.orders)
            print(order_report(split))
            print()
            print(type_excess_report(split))
            return 0
        rows = per_type(args.scene, args.objects, args.types, args.per_type, args.pixels, args.seed, dict(args.set))
    except UserError as error:
        print(f"baseline_gap: {error}", file=sys.stderr)
        return 2
    print(type_report(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
