"""Recorded clips (``ivfp-bt collect clips``) as training data for the anticipation networks.

Each clip is an attempt's wrist-camera frames over the probe and the extraction, its ground
truth (failed or not) and its moment: when the failure happened, or for a success the end of
the clip. Attempts where a monitor stopped the motion are left out: their outcome was changed
by the monitor itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ivfp_bt.sidecar.dataset import chosen_attempts


@dataclass
class Clip:
    run: str
    times: np.ndarray           # (T,) seconds
    rgb: np.ndarray             # (T, S, S, 3) uint8
    depth: np.ndarray | None    # (T, S, S) float16 metres
    failed: bool
    moment: float               # the failure's time, or the clip's end for a success
    kind: str | None            # how it failed (sim/failure_watch.py)

    @property
    def start(self) -> float:
        return float(self.times[0])

    @property
    def end(self) -> float:
        return float(self.times[-1])


def _recorded(record: dict) -> bool | None:
    has_truth = record.get("outcome") is not None
    return True if "clip_rate_hz" in record and has_truth and record.get("monitor_fired_at") is None else None


def load_clips(run_dirs: list[Path], report: Callable[[int, int], None] = lambda done, total: None) -> list[Clip]:
    clips = []
    with chosen_attempts(run_dirs, _recorded) as chosen:
        for i, (store, attempt, record, _) in enumerate(chosen):
            arrays = store.arrays(attempt, ("clip_times", "clip_rgb", "clip_depth"))
            if "clip_times" in arrays:
                times = arrays["clip_times"]
                failed = record["outcome"] != "success"
                moment = record.get("failure_time")
                moment = float(times[-1]) if moment is None else float(np.clip(moment, times[0], times[-1]))
                clips.append(Clip(str(store.dir), times, arrays["clip_rgb"], arrays.get("clip_depth"), failed,
                                  moment, record.get("failure_kind")))
            report(i + 1, len(chosen))
    return clips


def summarise_clips(run_dirs: list[Path]) -> str:
    """One line: how many clips, how they failed, how long they are and when failures come."""
    counts: Counter = Counter()
    lengths, into = [], []
    with chosen_attempts(run_dirs, _recorded) as chosen:
        for store, attempt, record, _ in chosen:
            times = store.arrays(attempt, ("clip_times",)).get("clip_times")
            if times is None:
                continue
            counts[record.get("failure_kind") or ("success" if record["outcome"] == "success" else "failed")] += 1
            lengths.append(times[-1] - times[0])
            if record.get("failure_time") is not None:
                into.append(record["failure_time"] - times[0])
    total = sum(counts.values())
    if not total:
        return "no clips"
    kinds = ", ".join(f"{name} {n}" for name, n in sorted(counts.items()) if name != "success")
    return (f"{total} clips: {counts['success']} success, {total - counts['success']} failure ({kinds}); "
            f"median length {np.median(lengths):.1f} s" +
            (f", failures a median {np.median(into):.1f} s in" if into else ""))
