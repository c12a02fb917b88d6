"""Where training starts (`train policy|classifier --init`): a model of ours, or pretrained
weights such as the first paper's, from a directory or a Hugging Face hub id.

- The classifier starts from any VideoMAE checkpoint (the paper: VideoMAE-base fine-tuned on
  Something-Something v2, ``MCG-NJU/videomae-base-finetuned-ssv2``); its head is replaced by
  ours unless it already is ours.
- The policy starts from a trained GraspPolicy, or from a ViT (``google/vit-base-patch16-224``):
  its backbone takes the ViT's weights, the mask channel of the patch embedding starting at
  zero, and the heads start fresh.

Weights load as safetensors only, and code that comes with a checkpoint is never run. A hub id
is downloaded where the machine can; offline, one line names the id and how to place it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import torch

from ivfp_bt.errors import UserError
from ivfp_bt.models.checkpoints import quiet, resolve

HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")


def locate(init: str | Path) -> tuple[str, bool]:
    """(what to pass to from_pretrained, whether it is a local directory)."""
    directory = resolve(init)
    if directory.is_dir():
        return str(directory), True
    if HUB_ID.fullmatch(str(init)) and not str(init).startswith((".", "/")):
        return str(init), False
    raise UserError(f"--init {init}: no such directory, and not a Hugging Face hub id (organisation/name)")


def _config(source: str, local: bool) -> dict[str, Any]:
    """The checkpoint's config.json as a dict (read as text: nothing in it is run)."""
    from transformers import PretrainedConfig

    quiet()
    try:
        config, _ = PretrainedConfig.get_config_dict(source, local_files_only=local)
    except (OSError, ValueError) as error:
        raise _unavailable(source, local, error) from None
    if config.get("auto_map"):
        raise UserError(f"--init {source}: the checkpoint needs code of its own, which ivfp-bt never runs")
    return config


def _unavailable(source: str, local: bool, error: Exception) -> UserError:
    if local:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return UserError(f"--init {source}: cannot read it ({first})")
    return UserError(f"--init {source}: not in this machine's Hugging Face cache, and the hub cannot be reached "
                     f"from here (nor is there a directory of that name); where it can, run `hf download {source} "
                     "--local-dir DIR` (huggingface_hub), copy DIR to this machine and pass --init DIR")


def _weights(cls: Any, source: str, local: bool, **options: Any) -> Any:
    try:
        return cls.from_pretrained(source, local_files_only=local, use_safetensors=True, trust_remote_code=False,
                                   dtype=torch.float32, **options)
    except (OSError, ValueError, RuntimeError) as error:
        if "safetensors" in str(error).lower():
            raise UserError(f"--init {source}: its weights are not in safetensors, and ivfp-bt loads no other "
                            "format (pickles can run code)") from None
        raise _unavailable(source, local, error) from None


def start_classifier(init: str | Path, labels: tuple[str, ...]) -> Any:
    """A VideoMAE classifier with our ``labels`` to train from ``init``."""
    from transformers import VideoMAEForVideoClassification

    source, local = locate(init)
    config = _config(source, local)
    if config.get("model_type") != "videomae":
        raise UserError(f"--init {init}: holds a {config.get('model_type')!r} model, not VideoMAE")
    from ivfp_bt.models.ivfp_classifier import BINARY, FOUR_WAY

    held = tuple(label for _, label in sorted((int(k), v) for k, v in (config.get("id2label") or {}).items()))
    if held in (BINARY, FOUR_WAY) and held != labels:   # one of ours, with the other head
        heads = ("four-way", "SUCCESS/FAIL") if labels == FOUR_WAY else ("SUCCESS/FAIL", "four-way")
        raise UserError(f"{init}: asked for a {heads[0]} classifier, but this one has the {heads[1]} head")
    ours = held == labels
    options = {} if ours else {"num_labels": len(labels), "id2label": dict(enumerate(labels)),
                               "label2id": {name: i for i, name in enumerate(labels)}, "use_mean_pooling": True,
                               "ignore_mismatched_sizes": True}
    return _weights(VideoMAEForVideoClassification, source, local, **options)


def start_policy(init: str | Path, head: dict[str, Any]) -> Any:
    """A grasp policy to train from ``init``: ours as saved, or a ViT's backbone with ``head``'s settings."""
    from transformers import ViTConfig, ViTModel

    from ivfp_bt.models.grasp_policy import GraspPolicy, GraspPolicyConfig

    source, local = locate(init)
    raw = _config(source, local)
    if raw.get("model_type") == "ivfp_grasp_policy":
        return _weights(GraspPolicy, source, local)
    if raw.get("model_type") != "vit":
        raise UserError(f"--init {init}: holds a {raw.get('model_type')!r} model, not a ViT or a grasp policy")
    config = ViTConfig.from_dict(raw)
    layers = config.num_hidden_layers
    wanted = len(head.get("pyramid_layers", (2, 4, 6)))
    settings = {**head, "image_size": config.image_size, "patch_size": config.patch_size,
                "hidden_size": config.hidden_size, "num_hidden_layers": layers,
                "num_attention_heads": config.num_attention_heads, "intermediate_size": config.intermediate_size,
                "pyramid_layers": tuple(round(layers * (i + 1) / wanted) for i in range(wanted))}
    policy = GraspPolicy(GraspPolicyConfig(**settings))
    backbone = _weights(ViTModel, source, local, add_pooling_layer=False).state_dict()
    patch = "embeddings.patch_embeddings.projection.weight"
    rgb = backbone[patch]
    backbone[patch] = torch.cat([rgb, torch.zeros_like(rgb[:, :1])], dim=1)   # the target mask starts unseen
    missing, unexpected = policy.backbone.load_state_dict(backbone, strict=False)
    if missing or unexpected:
        raise UserError(f"--init {init}: its ViT does not fit the policy's backbone "
                        f"(missing {missing[:3]}, unexpected {unexpected[:3]})")
    return policy
