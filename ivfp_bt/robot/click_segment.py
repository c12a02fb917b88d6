"""The item under a click on the head camera's RGB-D image, as a mask.

A person marks the target by clicking it on the web page (``--target click``). The item is
grown from the clicked pixel over pixels of similar colour, and never across a step in depth
(neighbouring items in a packed bin meet there) or into pixels without depth.
"""

from __future__ import annotations

import cv2
import numpy as np

DEPTH_STEP_M = 0.012        # neighbours further apart than this are on different surfaces
COLOUR_STEP = 20            # Lab units per channel between neighbours (chosen on sim seeds 0-11)
MIN_PIXELS = 40
MAX_SHARE = 0.25            # a region larger than this share of the image is the bin, not an item


class NoItemThere(ValueError):
    """The click did not land on one item; the message says why."""


def segment_from_click(color: np.ndarray, depth: np.ndarray, u: int, v: int) -> np.ndarray:
    h, w = depth.shape
    if not (0 <= u < w and 0 <= v < h):
        raise NoItemThere(f"({u}, {v}) is outside the {w}x{h} image")
    if not depth[v, u] > 0:
        raise NoItemThere("the camera measured no depth there")
    barrier = np.zeros((h + 2, w + 2), np.uint8)            # floodFill's mask: non-zero blocks the fill
    barrier[1:-1, 1:-1] = _depth_edges(depth)
    barrier[v + 1, u + 1] = 0
    lab = cv2.cvtColor(np.ascontiguousarray(color), cv2.COLOR_RGB2LAB)
    step = (COLOUR_STEP,) * 3
    cv2.floodFill(lab, barrier, (u, v), (0, 0, 0), step, step, 4 | cv2.FLOODFILL_MASK_ONLY | (2 << 8))
    mask = barrier[1:-1, 1:-1] == 2
    mask = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8)).astype(bool)
    if mask.sum() < MIN_PIXELS:
        raise NoItemThere(f"only {int(mask.sum())} pixels there look like one item: click its middle")
    if mask.mean() > MAX_SHARE:
        raise NoItemThere("the region there is most of the image: click on an item, not the bin")
    return mask


def _depth_edges(depth: np.ndarray) -> np.ndarray:
    """1 where a pixel has no depth or differs from a 4-neighbour by more than a step."""
    edges = depth <= 0
    dy = np.abs(np.diff(depth, axis=0)) > DEPTH_STEP_M
    dx = np.abs(np.diff(depth, axis=1)) > DEPTH_STEP_M
    edges[1:] |= dy
    edges[:-1] |= dy
    edges[:, 1:] |= dx
    edges[:, :-1] |= dx
    return edges.astype(np.uint8)
