"""The grasp policy of the first paper: a ViT over the head image and the target mask, with two
action-value heads.

- Q_width: mean-pooled patch embeddings → linear over the discretised pre-grasp widths.
- Q_grasp: a feature-pyramid head over several ViT layers (or, in the paper's size, UperNet over
  four: upernet_head.py), with the chosen width embedded and concatenated at every position,
  giving one action value per image pixel.

Both are logits. The policy they define is π(w, u, v | x) = softmax(Q_width)[w] ·
softmax over the target mask of Q_grasp(·, w)[v, u]; its log-probability is what imitation and
REINFORCE train. The model knows images and tensors only; turning observations into inputs
and pixels back into grasps is ``policy_io``'s job.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F
from transformers import PretrainedConfig, PreTrainedModel, ViTConfig, ViTModel

from ivfp_bt.models.upernet_head import UperNetGraspHead

DEFAULT_WIDTHS = (0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10, 0.11, 0.12)   # metres


class GraspPolicyConfig(PretrainedConfig):
    model_type = "ivfp_grasp_policy"

    def __init__(self, image_size: int = 224, patch_size: int = 16, num_channels: int = 4,
                 hidden_size: int = 192, num_hidden_layers: int = 6, num_attention_heads: int = 3,
                 intermediate_size: int = 768, pyramid_layers: tuple[int, ...] = (2, 4, 6),
                 pyramid_channels: int = 64, widths: tuple[float, ...] = DEFAULT_WIDTHS, head: str = "pyramid",
                 pool_scales: tuple[int, ...] = (1, 2, 3, 6), **kwargs):
        self.image_size, self.patch_size, self.num_channels = image_size, patch_size, num_channels
        self.hidden_size, self.num_hidden_layers = hidden_size, num_hidden_layers
        self.num_attention_heads, self.intermediate_size = num_attention_heads, intermediate_size
        self.pyramid_layers, self.pyramid_channels = list(pyramid_layers), pyramid_channels
        self.widths = [float(w) for w in widths]
        if head not in ("pyramid", "upernet"):
            raise ValueError(f"head is pyramid or upernet, not {head!r}")
        self.head, self.pool_scales = head, list(pool_scales)
        super().__init__(**kwargs)

    def backbone_config(self) -> ViTConfig:
        return ViTConfig(image_size=self.image_size, patch_size=self.patch_size, num_channels=self.num_channels,
                         hidden_size=self.hidden_size, num_hidden_layers=self.num_hidden_layers,
                         num_attention_heads=self.num_attention_heads, intermediate_size=self.intermediate_size)


class PyramidHead(nn.Module):
    """Dense values from several ViT layers: each layer's patch grid projected to C channels,
    concatenated with the width embedding, fused, and upsampled to the image in two steps."""

    def __init__(self, config: GraspPolicyConfig):
        super().__init__()
        c = config.pyramid_channels
        self.lateral = nn.ModuleList(nn.Conv2d(config.hidden_size, c, 1) for _ in config.pyramid_layers)
        self.width_embedding = nn.Embedding(len(config.widths), c)
        self.fuse = nn.Sequential(nn.Conv2d(c * (len(config.pyramid_layers) + 1), c, 3, padding=1), nn.GELU())
        self.refine = nn.Sequential(nn.Conv2d(c, c // 2, 3, padding=1), nn.GELU(), nn.Conv2d(c // 2, 1, 1))

    def forward(self, grids: list[torch.Tensor], width_index: torch.Tensor, size: int) -> torch.Tensor:
        features = [lateral(grid) for lateral, grid in zip(self.lateral, grids)]
        b, _, h, w = features[0].shape
        width = self.width_embedding(width_index)[:, :, None, None].expand(b, -1, h, w)
        fused = self.fuse(torch.cat([*features, width], dim=1))
        fused = F.interpolate(fused, scale_factor=4, mode="bilinear", align_corners=False)
        values = self.refine(fused)
        return F.interpolate(values, size=(size, size), mode="bilinear", align_corners=False)[:, 0]


class GraspPolicy(PreTrainedModel):
    config_class = GraspPolicyConfig
    base_model_prefix = "policy"
    main_input_name = "pixel_values"

    def __init__(self, config: GraspPolicyConfig):
        super().__init__(config)
        self.backbone = ViTModel(config.backbone_config(), add_pooling_layer=False)
        self.width_head = nn.Linear(config.hidden_size, len(config.widths))
        self.grasp_head = PyramidHead(config) if config.head == "pyramid" else UperNetGraspHead(config)
        self.post_init()

    def encode(self, pixel_values: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """Q_width logits (B, W) and the pyramid's patch grids, computed once per image."""
        out = self.backbone(pixel_values=pixel_values, output_hidden_states=True)
        patches = out.last_hidden_state[:, 1:]
        side = self.config.image_size // self.config.patch_size
        grids = [out.hidden_states[layer][:, 1:].transpose(1, 2).reshape(len(patches), -1, side, side)
                 for layer in self.config.pyramid_layers]
        return self.width_head(patches.mean(dim=1)), grids

    def grasp_values(self, grids: list[torch.Tensor], width_index: torch.Tensor) -> torch.Tensor:
        """Q_grasp logits (B, S, S) for one width per image."""
        return self.grasp_head(grids, width_index, self.config.image_size)

    def forward(self, pixel_values: torch.Tensor, width_index: torch.Tensor | None = None,
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(Q_width logits (B, W), Q_grasp logits (B, S, S) for ``width_index``, the widths used).
        Without ``width_index`` the grasp map is for each image's best width."""
        q_width, grids = self.encode(pixel_values)
        if width_index is None:
            width_index = q_width.argmax(dim=1)
        return q_width, self.grasp_values(grids, width_index), width_index


def log_policy(q_width: torch.Tensor, q_grasp: torch.Tensor, mask: torch.Tensor,
               temperature: float = 1.0) -> tuple[torch.Tensor, torch.Tensor]:
    """log π(w | x) over widths (B, W) and log π(u, v | x, w) over pixels (B, S, S), the pixel
    distribution restricted to ``mask`` (B, S, S bool; -inf outside). With ``temperature``,
    the tempered policy softmax(log π / temperature) that RL collection samples from."""
    log_width = F.log_softmax(q_width / temperature, dim=1)
    masked = q_grasp.masked_fill(~mask, float("-inf")).flatten(1)
    log_pixel = F.log_softmax(masked / temperature, dim=1).view_as(q_grasp)
    return log_width, log_pixel
