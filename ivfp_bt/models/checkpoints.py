"""Loading and saving trained models: local directories only (config.json + model.safetensors,
as save_pretrained writes them), never the network, never pickles. A missing or broken
checkpoint is a one-line UserError naming the directory. Loaded models go to the device the
command chose (models/device.py)."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import torch
from safetensors import SafetensorError
from torch import nn

from ivfp_bt.errors import UserError
from ivfp_bt.models import device

FILES = ("config.json", "model.safetensors")
REPO = Path(__file__).resolve().parents[2]


def resolve(path: str | Path) -> Path:
    """A model directory as given; a relative one that is not under the working directory is
    looked up in the checkout this package runs from, where the shipped models/ live."""
    directory = Path(path)
    if directory.is_absolute() or directory.exists() or not (REPO / directory).exists():
        return directory
    return REPO / directory


def quiet() -> None:
    from transformers.utils import logging
    logging.disable_progress_bar()
    logging.set_verbosity_error()


def _check(directory: Path, what: str, model_type: str, hint: str) -> None:
    missing = [name for name in FILES if not (directory / name).is_file()]
    if missing:
        raise UserError(f"{directory}: no {what} here ({', '.join(missing)} missing); {hint}")
    try:
        found = json.loads((directory / "config.json").read_text()).get("model_type")
    except (OSError, json.JSONDecodeError) as error:
        raise UserError(f"{directory / 'config.json'}: unreadable ({error})") from None
    if found != model_type:
        raise UserError(f"{directory}: holds a {found!r} model, not a {what} ({model_type!r})")


def load_policy(path: str | Path):
    """The grasp policy saved in ``path``, in eval mode."""
    from ivfp_bt.models.grasp_policy import GraspPolicy
    directory = resolve(path)
    _check(directory, "grasp policy", "ivfp_grasp_policy", "see models/README.md")
    return _load(GraspPolicy, directory)


def load_classifier(path: str | Path):
    """The IVFP classifier (VideoMAEForVideoClassification) saved in ``path``, in eval mode."""
    from transformers import VideoMAEForVideoClassification
    directory = resolve(path)
    _check(directory, "IVFP classifier", "videomae", "see models/README.md")
    return _load(VideoMAEForVideoClassification, directory)


def load_anticipator(path: str | Path):
    """A failure-anticipation network (teacher or student) saved in ``path``, in eval mode."""
    from ivfp_bt.models.anticipation import FailureAnticipator
    directory = resolve(path)
    _check(directory, "failure-anticipation model", "ivfp_anticipation", "see models/README.md")
    return _load(FailureAnticipator, directory)


def _load(cls, directory: Path):
    quiet()
    try:
        # float32 whatever the file holds: shipped weights are stored as float16 to be small,
        # and CPUs compute float16 slowly
        model = cls.from_pretrained(directory, local_files_only=True, use_safetensors=True, dtype=torch.float32)
    except (OSError, ValueError, RuntimeError, KeyError, SafetensorError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UserError(f"{directory}: cannot load the model ({first})") from None
    return model.to(device.current()).eval()


@lru_cache(maxsize=4)
def shared_policy(path: str):
    """One loaded policy per directory and process, for leaves to share (read-only use)."""
    return load_policy(path)


@lru_cache(maxsize=4)
def shared_classifier(path: str):
    return load_classifier(path)


@lru_cache(maxsize=4)
def shared_anticipator(path: str):
    return load_anticipator(path)


def save(model: nn.Module, path: str | Path) -> None:
    quiet()
    model.save_pretrained(Path(path), safe_serialization=True)


def halve(source: str | Path, target: str | Path) -> None:
    """Copy a checkpoint with its weights stored as float16 (half the size; loads as float32),
    and its model card: how the models in models/ are shipped."""
    import shutil
    source, target = Path(source), Path(target)
    kind = json.loads((source / "config.json").read_text()).get("model_type")
    loaders = {"ivfp_grasp_policy": load_policy, "ivfp_anticipation": load_anticipator}
    model = loaders.get(kind, load_classifier)(source)
    save(model.half(), target)
    for card in ("README.md", "training.json"):
        if (source / card).is_file():
            shutil.copy(source / card, target / card)
    if (target / "README.md").is_file():
        size = (target / "model.safetensors").stat().st_size / 1e6
        text = re.sub(r"- weights: .*", f"- weights: {size:.1f} MB (model.safetensors, stored as float16 by "
                      f"checkpoints.halve from {source})", (target / "README.md").read_text())
        (target / "README.md").write_text(text)
