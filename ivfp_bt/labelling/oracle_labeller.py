"""A simulated labeller: answers from the simulator's ground truth, wrong at a set rate.

People label probes well but not perfectly (the paper: 96% for IVFP labels); a wrong
answer here is one of the other labels, drawn from the run's seeded generator.
"""

from __future__ import annotations

import numpy as np

from ivfp_bt.sim.oracle import Outcome
from ivfp_bt.sim.work_cell import SimWorkCell

LABELS = tuple(o.value for o in Outcome)


class OracleLabeller:
    def __init__(self, work_cell: SimWorkCell, rng: np.random.Generator):
        self.work_cell, self.rng = work_cell, rng

    def label(self, accuracy: float) -> str:
        truth = self.work_cell.foresee().outcome.value
        if self.rng.random() < accuracy:
            return truth
        return str(self.rng.choice([label for label in LABELS if label != truth]))
