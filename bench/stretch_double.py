"""The real Stretch backend on the stretch_body double against the simulation's own backend:
pick_centroid on the same bins, both judged by the simulator (issue 29's acceptance: within
10 points of each other).

    MUJOCO_GL=egl python bench/stretch_double.py [--seeds 0 1 2 3 4] [--picks 3]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("MUJOCO_GL", "egl")

from ivfp_bt.runner import Executive, RunOptions  # noqa: E402
from ivfp_bt.tree.load import load_tree  # noqa: E402
from ivfp_bt.versions import listed  # noqa: E402

TREE = "trees/pick_centroid.yaml"


def picked(robot: str, seed: int, picks: int) -> tuple[int, int, float]:
    """(picked, picks, wall seconds) of one bin, judged by the simulator."""
    if robot == "stretch":
        os.environ["IVFP_BT_STRETCH_BODY"] = "sim"
    started = time.monotonic()
    summary = Executive(load_tree(TREE), RunOptions(picks=picks, tick_hz=0, seed=seed, robot=robot),
                        write=lambda line: None).run()
    outcomes = [entry.get("outcome") for entry in summary.pick_log]
    return sum(o == "success" for o in outcomes), len(outcomes), time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--picks", type=int, default=3)
    args = parser.parse_args()
    totals = {"sim": [0, 0], "stretch": [0, 0]}
    print(f"{TREE}, {args.picks} picks a bin; {listed()}")
    for seed in args.seeds:
        row = []
        for robot in ("sim", "stretch"):
            ok, n, wall = picked(robot, seed, args.picks)
            totals[robot][0] += ok
            totals[robot][1] += n
            row.append(f"{robot} {ok}/{n} ({wall:.0f} s)")
        print(f"seed {seed}: " + ", ".join(row), flush=True)
    rates = {robot: 100.0 * ok / max(n, 1) for robot, (ok, n) in totals.items()}
    print(f"picked: --robot sim {rates['sim']:.1f}% ({totals['sim'][0]}/{totals['sim'][1]}), --robot stretch on "
          f"the double {rates['stretch']:.1f}% ({totals['stretch'][0]}/{totals['stretch'][1]}); difference "
          f"{rates['stretch'] - rates['sim']:+.1f} points (target: within 10)")


if __name__ == "__main__":
    main()
