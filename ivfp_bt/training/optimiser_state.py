"""An optimiser's state saved without pickles: its tensors as safetensors, the rest as JSON,
so that resumed training continues with the same moments it stopped with."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file


def save_optimiser(optimiser: torch.optim.Optimizer, directory: Path) -> None:
    state = optimiser.state_dict()
    tensors = {f"{param}.{name}": value.contiguous() for param, slots in state["state"].items()
               for name, value in slots.items() if isinstance(value, torch.Tensor)}
    scalars = {f"{param}.{name}": value for param, slots in state["state"].items()
               for name, value in slots.items() if not isinstance(value, torch.Tensor)}
    save_file(tensors, str(directory / "optimiser.safetensors"))
    (directory / "optimiser.json").write_text(json.dumps({"param_groups": state["param_groups"], "scalars": scalars}))


def load_optimiser(optimiser: torch.optim.Optimizer, directory: Path) -> bool:
    """Restore the state saved in ``directory``; False if there is none."""
    if not (directory / "optimiser.json").is_file():
        return False
    meta = json.loads((directory / "optimiser.json").read_text())
    slots: dict[int, dict] = {}
    for key, value in [*load_file(str(directory / "optimiser.safetensors")).items(), *meta["scalars"].items()]:
        param, name = key.split(".", 1)
        slots.setdefault(int(param), {})[name] = value
    optimiser.load_state_dict({"state": slots, "param_groups": meta["param_groups"]})
    return True
