"""Where the robot learns which item to pick: the target mask on the head camera's image.

The paper's observation is the RGB-D image and the target's mask. In the simulation the scene
knows the target; on a robot something must say: a mask image per pick (``--target FILE.png``
or a directory of them, taken in order), or a plugin, ``--target module:function``, called with
each head frame (a warehouse system's detector), returning a boolean mask or None.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable, Protocol

import cv2
import numpy as np

from ivfp_bt.errors import UserError
from ivfp_bt.robot.interface import RGBDFrame

MaskAndNote = tuple[np.ndarray | None, str]


class TargetSource(Protocol):
    def mask(self, frame: RGBDFrame) -> MaskAndNote:
        """The target's pixels in ``frame`` (None if not known), and why there are none."""


class MaskFiles:
    """Mask images: non-zero pixels are the target. A directory's PNGs are used in name order,
    one per look; the last stays in use once they run out."""

    def __init__(self, path: str | Path):
        path = Path(path)
        files = sorted(path.glob("*.png")) if path.is_dir() else [path]
        if not files or not files[0].is_file():
            raise UserError(f"{path}: no target mask there (a PNG, or a directory of PNGs)")
        self.files, self.used = files, 0

    def mask(self, frame: RGBDFrame) -> MaskAndNote:
        file = self.files[min(self.used, len(self.files) - 1)]
        self.used += 1
        image = cv2.imread(str(file), cv2.IMREAD_GRAYSCALE)
        if image is None:
            raise UserError(f"{file}: not an image")
        if image.shape != frame.depth.shape:
            raise UserError(f"{file}: the mask is {image.shape[1]}x{image.shape[0]} but the head camera's "
                            f"images are {frame.depth.shape[1]}x{frame.depth.shape[0]}")
        mask = image > 0
        return mask, "" if mask.any() else f"{file} marks no pixel"


class PluginTarget:
    """``module:function``; the function takes an RGBDFrame and returns a mask or None."""

    def __init__(self, spec: str):
        module_name, _, name = spec.partition(":")
        try:
            module = importlib.import_module(module_name)
            self.function: Callable[[RGBDFrame], np.ndarray | None] = getattr(module, name)
        except (ImportError, AttributeError, ValueError) as e:
            raise UserError(f"--target {spec}: cannot load the target plugin ({e})") from None
        self.spec = spec

    def mask(self, frame: RGBDFrame) -> MaskAndNote:
        mask = self.function(frame)
        if mask is None:
            return None, f"the target plugin {self.spec} found no target"
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != frame.depth.shape:
            raise UserError(f"the target plugin {self.spec} returned a {mask.shape} mask for "
                            f"{frame.depth.shape} images")
        return mask, "" if mask.any() else f"the target plugin {self.spec} marked no pixel"


def target_source(spec: str | None) -> TargetSource | None:
    """``--target``'s value as a source: a module:function plugin, or a mask file or directory."""
    if not spec:
        return None
    if ":" in spec and not Path(spec).exists():
        return PluginTarget(spec)
    return MaskFiles(spec)
