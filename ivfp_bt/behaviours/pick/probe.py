"""Probe: the lift-and-pull probe (interactive perception), recording the wrist video."""

from __future__ import annotations

from typing import Any

import py_trees
from py_trees.ports import PortInformation

from ivfp_bt.behaviours.pick.plan_leaf import PlanLeaf
from ivfp_bt.params import Param
from ivfp_bt.pick.motion_plan import Plan, probe_plan

Status = py_trees.common.Status


class Probe(PlanLeaf):
    """Run the reference probe (or hold still if `passive`), recording `duration` seconds of wrist video."""

    PARAMS = {
        "duration": Param(float, 2.0, "seconds of video from the start of the probe (the paper: 0.5-2.0)",
                          min=0.1, max=10.0),
        "rate_hz": Param(float, 8.0, "wrist camera frames per second", min=0.5, max=30.0),
        "passive": Param(bool, False, "record without moving (the ablation's passive observation)"),
    }
    FORESEE_AFTER = True   # the sidecar stores what extracting would give, where known
    OUTPUT_PORTS = {"video": PortInformation(list, required=True, description="TimedFrame list")}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.recording = False

    def make_plan(self) -> Plan:
        self.robot.wrist_camera.start_recording(self.rate_hz)
        self.recording = True
        return probe_plan(self.passive)

    def update(self) -> Status:
        if self.recording and self.robot.now() - self._started >= self.duration - 1e-9:
            self._stop_recording()
        status = super().update()
        if status is Status.RUNNING or not self.recording:
            return status
        # the motion ended before the recording window did: keep recording, holding still
        return Status.RUNNING if status is Status.SUCCESS else self._stop_recording(status)

    def _stop_recording(self, status: Status | None = None) -> Status | None:
        frames = self.robot.wrist_camera.stop_recording()
        self.recording = False
        video = [f for f in frames if f.time - self._started <= self.duration + 1e-6]
        self._set_output("video", video)
        self.record.update({"probe_video": video, "probe_duration": self.duration, "probe_passive": self.passive})
        return status

    def terminate(self, new_status: Status) -> None:
        if self.recording:
            self.robot.wrist_camera.stop_recording()
            self.recording = False
        super().terminate(new_status)
