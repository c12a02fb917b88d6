"""`--device auto|cpu|cuda`, shared by the commands that run models (train, run, eval)."""

from __future__ import annotations

import argparse

from ivfp_bt.models import device


def add_device_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--device", choices=device.CHOICES, default="auto",
                   help="where models compute: auto (default: cuda when a GPU is at hand, else cpu), cpu, or "
                   "cuda (bfloat16 mixed precision)")


def apply_device(args: argparse.Namespace) -> str:
    """Make ``args.device`` this command's device, and its worker processes'; the resolved name."""
    return device.use(getattr(args, "device", "auto"))
