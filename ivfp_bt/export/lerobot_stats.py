"""Feature statistics as LeRobot v3.0 keeps them (``meta/stats.json`` and each episode's ``stats/...``).

Each numeric feature gets min, max, mean, std, count and the quantiles q01, q10,
q50, q90, q99, per dimension. Images and videos get them per channel, shaped
(3, 1, 1) and scaled to [0, 1]; their count is the number of frames. Images are
thinned to about 150 pixels a side first, as LeRobot does.
"""

from __future__ import annotations

import numpy as np

QUANTILES = (0.01, 0.10, 0.50, 0.90, 0.99)
IMAGE_SIDE = 150


def _columns(data: np.ndarray) -> dict[str, np.ndarray]:
    """min, max, mean, std and the quantiles of each column of ``data`` (rows are samples)."""
    stats = {"min": data.min(0), "max": data.max(0), "mean": data.mean(0), "std": data.std(0)}
    stats.update({f"q{int(q * 100):02d}": np.quantile(data, q, axis=0) for q in QUANTILES})
    return stats


def vector_stats(values: np.ndarray) -> dict[str, list]:
    """Stats of an (N,) or (N, D) array, per dimension."""
    data = np.asarray(values, dtype=np.float64).reshape(len(values), -1)
    return {**{key: value.tolist() for key, value in _columns(data).items()}, "count": [len(data)]}


def image_stats(frames: np.ndarray, repeats: int = 1) -> dict[str, list]:
    """Per-channel stats of (N, H, W, 3) uint8 frames, in [0, 1]; ``repeats``: how many frames each stands for."""
    step = max(1, max(frames.shape[1:3]) // IMAGE_SIDE)
    pixels = frames[:, ::step, ::step].reshape(-1, frames.shape[-1]).astype(np.float64) / 255.0
    return {**{key: value.reshape(-1, 1, 1).tolist() for key, value in _columns(pixels).items()},
            "count": [len(frames) * repeats]}


def flat(stats: dict[str, dict[str, list]]) -> dict[str, list]:
    """``{feature: {stat: value}}`` as the episode table's ``stats/feature/stat`` columns."""
    return {f"stats/{feature}/{key}": value for feature, group in stats.items() for key, value in group.items()}
