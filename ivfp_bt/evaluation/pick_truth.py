"""What really happened in each pick, where the robot's work-cell knows (the simulation).

The tree only believes: an extraction that dragged the item over the lip and dropped it
still ends in SUCCESS, and a pick whose item was extracted can end in FAILURE when a motion
after the drop fails. ``PickTruth`` is a py_trees visitor that asks the work-cell for the
ground truth whenever a leaf marked ``JUDGE_AFTER`` (Extract) finishes; the executive reads
it when the pick ends, and the sidecar stores it with the attempt.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import py_trees

FINISHED = (py_trees.common.Status.SUCCESS, py_trees.common.Status.FAILURE)
GAVE_UP = "gave_up"   # the pick ended without an extraction


class PickTruth(py_trees.visitors.VisitorBase):
    def __init__(self, work_cell: Any):
        super().__init__(full=False)
        self.work_cell = work_cell
        self.judgement = None   # the latest extraction's, in the current pick

    def begin_pick(self) -> None:
        self.judgement = None

    def run(self, behaviour: py_trees.behaviour.Behaviour) -> None:
        if getattr(behaviour, "JUDGE_AFTER", False) and behaviour.status in FINISHED:
            self.judgement = self.work_cell.judge()

    @property
    def outcome(self) -> str:
        """The pick's outcome so far: an Outcome's value, or ``gave_up``."""
        return self.judgement.outcome.value if self.judgement is not None else GAVE_UP


def truth_counts(outcomes: list[str]) -> str:
    """``"1 picked; 2 not: 1 fail_not_picked, 1 gave_up"`` for a run's outcomes."""
    counts = Counter(outcomes)
    picked = counts.pop("success", 0)
    failed = ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))
    return f"{picked} picked; {sum(counts.values())} not" + (f": {failed}" if failed else "")
