"""Model sizes by name, for `train policy|classifier --preset` and `train all`.

small: what models/ ships, sized for a 2-core CPU (bench/models.py). paper: the first paper's
models, for a GPU: the IVFP classifier is VideoMAE-base (16 frames of 224², 768-d, 12 layers),
the policy a ViT-B/16 with the UperNet head. tiny: minutes on a CPU, to check a machine.
"""

from __future__ import annotations

from typing import Any

POLICY: dict[str, dict[str, Any]] = {
    "small": {},
    "paper": {"image_size": 224, "patch_size": 16, "hidden_size": 768, "num_hidden_layers": 12,
              "num_attention_heads": 12, "intermediate_size": 3072, "pyramid_layers": (3, 6, 9, 12),
              "pyramid_channels": 256, "head": "upernet"},
    "tiny": {"image_size": 64, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2,
             "intermediate_size": 64, "pyramid_layers": (1, 2), "pyramid_channels": 8},
}
CLASSIFIER: dict[str, dict[str, Any]] = {
    "small": {},
    "paper": {"frames": 16, "image_size": 224, "hidden_size": 768, "layers": 12, "heads": 12},
    "tiny": {"frames": 4, "image_size": 32, "hidden_size": 32, "layers": 2, "heads": 2},
}
