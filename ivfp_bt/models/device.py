"""Where models compute: the CPU, or a CUDA GPU with bfloat16 mixed precision.

`--device auto|cpu|cuda` names it once per command; it travels to worker processes in
``IVFP_BT_DEVICE``. On the CPU nothing changes: same kernels, same float32, same results.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import torch
from torch import nn

from ivfp_bt.errors import UserError

ENV = "IVFP_BT_DEVICE"
CHOICES = ("auto", "cpu", "cuda")


def resolve(name: str) -> str:
    """``auto`` is CUDA where a GPU is at hand, else the CPU; ``cuda`` without one is a UserError."""
    if name not in CHOICES:
        raise UserError(f"--device is one of {', '.join(CHOICES)}, not {name!r}")
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise UserError("--device cuda: this torch sees no CUDA GPU (torch.cuda.is_available() is False); "
                        "use --device cpu, or install a CUDA build of torch on a machine with a GPU")
    return name


def use(name: str) -> str:
    """Make ``name`` this process's (and its workers') device; returns the resolved one."""
    chosen = resolve(name)
    os.environ[ENV] = chosen
    return chosen


def current() -> torch.device:
    """The device chosen for this process (the CPU unless --device said otherwise)."""
    return torch.device(os.environ.get(ENV) or "cpu")


def of(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def to(on: torch.device, *tensors: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """``tensors`` on ``on`` (no copy where they are there already, as on the CPU)."""
    return tuple(tensor.to(on) for tensor in tensors)


@contextlib.contextmanager
def precision(device: torch.device) -> Iterator[None]:
    """bfloat16 autocast on CUDA (no loss scaling needed); nothing on the CPU."""
    if device.type == "cuda":
        with torch.autocast("cuda", dtype=torch.bfloat16):
            yield
    else:
        yield
