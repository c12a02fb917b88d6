"""The versions that decide results, and whether the installed ones are the pinned ones.

MuJoCo's contact solver, the robot model's meshes, the model code in transformers and the
numerics under them all change what a simulated pick does or what a model predicts: a bin
that MuJoCo 3.17 lets the gripper extract can stay in the bin under 4.0. ivfp-bt pins them
exactly (setup.cfg); every run, evaluation and trained model records the installed versions,
and a mismatch is reported instead of silently measured.
"""

from __future__ import annotations

import importlib.metadata
import platform
import re

# the distributions whose version changes outcomes (physics, robot model, models, image processing)
DECISIVE = ("mujoco", "hello-robot-stretch-urdf", "torch", "transformers", "numpy", "opencv-python-headless",
            "py-trees")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed() -> dict[str, str]:
    """The installed version of each decisive distribution ("missing" when it is not installed)."""
    found = {}
    for name in DECISIVE:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "missing"
    return found


def listed(found: dict[str, str] | None = None) -> str:
    """``"mujoco 3.17.0, torch 2.13.0+cpu, ..."``: ``found`` (default: the installed ones) as text."""
    return ", ".join(f"{name} {version}" for name, version in (found or installed()).items())


def pinned() -> dict[str, str]:
    """The exact versions ivfp-bt's own metadata pins (``name==version``), by distribution."""
    try:
        requirements = importlib.metadata.requires("ivfp-bt") or []
    except importlib.metadata.PackageNotFoundError:   # run from a checkout that was never installed
        return {}
    pins = {}
    for requirement in requirements:
        match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*==\s*([^;,\s]+)\s*", requirement)
        if match:
            pins[_normal(match.group(1))] = match.group(2)
    return pins


def mismatches() -> list[str]:
    """``"mujoco 4.0.1 (ivfp-bt pins 3.17.0)"`` for each decisive distribution that is not as pinned."""
    pins = pinned()
    out = []
    for name, version in installed().items():
        want = pins.get(_normal(name))
        if want is not None and version.split("+")[0] != want.split("+")[0]:
            out.append(f"{name} {version} (ivfp-bt pins {want})")
    return out


def record() -> dict[str, object]:
    """What to store beside a result: Python, the decisive versions, and any mismatch."""
    return {"python": platform.python_version(), "packages": installed(), "mismatches": mismatches()}


def warning() -> str:
    """One line for the user when the installed versions are not the pinned ones; "" when they are."""
    found = mismatches()
    if not found:
        return ""
    return ("warning: " + ", ".join(found) + " installed: simulated outcomes and model outputs may differ from "
            "the documented figures (pip install -e . restores the pinned versions)")
