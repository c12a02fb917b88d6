"""A trained model's card, written next to its weights: what made it (the command and seed),
from what data, how long it took on what machine, and how well it does (README.md for people,
training.json for scripts)."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

import torch

from ivfp_bt import versions
from ivfp_bt.models import device


def machine() -> str:
    cores = f"{os.cpu_count()} CPU cores ({platform.processor() or platform.machine()})"
    on = device.current()
    return f"{cores}, {torch.cuda.get_device_name(on)} (CUDA)" if on.type == "cuda" else f"{cores}, no GPU used"


def provenance(directory: str | Path) -> str:
    """A model named with the command that made it, so a card that starts from another model
    still says how to remake the chain after that model's directory is replaced (a hub id as it is)."""
    card = Path(directory) / "training.json"
    command = json.loads(card.read_text()).get("command") if card.is_file() else None
    return f"{directory} (made by `{command}`)" if command else str(directory)


def write_card(directory: Path, title: str, what: str, command: str, seed: int, data: dict[str, Any],
               seconds: float, metrics: dict[str, Any]) -> None:
    info = {"title": title, "command": command, "seed": seed, "data": data, "training_seconds": round(seconds, 1),
            "machine": machine(), "versions": versions.record(), "metrics": metrics}
    (directory / "training.json").write_text(json.dumps(info, indent=2) + "\n")
    weights = sum(f.stat().st_size for f in directory.glob("*.safetensors")) / 1e6
    lines = [f"# {title}", "", what, "", "## How it was made", "", "```", command, "```", "",
             f"- seed: {seed}", f"- training time: {seconds / 60:.1f} min on {machine()}",
             f"- weights: {weights:.1f} MB (model.safetensors)",
             f"- versions: {versions.listed()}",
             "", "## Data", ""]
    lines += [f"- {key}: {value}" for key, value in data.items()]
    lines += ["", "## Metrics", ""] + _metric_lines(metrics)
    (directory / "README.md").write_text("\n".join(lines) + "\n")


def _metric_lines(metrics: dict[str, Any], indent: str = "") -> list[str]:
    lines = []
    for key, value in metrics.items():
        if isinstance(value, dict):
            lines += [f"{indent}- {key}:"] + _metric_lines(value, indent + "  ")
        else:
            lines.append(f"{indent}- {key}: {value:.3f}" if isinstance(value, float) else f"{indent}- {key}: {value}")
    return lines
