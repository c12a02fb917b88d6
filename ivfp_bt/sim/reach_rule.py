"""Which items in a bin an order may go to: those the gripper can reach straight in from the front.

An item is covered when another stands in front of it (its front face more than 2 cm ahead)
within the corridor an opened gripper needs beside it; and on scenes that set ``order_depth``,
an item whose front stands deeper than that past the lip is left for a person, as the gripper's
body would follow its fingers in among the neighbours. The scene generator applies the rule to
the packed bin (the first order), the work-cell to the bin as it stands (every later one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ivfp_bt.sim.scene_config import SceneConfig

AHEAD = 0.02    # m: a front this much nearer the robot than an item's own stands in its way


def in_reach(candidates: Iterable[int], fronts: Mapping[int, float], xs: Mapping[int, float],
             halves: Mapping[int, float], config: SceneConfig) -> list[int]:
    """The ``candidates`` an order may go to, given each item's front (base y, nearer the robot is
    larger), centre across the bin (base x) and half its width, for every item in the bin."""
    def covered(i: int) -> bool:
        return any(fronts[j] > fronts[i] + AHEAD and abs(xs[j] - xs[i]) < halves[i] + halves[j] + config.corridor
                   for j in fronts if j != i)

    def too_deep(i: int) -> bool:
        return bool(config.order_depth) and config.bin_front_y - fronts[i] > config.order_depth

    return [i for i in candidates if not covered(i) and not too_deep(i)]
