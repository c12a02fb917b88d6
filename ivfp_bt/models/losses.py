"""Training objectives: imitation of demonstrated grasps, and off-policy REINFORCE.

Imitation (first paper, stage 1): cross-entropy for the width, and for the grasp map a
cross-entropy against a Gaussian around the demonstrated pixel, so near misses cost less than
far ones. REINFORCE for a contextual bandit (one grasp per observation, reward ±1 from the
classifier), off-policy: each logged grasp is weighted by π_θ(a|x) / π_0(a|x), the behaviour
probability logged with it, clipped at M to bound the variance, and a baseline is subtracted
from the reward (REFERENCE.md: Swaminathan & Joachims 2015). Optionally a KL penalty keeps the
policy near the one RL started from, as RL fine-tuning of a pretrained policy commonly does.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F


def gaussian_target(pixels: torch.Tensor, size: int, sigma: float) -> torch.Tensor:
    """(B, S, S) distributions, each a Gaussian of ``sigma`` pixels around (u, v) = pixels[b]."""
    axis = torch.arange(size, dtype=torch.float32, device=pixels.device)
    du = (axis[None, :] - pixels[:, 0:1].float()) ** 2          # (B, S) over columns
    dv = (axis[None, :] - pixels[:, 1:2].float()) ** 2          # (B, S) over rows
    target = torch.exp(-(dv[:, :, None] + du[:, None, :]) / (2 * sigma ** 2))
    return target / target.sum(dim=(1, 2), keepdim=True)


def imitation_loss(q_width: torch.Tensor, q_grasp: torch.Tensor, width_index: torch.Tensor,
                   pixels: torch.Tensor, sigma: float = 6.0) -> tuple[torch.Tensor, dict[str, float]]:
    """q_grasp must be the map for the demonstrated width (teacher forcing)."""
    width_loss = F.cross_entropy(q_width, width_index)
    target = gaussian_target(pixels, q_grasp.shape[-1], sigma)
    grasp_loss = -(target.flatten(1) * F.log_softmax(q_grasp.flatten(1), dim=1)).sum(dim=1).mean()
    return width_loss + grasp_loss, {"width": width_loss.item(), "grasp": grasp_loss.item()}


def importance_weights(log_prob: torch.Tensor, behaviour_prob: torch.Tensor, clip: float) -> torch.Tensor:
    """min(π_θ(a|x) / π_0(a|x), clip), with no gradient through the weight."""
    return torch.clamp(torch.exp(log_prob.detach()) / behaviour_prob.clamp_min(1e-12), max=clip)


def reinforce_loss(log_prob: torch.Tensor, behaviour_prob: torch.Tensor, reward: torch.Tensor,
                   baseline: float | torch.Tensor, clip: float = 10.0) -> torch.Tensor:
    """Minimising this ascends the clipped off-policy estimate of expected reward."""
    weights = importance_weights(log_prob, behaviour_prob, clip)
    return -(weights * (reward - baseline) * log_prob).mean()


def policy_kl(log_p: torch.Tensor, log_q: torch.Tensor) -> torch.Tensor:
    """KL(p || q) per row of (B, ...) log-distributions over their last dimensions flattened;
    entries where p is 0 (masked pixels, -inf) add nothing."""
    log_p, log_q = log_p.flatten(1), log_q.flatten(1)
    outside = torch.isinf(log_p)
    # filled, not selected with where: -inf - -inf is nan, and nan would reach the gradient
    log_p, log_q = log_p.masked_fill(outside, 0.0), log_q.masked_fill(outside, 0.0)
    return (log_p.exp().masked_fill(outside, 0.0) * (log_p - log_q)).sum(dim=1)
