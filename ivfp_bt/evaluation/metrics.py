"""The paper's figures from trial results: success rate, units per hour, interventions per hour,
and how picks failed. A pick's success is the simulator's ground truth after extraction, not
what the tree believed; a pick the tree gave up on without extracting is ``gave_up``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ivfp_bt.evaluation.trials import TrialResult

MODES = ("success", "fail_multipick", "fail_not_picked", "fail_wrong_item", "gave_up")


@dataclass
class StrategyMetrics:
    tree: str
    picks: int = 0
    successes: int = 0
    interventions: int = 0
    robot_s: float = 0.0
    compute_s: float = 0.0
    trials: int = 0
    faults: list[str] = field(default_factory=list)
    modes: Counter = field(default_factory=Counter)

    @property
    def success_rate(self) -> float:
        return self.successes / self.picks if self.picks else 0.0

    @property
    def hours(self) -> float:
        return (self.robot_s + self.compute_s) / 3600.0

    @property
    def units_per_hour(self) -> float:
        return self.successes / self.hours if self.hours > 0 else 0.0

    @property
    def interventions_per_hour(self) -> float:
        return self.interventions / self.hours if self.hours > 0 else 0.0


def summarise(tree: str, results: list[TrialResult]) -> StrategyMetrics:
    m = StrategyMetrics(tree)
    for result in results:
        m.trials += 1
        m.robot_s += result.robot_s
        m.compute_s += result.compute_s
        if result.fault:
            m.faults.append(f"seed {result.spec.seed}: {result.fault}")
        for pick in result.pick_log:
            outcome = pick.get("outcome") or "gave_up"
            m.picks += 1
            m.successes += outcome == "success"
            m.interventions += bool(pick.get("intervention"))
            m.modes[outcome] += 1
    return m
