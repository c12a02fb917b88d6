"""How much reordering a policy's best grasps could gain: on the first pick of fresh bins, the
policy's K best-ranked grasps (as a ranked pick tries them, and as `train rl --shortlist K`
draws among them), each played forward in a copy of the physics.

    python bench/shortlist_headroom.py                        # models/grasp_policy, 40 bins, K = 4
    python bench/shortlist_headroom.py --policy runs/rl/iter_020 --bins 10
    python bench/shortlist_headroom.py --k 5 --choose ranked spaced:12 sampled   # other candidate sets

Prints how often the first grasp would succeed, how often some grasp of the first n would (for
n = K: what a perfect reordering of the K could reach, or verification in the loop with a
perfect classifier on an undisturbed bin), and the success by rank. Simulation only: the
outcomes are the simulator's, as `bench/work_cell_ceiling.py` foresees its ideas.

`--choose` compares ways of choosing the K (each grasp is played forward once per pick):
ranked, as ProposeGrasps ranks them (per width, pixels 6 input px apart); spaced:N, the most
probable (width, pixel) pairs over the three best widths with pixels more than N input px apart
whatever their widths; sampled, 32 draws from π, the K most probable distinct ones first (as the
IVFP paper samples its verification-in-the-loop candidates).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def foreseen_outcomes(seed: int, policy, k: int, scene: str | None, objects: str,
                      choices: list[str]) -> dict[str, list[str]]:
    """For each way of choosing, the outcome of each of its k grasps on the first pick of bin ``seed``."""
    from ivfp_bt.pick.candidates import candidate_at, target_top
    from ivfp_bt.pick.motion_plan import grasp_tool_point
    from ivfp_bt.robot.limits import CommandRefused
    from ivfp_bt.sim import open_sim_robot

    robot = open_sim_robot(seed, scene, objects)
    try:
        robot.work_cell.next_pick(np.random.default_rng(seed))
        frame = robot.head_frame()
        top, seen = target_top(frame), {}

        def outcome(grasp: tuple[float, int, int]) -> str:
            if grasp not in seen:    # a grasp two ways choose is played forward once
                candidate = candidate_at(frame, grasp[1], grasp[2], 1.0, width=grasp[0])
                try:    # the tool point ExecuteGrasp would use with its defaults
                    judged = robot.work_cell.foresee_grasp(grasp_tool_point(np.array(candidate.point), top=top),
                                                           candidate.width)
                    seen[grasp] = "stall" if judged is None else judged.outcome.value
                except CommandRefused:
                    seen[grasp] = "refused"
            return seen[grasp]
        return {choice: [outcome(g) for g in chosen_grasps(choice, policy, frame, k)] for choice in choices}
    finally:
        robot.close()


def chosen_grasps(choice: str, policy, frame, k: int) -> list[tuple[float, int, int]]:
    """(width, u, v) of the k grasps a way of choosing picks, most probable first."""
    from ivfp_bt.models.policy_io import propose
    from ivfp_bt.pick.candidates import target_depth_mask

    mask = target_depth_mask(frame)
    if choice == "ranked":
        return [(g.width, g.u, g.v) for g in propose(policy, frame.color, mask, k)]
    if choice == "sampled":
        drawn = sorted(propose(policy, frame.color, mask, 32, np.random.default_rng(0)), key=lambda g: -g.log_prob)
        return list(dict.fromkeys((g.width, g.u, g.v) for g in drawn))[:k]
    return _spaced(policy, frame.color, mask, k, int(choice.removeprefix("spaced:")))


@torch.inference_mode()
def _spaced(policy, color: np.ndarray, mask: np.ndarray, k: int, spacing: int) -> list[tuple[float, int, int]]:
    """The most probable (width, pixel) pairs over the three best widths, pixels more than
    ``spacing`` input px apart (Chebyshev) whatever their widths: non-maximum suppression."""
    from torch.nn import functional as F

    from ivfp_bt.models.grasp_policy import log_policy
    from ivfp_bt.models.policy_io import _nearest_in_mask, policy_input

    from ivfp_bt.models import device
    x, input_mask, box = policy_input(color, mask, policy.config.image_size)
    on = device.of(policy)
    q_width, grids = policy.encode(x[None].to(on))
    q_width = q_width.float().cpu()
    log_width = F.log_softmax(q_width[0], dim=0)
    widths = torch.argsort(log_width, descending=True)[:3].tolist()
    joint = torch.stack([log_width[w] + log_policy(q_width, policy.grasp_values(grids, torch.tensor([w], device=on))
                                                   .float().cpu(), input_mask[None])[1][0] for w in widths]).flatten()
    size, chosen = policy.config.image_size, []
    for index in torch.argsort(joint, descending=True).tolist():
        if len(chosen) == k or not torch.isfinite(joint[index]):
            break
        w, rest = divmod(index, size * size)
        v, u = divmod(rest, size)
        if all(max(abs(v - cv), abs(u - cu)) > spacing for _, cu, cv in chosen):
            chosen.append((w, u, v))
    return [(policy.config.widths[widths[w]], *_nearest_in_mask(mask, *box.to_image(u, v))) for w, u, v in chosen]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policy", default="models/grasp_policy")
    parser.add_argument("--bins", type=int, default=40)
    parser.add_argument("--k", type=int, default=4, help="grasps per pick, best-ranked first")
    parser.add_argument("--seed", type=int, default=1000, help="first bin's seed (Table I's bins from 1000)")
    parser.add_argument("--scene", default=None, help="scene configuration version (default: the current frozen one)")
    parser.add_argument("--objects", choices=("seen", "unseen"), default="seen")
    parser.add_argument("--choose", nargs="+", default=["ranked"], type=_choice,
                        help="ways of choosing the K: ranked, spaced:N (input px), sampled")
    from ivfp_bt.cli.device_option import add_device_argument, apply_device

    add_device_argument(parser)
    args = parser.parse_args()
    apply_device(args)
    from ivfp_bt.models.checkpoints import load_policy
    policy = load_policy(Path(args.policy)).eval()
    picks: dict[str, list[list[str]]] = {choice: [] for choice in args.choose}
    for seed in range(args.seed, args.seed + args.bins):
        for choice, outcomes in foreseen_outcomes(seed, policy, args.k, args.scene, args.objects, args.choose).items():
            picks[choice].append(outcomes)
            print(f"  bin {seed} {choice}: {' '.join(outcomes)}", flush=True)
    print(f"{args.policy}, {args.bins} first picks, K = {args.k}:")
    for choice, outcomes in picks.items():
        won = np.array([[o == "success" for o in pick] + [False] * (args.k - len(pick)) for pick in outcomes])
        print(f"  {choice}: the first grasp succeeds {100 * won[:, 0].mean():.1f}%; some grasp of the first n "
              f"would, n = 1..{args.k}: " + "  ".join(f"{100 * won[:, :n].any(axis=1).mean():.0f}%"
                                                       for n in range(1, args.k + 1)))
        print(f"  {choice}: success by rank: " + "  ".join(f"{100 * p:.0f}%" for p in won.mean(axis=0)))
    return 0


def _choice(text: str) -> str:
    if text in ("ranked", "sampled") or (text.startswith("spaced:") and text[7:].isdigit()):
        return text
    raise argparse.ArgumentTypeError(f"{text!r}: expected ranked, sampled or spaced:N")


if __name__ == "__main__":
    sys.exit(main())
