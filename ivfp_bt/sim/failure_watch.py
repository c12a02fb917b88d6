"""When a pick failed, not just whether: the simulator watches the target and its neighbours
while a clip is recorded, and afterwards names the moment the failure happened.

The moments the second paper's student learns to anticipate:
- ``slipped``: the target was held and then was not (it slid out of the fingers);
- ``missed``: the target was never held at all (the failure is there from the first frame);
- ``neighbour_left``: an item other than the target left the bin (dragged out with it);
- ``dropped``: the pick failed with none of these seen (held to the end, but resting on the lip).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ivfp_bt.sim.oracle import Judgement, Outcome, held_items, inside_bin

if TYPE_CHECKING:
    from ivfp_bt.sim.world import SimWorld


@dataclass
class Sample:
    time: float
    target_held: bool
    others_out: bool


@dataclass
class FailureWatch:
    world: "SimWorld"
    in_bin_before: set[int]
    samples: list[Sample] = field(default_factory=list)

    def sample(self) -> None:
        world, target = self.world, self.world.scene.target
        others_out = any(i != target and not inside_bin(world, i) for i in self.in_bin_before)
        self.samples.append(Sample(world.now(), target in held_items(world), others_out))

    def moment(self, judgement: Judgement) -> dict:
        """The failure's time and kind for a pick judged as ``judgement`` (none for a success)."""
        if judgement.outcome is Outcome.SUCCESS or not self.samples:
            return {"failure_time": None, "failure_kind": None}
        time, kind = self._first_sign(judgement.outcome)
        return {"failure_time": round(time, 3), "failure_kind": kind}

    def _first_sign(self, outcome: Outcome) -> tuple[float, str]:
        samples = self.samples
        if outcome in (Outcome.FAIL_MULTIPICK, Outcome.FAIL_WRONG_ITEM):
            left = next((s for s in samples if s.others_out), None)
            if left is not None:
                return left.time, "neighbour_left"
        held = [i for i, s in enumerate(samples) if s.target_held]
        if not held:
            return samples[0].time, "missed"
        if held[-1] + 1 < len(samples):
            return samples[held[-1] + 1].time, "slipped"
        return samples[-1].time, "dropped"
