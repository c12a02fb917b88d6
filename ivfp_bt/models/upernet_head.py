"""The grasp-value head of the paper's policy: UperNet over four ViT layers.

A plain ViT keeps one scale (1/16); as in BEiT's and ViT's segmentation heads, the four
layers are first made a pyramid (1/4, 1/8, 1/16, 1/32) by transposed convolutions and a
max-pool. UperNet then runs a pyramid pooling module on the coarsest level, adds each
level to the one below top-down, fuses all levels at 1/4, and, as our other head does,
concatenates the width embedding before the last convolutions.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F


def _norm(channels: int) -> nn.GroupNorm:
    # GroupNorm, not UperNet's BatchNorm: a pooled 1x1 map in a batch of one has no batch statistics
    return nn.GroupNorm(math.gcd(32, channels), channels)


def _conv(c_in: int, c_out: int, k: int = 3) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, k, padding=k // 2, bias=False), _norm(c_out), nn.ReLU())


class UperNetGraspHead(nn.Module):
    def __init__(self, config) -> None:
        super().__init__()
        if len(config.pyramid_layers) != 4:
            raise ValueError(f"the UperNet head reads four ViT layers, not {list(config.pyramid_layers)}")
        d, c = config.hidden_size, config.pyramid_channels
        self.rescale = nn.ModuleList([
            nn.Sequential(nn.ConvTranspose2d(d, d, 2, 2), _norm(d), nn.GELU(), nn.ConvTranspose2d(d, d, 2, 2)),
            nn.ConvTranspose2d(d, d, 2, 2), nn.Identity(), nn.MaxPool2d(2)])
        self.pool_scales = tuple(config.pool_scales)
        self.ppm = nn.ModuleList(_conv(d, c, 1) for _ in self.pool_scales)
        self.ppm_fuse = _conv(d + c * len(self.pool_scales), c)
        self.lateral = nn.ModuleList(_conv(d, c, 1) for _ in range(3))
        self.smooth = nn.ModuleList(_conv(c, c) for _ in range(3))
        self.fuse = _conv(4 * c, c)
        self.width_embedding = nn.Embedding(len(config.widths), c)
        self.refine = nn.Sequential(_conv(2 * c, c // 2), nn.Conv2d(c // 2, 1, 1))

    def _pyramid_pooling(self, top: torch.Tensor) -> torch.Tensor:
        size = top.shape[-2:]
        pooled = [F.interpolate(branch(F.adaptive_avg_pool2d(top, scale)), size=size, mode="bilinear",
                                align_corners=False) for scale, branch in zip(self.pool_scales, self.ppm)]
        return self.ppm_fuse(torch.cat([top, *pooled], dim=1))

    def forward(self, grids: list[torch.Tensor], width_index: torch.Tensor, size: int) -> torch.Tensor:
        levels = [rescale(grid) for rescale, grid in zip(self.rescale, grids)]   # 1/4, 1/8, 1/16, 1/32
        laterals = [lateral(level) for lateral, level in zip(self.lateral, levels[:3])]
        laterals.append(self._pyramid_pooling(levels[3]))
        for i in range(3, 0, -1):   # top-down: each level gets the coarser one added
            laterals[i - 1] = laterals[i - 1] + F.interpolate(laterals[i], size=laterals[i - 1].shape[-2:],
                                                              mode="bilinear", align_corners=False)
        outputs = [smooth(lateral) for smooth, lateral in zip(self.smooth, laterals[:3])] + [laterals[3]]
        fine = outputs[0].shape[-2:]
        fused = self.fuse(torch.cat([outputs[0]] + [F.interpolate(o, size=fine, mode="bilinear", align_corners=False)
                                                    for o in outputs[1:]], dim=1))
        b, _, h, w = fused.shape
        width = self.width_embedding(width_index)[:, :, None, None].expand(b, -1, h, w)
        values = self.refine(torch.cat([fused, width], dim=1))
        return F.interpolate(values, size=(size, size), mode="bilinear", align_corners=False)[:, 0]
