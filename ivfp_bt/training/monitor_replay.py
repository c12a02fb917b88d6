"""The monitor replayed over recorded clips, as it would watch them live.

Window scores (``training/anticipation.score``) judge a student on one window per clip. A
monitor decides many times per motion: after every frame it asks the student whether a failure
is coming, and a single alarm stops the motion. So a success clip costs a false alarm if *any*
update passes the threshold, and a failure is caught only if an update passes it before the
failure happens. This module scores that, and picks the threshold that serves best on the
validation clips; ``AnticipateFailure`` uses it unless a tree sets its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ivfp_bt.models.anticipation import FailureAnticipator, failure_probability
from ivfp_bt.models.clip_window import batch, clip_window
from ivfp_bt.training.clip_data import Clip

THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.05, 0.951, 0.05)) + (0.97, 0.99)


@dataclass(frozen=True)
class Replay:
    """A live monitor's updates over one clip."""

    times: np.ndarray        # when each update was made
    p_failure: np.ndarray    # the student's P(failure) at each
    failed: bool
    moment: float            # when the failure happened (a success: the clip's end)

    def alarm(self, threshold: float) -> float | None:
        """When the monitor would have stopped the motion, or None."""
        above = np.nonzero(self.p_failure >= threshold)[0]
        return float(self.times[above[0]]) if len(above) else None


@torch.inference_mode()
def replay(model: FailureAnticipator, clip: Clip, min_frames: int = 2) -> Replay:
    """Every update a monitor with ``model`` makes while ``clip`` is recorded: one per frame,
    from the ``min_frames``-th on, each window ending ``ahead_s`` after its newest frame."""
    config = model.config
    model.eval()
    updates = range(min(min_frames, len(clip.times)) - 1, len(clip.times))
    made = [clip_window(clip.times[:k + 1], clip.rgb, clip.depth, float(clip.times[k]) + config.ahead_s,
                        config.num_frames, config.frame_period_s, tuple(config.modalities), config.image_size,
                        config.blank_frames) for k in updates]
    p = torch.cat([failure_probability(model(batch(made[s:s + 32]))[0]) for s in range(0, len(made), 32)])
    return Replay(clip.times[list(updates)], p.numpy(), clip.failed, clip.moment)


def monitor_score(replays: list[Replay], threshold: float) -> dict[str, float]:
    """Clip-level precision and recall of a monitor with ``threshold``; FAILURE positive.

    A failure is caught if the alarm comes at or before it happens (``lead_s``: how long before,
    the median over caught failures); an alarm after it is ``late``. Any alarm in a success is a
    false alarm: it stops a motion that would have succeeded.
    """
    caught, leads, late, false_alarms = 0, [], 0, 0
    for r in replays:
        alarm = r.alarm(threshold)
        if alarm is None:
            continue
        if not r.failed:
            false_alarms += 1
        elif alarm <= r.moment + 1e-6:
            caught, leads = caught + 1, leads + [r.moment - alarm]
        else:
            late += 1
    failures = sum(r.failed for r in replays)
    precision, recall = caught / max(1, caught + false_alarms), caught / max(1, failures)
    return {"threshold": threshold, "clips": len(replays), "failures": failures, "caught": caught, "late": late,
            "false_alarms": false_alarms, "precision": precision, "recall": recall,
            "f1": 2 * precision * recall / max(1e-9, precision + recall),
            "lead_s": float(np.median(leads)) if leads else 0.0}


def best_threshold(replays: list[Replay], thresholds: tuple[float, ...] = THRESHOLDS) -> float:
    """The threshold with the best clip-level F1; of several as good, the middle one (the widest
    margin either way)."""
    f1 = np.array([monitor_score(replays, t)["f1"] for t in thresholds])
    best = [t for t, value in zip(thresholds, f1) if value >= f1.max() - 1e-9]
    return best[len(best) // 2]
