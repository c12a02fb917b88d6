"""How much the lift-and-pull probe can tell, read from the physics instead of the video: for
the policy's best-ranked grasps, whether the target moved with the fingers during the probe,
against what extraction then did; and what verification in the loop could gain from it.

    python bench/probe_information.py                  # 30 bins x 3 targets x 4 grasps (about 15 min on 2 cores)
    python bench/probe_information.py --bins 5 --targets 1 --k 2
    python bench/probe_information.py --read runs/probe_information.jsonl --rates 0.76 0.36

Each grasp is played forward in a copy of the physics (as bench/shortlist_headroom.py does):
grasp, then the probe stage by stage, then extraction. Per probe it reads whether a fingertip
pad touches the target, and how far the target followed the pads on the lift and on the pull
(1: all the way, 0: it stayed). Targets are the first few the work-cell would order from a
full bin. Prints how often each reading, thresholded at its best on these same grasps (so a
little optimistic), matches the outcome, beside passing every grasp: a guide to what a
classifier of the probe video could reach, though the video also shows neighbours moving,
which these readings leave out. Then the targets picked by verification in the loop with
probes read that well, with a classifier passing given fractions of good and failed grasps
(--rates, as bench/classifier_on_policy.py measures them), and with a perfect one. Writes the
rows to --out as JSON lines; --read summarises such rows again.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

READINGS = ("held", "lift_follow", "pull_follow", "followed")


def probe_readings(robot, tool_point: np.ndarray, width: float) -> dict:
    """The probe's physics and the extraction's outcome for one grasp, the simulation left as
    it was; outcome "stall" when the grasp does not complete (a finger against a neighbour)."""
    from ivfp_bt.pick.motion_plan import Plan, extract_plan, grasp_plan, probe_plan
    from ivfp_bt.pick.plan_runner import run_to_end
    from ivfp_bt.sim.oracle import held_items, judge

    with robot.work_cell.rewound():
        if run_to_end(robot, grasp_plan(tool_point, width)).reason:
            return {"outcome": "stall"}
        target = robot.scene.target
        moved = []
        for stage in probe_plan().stages[:2]:          # the lift, then the pull
            before = _pads(robot), robot.data.xpos[robot.item_bodies[target]].copy()
            run_to_end(robot, Plan(stage.name, [stage]))
            after = _pads(robot), robot.data.xpos[robot.item_bodies[target]]
            axis = int(np.argmax(np.abs(after[0] - before[0])))
            moved.append(float((after[1][axis] - before[1][axis]) / (after[0][axis] - before[0][axis])))
        held = target in held_items(robot)
        run_to_end(robot, Plan("probe end", probe_plan().stages[2:]))
        run_to_end(robot, extract_plan())
        outcome = judge(robot, robot.work_cell.in_bin_before).outcome.value
        return {"held": held, "lift_follow": moved[0], "pull_follow": moved[1],
                "followed": min(moved) if held else 0.0, "outcome": outcome}


def _pads(robot) -> np.ndarray:
    """The midpoint of the two fingertip pads."""
    return np.mean([robot.data.geom(f"pad_{side}").xpos for side in ("left", "right")], axis=0)


def bin_rows(seed: int, policy, targets: int, k: int, scene: str | None, objects: str) -> list[dict]:
    """Readings of the k best-ranked grasps on each of the first ``targets`` targets of bin ``seed``."""
    from ivfp_bt.models.policy_io import propose
    from ivfp_bt.pick.candidates import candidate_at, target_depth_mask, target_top
    from ivfp_bt.pick.motion_plan import grasp_tool_point
    from ivfp_bt.robot.limits import CommandRefused
    from ivfp_bt.sim import open_sim_robot

    robot, rows = open_sim_robot(seed, scene, objects), []
    try:
        rng = np.random.default_rng(seed)
        for pick in range(targets):
            if robot.work_cell.next_pick(rng) is None:
                break
            frame = robot.head_frame()
            top = target_top(frame)
            for rank, g in enumerate(propose(policy, frame.color, target_depth_mask(frame), k), 1):
                candidate = candidate_at(frame, g.u, g.v, 1.0, width=g.width)
                try:
                    row = probe_readings(robot, grasp_tool_point(np.array(candidate.point), top=top), candidate.width)
                except CommandRefused:
                    row = {"outcome": "refused"}
                rows.append({"seed": seed, "pick": pick + 1, "rank": rank, **row})
    finally:
        robot.close()
    return rows


def best_threshold(values: np.ndarray, success: np.ndarray) -> tuple[float, float]:
    """(threshold, accuracy) of the rule 'success when value >= threshold' that matches most."""
    cuts = np.unique(np.concatenate([values, [np.inf]]))
    accuracy = [np.mean((values >= c) == success) for c in cuts]
    best = int(np.argmax(accuracy))
    return float(cuts[best]), float(accuracy[best])


def summary(rows: list[dict], rates: list[tuple[float, float]] = ()) -> list[str]:
    probed = [r for r in rows if "held" in r]
    success = np.array([r["outcome"] == "success" for r in probed])
    lines = [f"{len(probed)} probed grasps ({len(rows) - len(probed)} stalled or refused before the probe), "
             f"{success.sum()} held through extraction: passing every grasp matches {100 * success.mean():.1f}%"]
    cuts = {}
    for name in READINGS:
        values = np.array([float(r[name]) for r in probed])
        cuts[name], accuracy = best_threshold(values, success)
        lines.append(f"  {name:12s} success when >= {cuts[name]:6.2f}: matches {100 * accuracy:5.1f}%")
    return lines + verified_picks(rows, cuts["followed"], rates)


def verified_picks(rows: list[dict], cut: float, rates: list[tuple[float, float]] = ()) -> list[str]:
    """Each target's expected picks if its best-ranked grasp were executed (IL), and under
    verification in the loop: its grasps tried best first, a stalled one skipped, the first
    whose probe passes extracted, the pick given up when none does. Probes pass every time;
    when the physics reads 'followed' >= ``cut``; with chances (of a grasp that holds, of one
    that fails) from ``rates``, as a classifier scored on the policy's grasps would; or when the
    grasp would hold (a perfect classifier). The bin is undisturbed between tries, as if each
    let-go grasp left it as it was, so these are bounds."""
    targets: dict[tuple[int, int], list[dict]] = {}
    for row in rows:
        targets.setdefault((row["seed"], row["pick"]), []).append(row)
    for grasps in targets.values():
        grasps.sort(key=lambda r: r["rank"])
    readers = [("every probe passes", lambda r, holds: 1.0),
               (f"the physics reads followed >= {cut:.2f}", lambda r, holds: float(r["followed"] >= cut))]
    readers += [(f"a classifier passes {100 * a:.0f}% of holds, {100 * b:.0f}% of failures",
                 lambda r, holds, a=a, b=b: a if holds else b) for a, b in rates]
    readers.append(("a perfect classifier", lambda r, holds: float(holds)))
    n = len(targets)
    first = sum(grasps[0]["outcome"] == "success" for grasps in targets.values())
    lines = [f"{n} targets: the best-ranked grasp picks {100 * first / n:.1f}%; verification in the loop, when"]
    for name, passes in readers:
        picked = sum(_verified(grasps, passes) for grasps in targets.values())
        lines.append(f"  {name:52s} {100 * picked / n:5.1f}%")
    return lines


def _verified(grasps: list[dict], passes) -> float:
    """The chance that verification in the loop picks the target with these grasps."""
    picked, reached = 0.0, 1.0
    for row in grasps:
        if "held" in row:        # a stalled or refused grasp is never probed
            holds = row["outcome"] == "success"
            chance = passes(row, holds)
            picked += reached * chance * holds
            reached *= 1.0 - chance
    return picked


def _short(row: dict) -> str:
    outcome = row["outcome"].removeprefix("fail_")
    return f"{outcome}/{row['followed']:.2f}" if "followed" in row else outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policy", default="models/grasp_policy")
    parser.add_argument("--bins", type=int, default=30)
    parser.add_argument("--targets", type=int, default=3, help="targets per bin, as the work-cell orders them")
    parser.add_argument("--k", type=int, default=4, help="grasps per target, best-ranked first")
    parser.add_argument("--seed", type=int, default=1000, help="first bin's seed (Table I's bins from 1000)")
    parser.add_argument("--scene", default=None, help="scene configuration version (default: the current frozen one)")
    parser.add_argument("--objects", choices=("seen", "unseen"), default="seen")
    parser.add_argument("--out", type=Path, default=Path("runs/probe_information.jsonl"))
    parser.add_argument("--rates", nargs=2, type=float, action="append", default=[], metavar=("HOLDS", "FAILS"),
                        help="also a classifier that passes these fractions of grasps that hold and that fail "
                             "(bench/classifier_on_policy.py measures them); repeatable")
    parser.add_argument("--read", type=Path, help="summarise rows written before instead of playing grasps")
    from ivfp_bt.cli.device_option import add_device_argument, apply_device

    add_device_argument(parser)
    args = parser.parse_args()
    apply_device(args)
    if args.read:
        rows = [json.loads(line) for line in args.read.read_text().splitlines()]
    else:
        rows = played_rows(args)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("".join(json.dumps(r) + "\n" for r in rows))
        print(f"wrote {args.out}")
    if not any("held" in r for r in rows):
        print("no grasp reached the probe")
        return 1
    print("\n".join(summary(rows, [tuple(r) for r in args.rates])))
    return 0


def played_rows(args: argparse.Namespace) -> list[dict]:
    from ivfp_bt.models.checkpoints import load_policy
    policy = load_policy(Path(args.policy)).eval()
    rows: list[dict] = []
    for seed in range(args.seed, args.seed + args.bins):
        found = bin_rows(seed, policy, args.targets, args.k, args.scene, args.objects)
        rows += found
        print(f"  bin {seed}: " + " ".join(_short(r) for r in found), flush=True)
    return rows

if __name__ == "__main__":
    sys.exit(main())
