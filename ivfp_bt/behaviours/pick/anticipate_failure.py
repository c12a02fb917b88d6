"""AnticipateFailure: the second paper's monitor. Beside a motion in a Parallel, it watches the
wrist camera and fails as soon as the student network foresees a failure, which stops the
motion so the tree's fallback can put the item back and try again."""

from __future__ import annotations

from typing import Any

import numpy as np
import py_trees

from ivfp_bt.behaviours.pick.record_clip import RecordClip
from ivfp_bt.params import Param

Status = py_trees.common.Status


class AnticipateFailure(RecordClip):
    """Watch the wrist camera with the student network; FAILURE once P(failure) >= `threshold` for `consecutive`
    updates in a row, else RUNNING until stopped."""

    PARAMS = {
        "rate_hz": RecordClip.PARAMS["rate_hz"],   # frame size and depth follow the model
        "model": Param(str, "models/anticipation/student_1s", "directory of the trained student (ivfp-bt train "
                       "anticipation); relative paths as for ClassifyGrasp"),
        "threshold": Param(float, 0.0, "least P(failure) that stops the motion; 0: the model's own, calibrated in "
                           "training on whole clips replayed (alarm_threshold in its config.json)", min=0.0, max=1.0),
        "consecutive": Param(int, 0, "updates in a row at or above the threshold that make an alarm; 0: the "
                             "model's own (alarm_consecutive)", min=0, max=64),
        "min_frames": Param(int, 2, "frames seen before the monitor may decide", min=1, max=64),
    }

    def setup(self, **resources: Any) -> None:
        from ivfp_bt.models.checkpoints import shared_anticipator
        self.network = shared_anticipator(self.model)     # a missing model is a UserError here, before any motion
        config = self.network.config
        self.depth, self.size = "depth" in config.modalities, config.image_size   # what the network needs, no more
        self.stop_at = self.threshold or config.alarm_threshold
        self.in_a_row = self.consecutive or config.alarm_consecutive
        super().setup(**resources)

    def initialise(self) -> None:
        super().initialise()
        self.updates: list[list[float]] = []
        self.above = 0   # updates in a row at or above the threshold

    def update(self) -> Status:
        if not self.take_frame():
            return Status.RUNNING
        p = self.p_failure()
        now = self.frames[-1].time
        self.updates.append([round(now, 3), round(p, 4)])
        if len(self.frames) >= self.min_frames:
            self.above = self.above + 1 if p >= self.stop_at else 0
        fired = self.above >= self.in_a_row
        # a new dict per update, so watchers see each one
        self.record = {"monitor_p_failure": round(p, 4), "monitor_threshold": self.stop_at,
                       "monitor_consecutive": self.in_a_row,
                       "monitor_updates": list(self.updates), "monitor_fired_at": round(now, 3) if fired else None,
                       "monitor_ahead_s": self.network.config.ahead_s}
        if not fired:
            self.feedback_message = f"P(failure) {p:.2f} after {len(self.frames)} frames"
            return Status.RUNNING
        self.feedback_message = f"P(failure) {p:.2f} >= {self.stop_at:g}: stop"
        self.record.update(self.clip_record())
        return Status.FAILURE

    def p_failure(self) -> float:
        from ivfp_bt.models.anticipation import p_failure_now
        times = np.array([f.time for f in self.frames])
        depth = [f.depth for f in self.frames] if self.depth else None
        return p_failure_now(self.network, times, [f.image for f in self.frames], depth)
