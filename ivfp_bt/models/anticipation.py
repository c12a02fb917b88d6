"""The second paper's failure-anticipation network: one ViViT per modality (RGB, depth,
optical flow), late fusion of their features, two classes (class 1 is FAILURE).

The teacher and the student have the same architecture (the paper gives them equal capacity);
they differ in what they are shown (``clip_window``): the teacher whole windows, the student
windows whose last ``blank_frames`` slots are blank. Each modality's feature is its ViViT's
[CLS] token after the final layer norm; the distillation loss compares these per modality.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from transformers import PretrainedConfig, PreTrainedModel, VivitConfig, VivitModel

from ivfp_bt.models import device
from ivfp_bt.models.clip_window import CHANNELS, MODALITIES, batch, clip_window

CLASSES = ("success", "failure")

PRESETS = {
    # the paper's size: 8 frames of 224², tubelets 4×32×32, hidden 256, 6 layers, 8 heads
    "paper": {"image_size": 224, "tubelet_size": (4, 32, 32), "hidden_size": 256, "num_hidden_layers": 6,
              "num_attention_heads": 8, "intermediate_size": 1024},
    # the same 98 tokens per clip at 112², narrower and shallower (bench/anticipation.py)
    "small": {"image_size": 112, "tubelet_size": (4, 16, 16), "hidden_size": 128, "num_hidden_layers": 4,
              "num_attention_heads": 4, "intermediate_size": 512},
    # for tests and a check that the pipeline runs
    "tiny": {"image_size": 32, "tubelet_size": (4, 16, 16), "hidden_size": 32, "num_hidden_layers": 1,
             "num_attention_heads": 2, "intermediate_size": 64},
}


class AnticipationConfig(PretrainedConfig):
    model_type = "ivfp_anticipation"

    def __init__(self, modalities: tuple[str, ...] = MODALITIES, num_frames: int = 8, image_size: int = 112,
                 tubelet_size: tuple[int, int, int] = (4, 16, 16), hidden_size: int = 128,
                 num_hidden_layers: int = 4, num_attention_heads: int = 4, intermediate_size: int = 512,
                 frame_period_s: float = 1.0, blank_frames: int = 0, role: str = "teacher",
                 alarm_threshold: float = 0.5, alarm_consecutive: int = 1, **kwargs):
        unknown = [m for m in modalities if m not in MODALITIES]
        if unknown or not modalities:
            raise ValueError(f"modalities are some of {', '.join(MODALITIES)}, not {', '.join(modalities) or 'none'}")
        self.modalities = [m for m in MODALITIES if m in modalities]   # one canonical order
        self.num_frames, self.image_size, self.tubelet_size = num_frames, image_size, list(tubelet_size)
        self.hidden_size, self.num_hidden_layers = hidden_size, num_hidden_layers
        self.num_attention_heads, self.intermediate_size = num_attention_heads, intermediate_size
        self.frame_period_s, self.blank_frames, self.role = float(frame_period_s), int(blank_frames), role
        # a monitor's alarm: P(failure) >= threshold for consecutive updates (calibrated: monitor_replay.py)
        self.alarm_threshold, self.alarm_consecutive = float(alarm_threshold), int(alarm_consecutive)
        super().__init__(**kwargs)

    @property
    def ahead_s(self) -> float:
        """How far ahead the student anticipates: its blank slots times the frame period."""
        return self.blank_frames * self.frame_period_s

    def encoder_config(self, modality: str) -> VivitConfig:
        return VivitConfig(num_frames=self.num_frames, image_size=self.image_size, tubelet_size=self.tubelet_size,
                           num_channels=CHANNELS[modality], hidden_size=self.hidden_size,
                           num_hidden_layers=self.num_hidden_layers, num_attention_heads=self.num_attention_heads,
                           intermediate_size=self.intermediate_size, hidden_act="gelu")


class FailureAnticipator(PreTrainedModel):
    config_class = AnticipationConfig
    base_model_prefix = "anticipator"
    main_input_name = "inputs"

    def __init__(self, config: AnticipationConfig):
        super().__init__(config)
        self.encoders = nn.ModuleDict({m: VivitModel(config.encoder_config(m), add_pooling_layer=False)
                                       for m in config.modalities})
        width = config.hidden_size * len(config.modalities)
        self.fusion = nn.Sequential(nn.LayerNorm(width), nn.Linear(width, config.hidden_size), nn.GELU(),
                                    nn.Linear(config.hidden_size, len(CLASSES)))
        self.post_init()

    def features(self, inputs: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Each modality's [CLS] feature (B, hidden) from inputs {modality: (B, F, C, S, S)}."""
        missing = [m for m in self.config.modalities if m not in inputs]
        if missing:
            raise ValueError(f"the inputs lack {', '.join(missing)}")
        return {m: self.encoders[m](pixel_values=inputs[m]).last_hidden_state[:, 0] for m in self.config.modalities}

    def forward(self, inputs: dict[str, torch.Tensor]) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """(logits (B, 2), features per modality)."""
        features = self.features(inputs)
        fused = torch.cat([features[m] for m in self.config.modalities], dim=1)
        return self.fusion(fused), features


def failure_probability(logits: torch.Tensor) -> torch.Tensor:
    return logits.softmax(dim=-1)[..., 1]


@torch.inference_mode()
def p_failure_now(model: FailureAnticipator, times: np.ndarray, rgb: list[np.ndarray],
                  depth: list[np.ndarray] | None) -> float:
    """One monitor update: the student's P(failure) ``ahead_s`` after the newest frame (flow for
    every pair of the window, one forward per modality, fusion)."""
    on = device.of(model)
    window = batch([monitor_window(model.config, times, rgb, depth)])
    with device.precision(on):
        logits, _ = model({modality: frames.to(on) for modality, frames in window.items()})
    return float(failure_probability(logits.float().cpu())[0])


def monitor_window(config: AnticipationConfig, times: np.ndarray, rgb, depth) -> dict[str, torch.Tensor]:
    """What a monitor's update shows the student: the window ending ``ahead_s`` after the newest
    frame (``times[-1]``), so its blank slots are the future it anticipates."""
    return clip_window(times, rgb, depth, float(times[-1]) + config.ahead_s, config.num_frames,
                       config.frame_period_s, tuple(config.modalities), config.image_size, config.blank_frames)


def anticipation_config(preset: str = "small", **overrides) -> AnticipationConfig:
    if preset not in PRESETS:
        raise ValueError(f"preset is one of {', '.join(PRESETS)}, not {preset!r}")
    return AnticipationConfig(**{**PRESETS[preset], **overrides})
