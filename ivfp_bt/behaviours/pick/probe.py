"""Probe: the lift-and-pull probe (interactive perception), recording the wrist video and,
for each of its frames, the joint positions (the robot's state, for datasets such as LeRobot's)."""

from __future__ import annotations

from typing import Any

import numpy as np
import py_trees
from py_trees.ports import PortInformation

from ivfp_bt.behaviours.pick.plan_leaf import PlanLeaf
from ivfp_bt.params import Param
from ivfp_bt.pick.motion_plan import Plan, probe_plan

Status = py_trees.common.Status


def joints_at(times: list[float], samples: list[tuple[float, dict[str, float]]]) -> tuple[list[str], np.ndarray]:
    """Joint positions at ``times`` (frame times), interpolated between the ``samples`` taken each tick."""
    names = sorted(samples[0][1])
    sample_times = np.array([time for time, _ in samples])
    values = np.array([[joints[name] for name in names] for _, joints in samples])
    return names, np.stack([np.interp(times, sample_times, values[:, j]) for j in range(len(names))],
                           axis=1).astype(np.float32)


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
        self._joint_samples: list[tuple[float, dict[str, float]]] = []

    def make_plan(self) -> Plan:
        self.robot.wrist_camera.start_recording(self.rate_hz)
        self.recording = True
        self._joint_samples = [self._joints()]
        return probe_plan(self.passive)

    def _joints(self) -> tuple[float, dict[str, float]]:
        status = self.robot.status()
        return status.time, dict(status.joints)

    def update(self) -> Status:
        if self.recording:
            self._joint_samples.append(self._joints())
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
        if video:
            names, joints = joints_at([frame.time for frame in video], self._joint_samples)
            self.record.update({"probe_joints": joints, "probe_joint_names": names})
        return status

    def terminate(self, new_status: Status) -> None:
        if self.recording:
            self.robot.wrist_camera.stop_recording()
            self.recording = False
        super().terminate(new_status)
