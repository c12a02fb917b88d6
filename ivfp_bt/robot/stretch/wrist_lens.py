"""The wrist camera's image turned into the probe view the models learned from.

The simulated wrist camera (ivfp_bt.sim.cameras) gives an equidistant fisheye: 224x224 pixels,
the image circle spanning 120 degrees, radius in proportion to the angle off the axis. A real
UVC camera has a lens of its own; with its OpenCV fisheye calibration (``cv2.fisheye.calibrate``:
K and D), every output pixel's ray is projected through that lens, so a real probe video looks
as the classifier and the monitor expect. A lens file (YAML):

    image_size: [640, 480]                  # width, height the calibration was made at
    K: [[fx, 0, cx], [0, fy, cy], [0, 0, 1]]
    D: [k1, k2, k3, k4]                     # OpenCV's fisheye model
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import yaml

from ivfp_bt.errors import UserError

PROBE_SIZE = 224
PROBE_FOV_DEG = 120.0       # ivfp_bt.sim.cell_model.WRIST_FOVY_DEG
LARGEST_ANGLE = 1.55        # rad: rays this far off the axis are past any fisheye's edge


@dataclass(frozen=True)
class WristLens:
    K: np.ndarray
    D: np.ndarray
    image_size: tuple[int, int]

    @classmethod
    def load(cls, path: str | Path) -> "WristLens":
        path = Path(path)
        try:
            raw = yaml.safe_load(path.read_text())
            K = np.array(raw["K"], dtype=np.float64).reshape(3, 3)
            D = np.array(raw["D"], dtype=np.float64).reshape(4)
            width, height = (int(v) for v in raw["image_size"])
        except OSError as e:
            raise UserError(f"{path}: cannot read the wrist camera's lens file: {e.strerror}") from None
        except (yaml.YAMLError, KeyError, TypeError, ValueError) as e:
            raise UserError(f"{path}: a lens file needs image_size: [w, h], K (3x3) and D (4 numbers) ({e})") from None
        return cls(K, D, (width, height))

    def maps(self, size: int = PROBE_SIZE, fov_deg: float = PROBE_FOV_DEG) -> tuple[np.ndarray, np.ndarray]:
        """cv2.remap maps from this camera's image to the equidistant probe view."""
        centre = (size - 1) / 2
        v, u = np.mgrid[0:size, 0:size].astype(np.float64)
        dx, dy = u - centre, v - centre
        theta = np.hypot(dx, dy) / (size / 2) * math.radians(fov_deg) / 2
        phi = np.arctan2(dy, dx)
        radius = np.tan(np.minimum(theta, LARGEST_ANGLE))      # the ray on the z = 1 plane
        ideal = np.stack([radius * np.cos(phi), radius * np.sin(phi)], axis=-1).reshape(-1, 1, 2)
        pixels = cv2.fisheye.distortPoints(ideal, self.K, self.D).reshape(size, size, 2).astype(np.float32)
        outside = theta > math.radians(fov_deg) / 2
        pixels[outside] = -1                                   # black outside the image circle
        return pixels[..., 0], pixels[..., 1]

    def probe_view(self, image_bgr: np.ndarray, maps: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        h, w = image_bgr.shape[:2]
        if (w, h) != self.image_size:
            raise UserError(f"the wrist camera sends {w}x{h} images but its lens was calibrated at "
                            f"{self.image_size[0]}x{self.image_size[1]}")
        view = cv2.remap(image_bgr, *maps, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                         borderValue=0)
        return cv2.cvtColor(view, cv2.COLOR_BGR2RGB)
