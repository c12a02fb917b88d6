"""What the anticipation networks see: a window of frames at a fixed period ending at a moment,
as one tensor per modality.

A window of F slots ends at time ``end``; slot k shows the newest frame recorded at or before
``end - (F - 1 - k) · period`` (the first frame where the clip does not reach back that far).
The teacher sees every slot of a window ending at the failure; the student's last ``blanks``
slots are blank (zeros in every modality), so its newest real frame is ``blanks · period``
before that moment: with the paper's 1 s period, 7 + 1 blank anticipates 1 s ahead and 6 + 2
blanks 2 s ahead. At run time the monitor's window ends ``blanks · period`` after now, so its
newest slot before the blanks is the frame just taken.
"""

from __future__ import annotations

import cv2
import numpy as np
import torch

from ivfp_bt.models.normalise import normalise
from ivfp_bt.models.optical_flow import sequence_flow

MODALITIES = ("rgb", "depth", "flow")
CHANNELS = {"rgb": 3, "depth": 1, "flow": 2}
DEPTH_MID_M, DEPTH_SPAN_M = 0.3, 0.2     # wrist depths are centred and scaled with these


def window_indices(times: np.ndarray, end: float, frames: int, period: float) -> np.ndarray:
    """The frame shown in each of ``frames`` slots of a window ending at ``end``."""
    slots = end - period * np.arange(frames - 1, -1, -1)
    index = np.searchsorted(times, slots + 1e-6, side="right") - 1
    return np.clip(index, 0, len(times) - 1)


def _resize(image: np.ndarray, size: int, nearest: bool = False) -> np.ndarray:
    if image.shape[0] == size and image.shape[1] == size:
        return image
    return cv2.resize(image, (size, size), interpolation=cv2.INTER_NEAREST if nearest else cv2.INTER_AREA)


def window_inputs(rgb: list[np.ndarray], depth: list[np.ndarray] | None, modalities: tuple[str, ...],
                  size: int, blanks: int = 0) -> dict[str, torch.Tensor]:
    """One window's frames (RGB uint8 H×W×3, depth metres H×W) → {modality: (F, C, size, size)},
    the last ``blanks`` slots zeroed."""
    colour = [_resize(np.asarray(f), size) for f in rgb]
    inputs: dict[str, torch.Tensor] = {}
    if "rgb" in modalities:
        inputs["rgb"] = normalise(torch.from_numpy(np.stack(colour)).permute(0, 3, 1, 2).float() / 255.0)
    if "depth" in modalities:
        if depth is None:
            raise ValueError("this model needs depth, and the clip has none")
        metres = np.stack([_resize(np.asarray(d, np.float32), size, nearest=True) for d in depth])
        inputs["depth"] = torch.from_numpy((np.clip(metres, 0.0, 1.0) - DEPTH_MID_M) / DEPTH_SPAN_M)[:, None]
    if "flow" in modalities:
        seen = len(colour) - blanks   # no flow into a blank slot
        flow = np.zeros((len(colour), 2, size, size), np.float32)
        if seen > 0:
            flow[:seen] = sequence_flow(colour[:seen])
        inputs["flow"] = torch.from_numpy(flow)
    if blanks:
        for tensor in inputs.values():
            tensor[-blanks:] = 0.0
    return inputs


def clip_window(times: np.ndarray, rgb: np.ndarray, depth: np.ndarray | None, end: float, frames: int,
                period: float, modalities: tuple[str, ...], size: int, blanks: int = 0) -> dict[str, torch.Tensor]:
    """The window ending at ``end`` of a recorded clip (arrays over its frames)."""
    index = window_indices(times, end, frames, period)
    return window_inputs([rgb[i] for i in index], None if depth is None else [depth[i] for i in index],
                         modalities, size, blanks)


def batch(windows: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    return {m: torch.stack([w[m] for w in windows]) for m in windows[0]}
