"""The learned grasp policy's proposals as grasp candidates on a head observation."""

from __future__ import annotations

import numpy as np

from ivfp_bt.pick.candidates import GraspCandidate, NoTarget, candidate_at, target_depth_mask


def policy_candidates(policy, frame, count: int, rng: np.random.Generator | None = None,
                      temperature: float = 1.0, shortlist: int = 0) -> list[GraspCandidate]:
    """``count`` candidates from the policy on the target's pixels with depth: ranked by π when
    ``rng`` is None, sampled from π (tempered by ``temperature``) otherwise. With ``rng`` and a
    ``shortlist`` of K, instead the K best-ranked, one drawn among them first (see
    ``draw_from_shortlist``). Each keeps the probability it was chosen with (the behaviour
    probability off-policy learning needs) as its probability and its score."""
    from ivfp_bt.models.policy_io import draw_from_shortlist, propose

    mask = target_depth_mask(frame)
    if shortlist and rng is not None:
        grasps = draw_from_shortlist(propose(policy, frame.color, mask, shortlist), rng, temperature)
    else:
        grasps = propose(policy, frame.color, mask, count, rng, temperature)
    if not grasps:
        raise NoTarget("the target is too small to propose a grasp on")
    return [candidate_at(frame, g.u, g.v, g.probability, score=g.probability, width=g.width) for g in grasps]
