"""Image normalisation shared by the models' inputs: ImageNet statistics, as the ViT and
VideoMAE image processors use."""

from __future__ import annotations

import torch

MEAN = torch.tensor([0.485, 0.456, 0.406])
STD = torch.tensor([0.229, 0.224, 0.225])


def normalise(images: torch.Tensor) -> torch.Tensor:
    """(..., 3, H, W) floats in [0, 1] → normalised."""
    return (images - MEAN[:, None, None]) / STD[:, None, None]
