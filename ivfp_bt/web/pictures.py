"""What the page shows as pictures: the head image with the target and grasps drawn on it, and a
probe video as one filmstrip JPEG (frames side by side), which the page steps through."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

FILM_FRAME_PX = 112        # each filmstrip frame, square
JPEG_QUALITY = 85
TARGET = (255, 214, 0)     # RGB
CANDIDATE = (0, 200, 255)
CHOSEN = (255, 60, 60)


def jpeg(rgb: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise ValueError("could not encode a JPEG")
    return data.tobytes()


def head_picture(rgb: np.ndarray, mask: np.ndarray | None, candidates: Sequence[dict] = (),
                 chosen: dict | None = None) -> np.ndarray:
    """The head image with the target's outline, each candidate (dots, the first largest) and the
    chosen grasp (a cross). Candidates and the grasp are logged records (dicts with ``u`` and ``v``)."""
    picture = np.ascontiguousarray(rgb.copy())
    if mask is not None and mask.any():
        contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        cv2.drawContours(picture, contours, -1, TARGET, 2, cv2.LINE_AA)
    for rank, candidate in enumerate(candidates):
        cv2.circle(picture, (int(candidate["u"]), int(candidate["v"])), max(2, 5 - rank), CANDIDATE, -1, cv2.LINE_AA)
    if chosen is not None:
        cv2.drawMarker(picture, (int(chosen["u"]), int(chosen["v"])), CHOSEN, cv2.MARKER_CROSS, 14, 2, cv2.LINE_AA)
    return picture


def filmstrip(frames: np.ndarray) -> np.ndarray:
    """(T, H, W, 3) frames as one (FILM_FRAME_PX, T * FILM_FRAME_PX, 3) image."""
    small = [cv2.resize(frame, (FILM_FRAME_PX, FILM_FRAME_PX), interpolation=cv2.INTER_AREA) for frame in frames]
    return np.concatenate(small, axis=1)
