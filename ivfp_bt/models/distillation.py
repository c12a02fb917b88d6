"""The student's objective (second paper): cross-entropy on the labels plus an MMD distillation
loss between the frozen teacher's and the student's features of each modality, the two terms
balanced by learnable weights.

MMD is the multi-kernel Gaussian form (as DAN): Gaussian kernels over the pairwise squared
distances of the joined batch, the base bandwidth the mean distance (detached, so it sets the
scale without being trained), five bandwidths base · 2^i, i = -2..2; MMD² = mean K_xx + mean
K_yy − 2 mean K_xy. The learnable weights follow Kendall et al.: Σ exp(−s_i) · L_i + s_i, which
keeps every weight positive and cannot drive itself to zero.
"""

from __future__ import annotations

import torch
from torch import nn

KERNEL_POWERS = (-2, -1, 0, 1, 2)


def mmd(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Multi-kernel MMD² between two batches of features (N, D) and (M, D); differentiable."""
    joined = torch.cat([x, y], dim=0)
    distances = torch.cdist(joined, joined).pow(2)
    n = len(joined)
    base = distances.detach().sum() / max(1, n * n - n)
    kernels = sum(torch.exp(-distances / (base.clamp_min(1e-8) * 2.0 ** p)) for p in KERNEL_POWERS)
    k_xx, k_yy, k_xy = kernels[:len(x), :len(x)], kernels[len(x):, len(x):], kernels[:len(x), len(x):]
    return k_xx.mean() + k_yy.mean() - 2 * k_xy.mean()


class LearnableWeights(nn.Module):
    """Σ exp(−s_i) · L_i + s_i over named losses, the s_i trained with the network."""

    def __init__(self, names: tuple[str, ...]):
        super().__init__()
        self.names = names
        self.log_variance = nn.Parameter(torch.zeros(len(names)))

    def forward(self, losses: dict[str, torch.Tensor]) -> torch.Tensor:
        terms = [torch.exp(-self.log_variance[i]) * losses[name] + self.log_variance[i]
                 for i, name in enumerate(self.names)]
        return torch.stack(terms).sum()

    def weights(self) -> dict[str, float]:
        return {name: float(torch.exp(-self.log_variance[i].detach())) for i, name in enumerate(self.names)}
