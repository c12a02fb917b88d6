"""The monitor replayed over recorded clips, as it would watch them live.

Window scores (``training/anticipation.score``) judge a student on one window per clip. A
monitor decides many times per motion: after every frame it asks the student whether a failure
is coming, and a single alarm stops the motion. So a success clip costs a false alarm if *any*
alarm is raised in it, and a failure is caught only if the alarm comes before it happens.

The alarm: P(failure) at or above ``threshold`` for ``consecutive`` updates in a row (one
frame's spike does not stop a motion). The operating point is chosen on validation clips for
Youden's J, the rate of failures caught minus the rate of successes stopped: in a pick, a
caught failure turns a lost pick into another try and a false alarm turns a won pick into
one, so when a retry succeeds about as often as the first try, the monitor adds picks in
proportion to J. F1 would be the wrong aim here: an alarm on every clip scores well on it
when failures are common, and stops every pick.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ivfp_bt.models.anticipation import FailureAnticipator, failure_probability, monitor_window
from ivfp_bt.models.clip_window import batch
from ivfp_bt.training.clip_data import Clip

THRESHOLDS = tuple(float(round(t, 2)) for t in np.arange(0.05, 0.951, 0.05)) + (0.97, 0.99)
CONSECUTIVE = (1, 2, 3, 4)


@dataclass(frozen=True)
class Replay:
    """A live monitor's updates over one clip."""

    times: np.ndarray        # when each update was made
    p_failure: np.ndarray    # the student's P(failure) at each
    failed: bool
    moment: float            # when the failure happened (a success: the clip's end)

    def alarm(self, threshold: float, consecutive: int = 1) -> float | None:
        """When the monitor would have stopped the motion, or None."""
        run = 0
        for time, p in zip(self.times, self.p_failure):
            run = run + 1 if p >= threshold else 0
            if run >= consecutive:
                return float(time)
        return None


@torch.inference_mode()
def replay(model: FailureAnticipator, clip: Clip, min_frames: int = 2) -> Replay:
    """Every update a monitor with ``model`` makes while ``clip`` is recorded: one per frame,
    from the ``min_frames``-th on, each window ending ``ahead_s`` after its newest frame."""
    model.eval()
    updates = range(min(min_frames, len(clip.times)) - 1, len(clip.times))
    made = [monitor_window(model.config, clip.times[:k + 1], clip.rgb, clip.depth) for k in updates]
    p = torch.cat([failure_probability(model(batch(made[s:s + 32]))[0]) for s in range(0, len(made), 32)])
    return Replay(clip.times[list(updates)], p.numpy(), clip.failed, clip.moment)


def monitor_score(replays: list[Replay], threshold: float, consecutive: int = 1) -> dict[str, float]:
    """Clip-level scores of a monitor; FAILURE positive.

    A failure is caught if the alarm comes at or before it happens (``lead_s``: how long before,
    the median over caught failures); an alarm after it is ``late``. Any alarm in a success is a
    false alarm: it stops a motion that would have succeeded.
    """
    caught, leads, late, false_alarms = 0, [], 0, 0
    for r in replays:
        alarm = r.alarm(threshold, consecutive)
        if alarm is None:
            continue
        if not r.failed:
            false_alarms += 1
        elif alarm <= r.moment + 1e-6:
            caught, leads = caught + 1, leads + [r.moment - alarm]
        else:
            late += 1
    failures = sum(r.failed for r in replays)
    successes = len(replays) - failures
    precision, recall = caught / max(1, caught + false_alarms), caught / max(1, failures)
    false_alarm_rate = false_alarms / max(1, successes)
    return {"threshold": threshold, "consecutive": consecutive, "clips": len(replays), "failures": failures,
            "caught": caught, "late": late, "false_alarms": false_alarms, "precision": precision,
            "recall": recall, "false_alarm_rate": false_alarm_rate, "j": recall - false_alarm_rate,
            "f1": 2 * precision * recall / max(1e-9, precision + recall),
            "lead_s": float(np.median(leads)) if leads else 0.0}


def operating_point(replays: list[Replay], thresholds: tuple[float, ...] = THRESHOLDS,
                    consecutive: tuple[int, ...] = CONSECUTIVE) -> tuple[float, int]:
    """(threshold, consecutive) with the best J; of several as good, the one with fewest false
    alarms (the more cautious)."""
    scored = [monitor_score(replays, t, k) for k in consecutive for t in thresholds]
    best = max(scored, key=lambda m: (round(m["j"], 9), -m["false_alarms"], m["threshold"]))
    return best["threshold"], best["consecutive"]
