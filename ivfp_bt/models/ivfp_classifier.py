"""The IVFP classifier: VideoMAE on the wrist camera's probe video → SUCCESS / FAIL.

VideoMAEForVideoClassification with mean pooling (mean → LayerNorm → Linear), as the
reference. Two labels by default; ``four_way`` trains the failure-mode head instead (success,
fail_multipick, fail_not_picked, fail_wrong_item), whose SUCCESS probability is its first class.
The default size is chosen for a 2-core CPU (bench/models.py): 8 frames of 112², 192-d, 6 layers.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.nn import functional as F
from transformers import VideoMAEConfig, VideoMAEForVideoClassification

from ivfp_bt.models.normalise import normalise

BINARY = ("success", "fail")
FOUR_WAY = ("success", "fail_multipick", "fail_not_picked", "fail_wrong_item")


def classifier_config(frames: int = 8, image_size: int = 112, hidden_size: int = 192, layers: int = 6,
                      heads: int = 3, four_way: bool = False) -> VideoMAEConfig:
    labels = FOUR_WAY if four_way else BINARY
    return VideoMAEConfig(num_frames=frames, image_size=image_size, tubelet_size=2, patch_size=16,
                          hidden_size=hidden_size, num_hidden_layers=layers, num_attention_heads=heads,
                          intermediate_size=4 * hidden_size, use_mean_pooling=True, num_labels=len(labels),
                          id2label=dict(enumerate(labels)), label2id={name: i for i, name in enumerate(labels)})


def build_classifier(config: VideoMAEConfig | None = None) -> VideoMAEForVideoClassification:
    return VideoMAEForVideoClassification(config or classifier_config())


def video_tensor(video: np.ndarray | torch.Tensor, config: VideoMAEConfig) -> torch.Tensor:
    """A probe video (T, H, W, 3) or (T, 3, H, W) uint8 → normalised (num_frames, 3, S, S):
    frames spread evenly over the whole probe, resized to the model's size."""
    frames = torch.as_tensor(np.asarray(video)) if not isinstance(video, torch.Tensor) else video
    if frames.ndim != 4:
        raise ValueError(f"a probe video has 4 dimensions (frames, height, width, colour), not {tuple(frames.shape)}")
    if frames.shape[-1] == 3:
        frames = frames.permute(0, 3, 1, 2)
    pick = torch.linspace(0, len(frames) - 1, config.num_frames).round().long()
    chosen = frames[pick].float() / 255.0
    chosen = F.interpolate(chosen, size=(config.image_size, config.image_size), mode="bilinear",
                           align_corners=False, antialias=True)
    return normalise(chosen)


def success_probability(logits: torch.Tensor) -> torch.Tensor:
    """P(SUCCESS) from either head: class 0 is success in both label sets."""
    return logits.softmax(dim=-1)[..., 0]


def label_index(label: str, config: VideoMAEConfig) -> int:
    """A logged outcome label as this head's class: any failure is FAIL for the binary head."""
    if config.num_labels == 2:
        return 0 if label == "success" else 1
    return FOUR_WAY.index(label)
