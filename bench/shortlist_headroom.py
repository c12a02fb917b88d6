"""How much reordering a policy's best grasps could gain: on the first pick of fresh bins, the
policy's K best-ranked grasps (as a ranked pick tries them, and as `train rl --shortlist K`
draws among them), each played forward in a copy of the physics.

    python bench/shortlist_headroom.py                        # models/grasp_policy, 40 bins, K = 4
    python bench/shortlist_headroom.py --policy runs/rl/iter_020 --bins 10

Prints how often the first grasp would succeed, how often some grasp of the first n would (for
n = K: what a perfect reordering of the K could reach), and the success by rank. Simulation
only: the outcomes are the simulator's, as `bench/work_cell_ceiling.py` foresees its ideas.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def foreseen_outcomes(seed: int, policy, k: int, scene: str | None, objects: str) -> list[str]:
    """The outcome of each of the policy's k best grasps on the first pick of bin ``seed``."""
    from ivfp_bt.pick.candidates import target_top
    from ivfp_bt.pick.motion_plan import grasp_tool_point
    from ivfp_bt.pick.policy_candidates import policy_candidates
    from ivfp_bt.robot.limits import CommandRefused
    from ivfp_bt.sim import open_sim_robot

    robot = open_sim_robot(seed, scene, objects)
    try:
        robot.work_cell.next_pick(np.random.default_rng(seed))
        frame = robot.head_frame()
        top = target_top(frame)
        outcomes = []
        for grasp in policy_candidates(policy, frame, k):
            try:    # the tool point ExecuteGrasp would use with its defaults
                judged = robot.work_cell.foresee_grasp(grasp_tool_point(np.array(grasp.point), top=top), grasp.width)
            except CommandRefused:
                outcomes.append("refused")
                continue
            outcomes.append("stall" if judged is None else judged.outcome.value)
        return outcomes
    finally:
        robot.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policy", default="models/grasp_policy")
    parser.add_argument("--bins", type=int, default=40)
    parser.add_argument("--k", type=int, default=4, help="grasps per pick, best-ranked first")
    parser.add_argument("--seed", type=int, default=1000, help="first bin's seed (Table I's bins from 1000)")
    parser.add_argument("--scene", default=None, help="scene configuration version (default: the current frozen one)")
    parser.add_argument("--objects", choices=("seen", "unseen"), default="seen")
    args = parser.parse_args()
    from ivfp_bt.models.checkpoints import load_policy
    policy = load_policy(Path(args.policy)).eval()
    picks = []
    for seed in range(args.seed, args.seed + args.bins):
        picks.append(foreseen_outcomes(seed, policy, args.k, args.scene, args.objects))
        print(f"  bin {seed}: {' '.join(picks[-1])}", flush=True)
    won = np.array([[o == "success" for o in outcomes] + [False] * (args.k - len(outcomes)) for outcomes in picks])
    print(f"{args.policy}, {len(picks)} first picks, K = {args.k}:")
    print(f"  the first grasp succeeds   {100 * won[:, 0].mean():5.1f}%")
    print("  some grasp of the first n would, n = 1.." + str(args.k) + ": "
          + "  ".join(f"{100 * won[:, :n].any(axis=1).mean():.0f}%" for n in range(1, args.k + 1)))
    print("  success by rank: " + "  ".join(f"{100 * p:.0f}%" for p in won.mean(axis=0)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
