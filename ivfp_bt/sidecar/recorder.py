"""The sidecar logger: a py_trees visitor that sees every ticked node and logs attempts.

Finished attempts go to a background writer, so storage does not stall the tick; only as a
pick begins does it wait for the writes so far, and before each grasp it checks that writes
succeed and the disk has room, so the robot never makes an attempt that cannot be kept. An
attempt starts when a leaf that starts attempts (ExecuteGrasp) finishes, and ends when the
next one starts or the pick ends. What came before a grasp since the pick's last look
(Observe, ProposeGrasps) goes into each attempt made from that look: a tree that looks again
before a retry logs each grasp with the image it was chosen on. In the simulation, the
ground truth (judged by ``PickTruth`` when an extraction finishes, a visitor that runs before
this one) is stored with the attempt, the outcome is foreseen when a probe finishes, and
while a leaf that records a clip runs (WATCH_FAILURE) the simulator watches for the moment a
failure happens. A leaf a Parallel stops (INVALID) leaves its record in ``stopped_record``;
it is logged when that Parallel finishes.
"""

from __future__ import annotations

from typing import Any

import py_trees

from ivfp_bt.display.shape import node_path
from ivfp_bt.sidecar.attempt_builder import AttemptBuilder
from ivfp_bt.sidecar.writer import BackgroundWriter

Status = py_trees.common.Status
FINISHED = (Status.SUCCESS, Status.FAILURE)


class SidecarRecorder(py_trees.visitors.VisitorBase):
    def __init__(self, writer: BackgroundWriter, clock, work_cell: Any = None, truth: Any = None):
        super().__init__(full=False)   # only the nodes ticked, in tick order
        self.writer, self.clock, self.work_cell, self.truth = writer, clock, work_cell, truth
        self.tick = 0
        self.context: dict[str, Any] = {}
        self.pick_records: dict[str, Any] = {}
        self.attempt: AttemptBuilder | None = None
        self.pending: list[tuple[int, float, str, str]] = []
        self._last: dict[Any, Status] = {}
        self._grasp_started = 0.0
        self.pick_attempts = 0
        self.looked_again = False     # a look since the open attempt's grasp: the next one's context

    def begin_pick(self, context: dict[str, Any]) -> None:
        """A pick begins: everything before it must be stored (``StorageError`` stops the run
        before the robot moves again)."""
        self.writer.check()
        self.context, self.pick_records = dict(context), {}
        self.pick_attempts = 0
        self.looked_again = False

    def initialise(self) -> None:
        self.tick += 1

    def run(self, behaviour: py_trees.behaviour.Behaviour) -> None:
        status = behaviour.status
        starts_attempt = getattr(behaviour, "STARTS_ATTEMPT", False)
        was = self._last.get(behaviour.id)
        if was != status or status in FINISHED:
            if starts_attempt and was is not Status.RUNNING:
                self._grasp_started = self.clock()   # the attempt began when its grasp did
                self.writer.check(wait=False)        # no grasp the disk has no room to record
            self._last[behaviour.id] = status
            self.pending.append((self.tick, self.clock(), node_path(behaviour), status.value))
        if getattr(behaviour, "WATCH_FAILURE", False) and status is Status.RUNNING and self.work_cell is not None:
            if was is Status.RUNNING and self.work_cell.watch is not None:
                self.work_cell.watch_step()
            else:
                self.work_cell.start_watch()
        if status in FINISHED and behaviour.children:
            self._stopped_records(behaviour)
        record = getattr(behaviour, "record", None)
        if status not in FINISHED or record is None:
            return
        if getattr(behaviour, "STARTS_LOOK", False) and self.attempt is not None:
            self.pick_records, self.looked_again = {}, True
        if starts_attempt:
            self._close()
            self.pick_attempts += 1
            self.attempt = AttemptBuilder(self.context, self.pick_records, self._grasp_started)
            self.looked_again = False
        in_attempt = self.attempt is not None and not self.looked_again
        (self.attempt.values if in_attempt else self.pick_records).update(record)
        if in_attempt and self.work_cell is not None:
            if getattr(behaviour, "JUDGE_AFTER", False) and self.truth is not None:
                judgement = self.truth.judgement
                self.attempt.add({"outcome": judgement.outcome.value, "removed": list(judgement.removed),
                                  "held": list(judgement.held)})
            elif getattr(behaviour, "FORESEE_AFTER", False):
                self.attempt.add({"foreseen_outcome": self.work_cell.foresee().outcome.value})
            if getattr(behaviour, "WATCH_FAILURE", False):
                self._watched(status)

    def _stopped_records(self, composite: py_trees.behaviour.Behaviour) -> None:
        """Log what leaves under a finished composite left when they were stopped."""
        for node in composite.iterate():
            record = getattr(node, "stopped_record", None)
            if record is None:
                continue
            node.stopped_record = None
            self._last[node.id] = Status.INVALID
            if self.attempt is not None:
                self.attempt.add(record)
                if self.work_cell is not None and getattr(node, "WATCH_FAILURE", False):
                    self._watched(Status.SUCCESS)

    def _watched(self, status: Status) -> None:
        """A watched clip ended: when the failure happened, or, when the leaf stopped the motion
        (FAILURE), what would have happened had it gone on."""
        if status is Status.FAILURE:
            self.work_cell.watch = None
            self.attempt.add({"foreseen_outcome": self.work_cell.foresee().outcome.value})
        else:
            self.attempt.add(self.work_cell.failure_moment())

    def end_pick(self, status: Status, number: int, outcome: str | None = None) -> None:
        """The root finished: the pick's last attempt is complete, and the pick is counted."""
        if self.attempt is not None:
            self.attempt.add({"pick_result": status.value})
        self._close()
        self.writer.submit_pick(number, status.value, outcome)

    def _close(self) -> None:
        if self.attempt is None:
            return
        self.attempt.transitions = self.pending
        self.pending = []
        self.writer.submit(self.attempt.build(self.clock()))
        self.attempt = None

    def close(self) -> None:
        self._close()
        self.writer.close()
