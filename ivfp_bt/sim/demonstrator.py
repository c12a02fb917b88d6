"""A scripted demonstrator for stage 1: it sees the target's true pose, as a person at the
teleop page sees the bin, and clicks near the middle of its front face, with a person's
scatter. Its grasps succeed often, not always.

With ``foresight`` it also judges its grasps before showing one, as an experienced person
does by eye: it plays up to that many of its ideas forward in a copy of the physics (the
first the usual click, the others elsewhere on the face and at other widths) and shows the
first that would succeed, or its first idea when none would. Every idea keeps the click's
scatter, so what it shows is what it foresaw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ivfp_bt.pick.candidates import (MAX_WIDTH, WIDTH_MARGIN, GraspCandidate, candidate_at, centroid_candidates,
                                    target_pixels, target_top, width_at)
from ivfp_bt.pick.motion_plan import grasp_tool_point
from ivfp_bt.robot.interface import RGBDFrame
from ivfp_bt.robot.limits import CommandRefused
from ivfp_bt.sim.oracle import Outcome

if TYPE_CHECKING:
    from ivfp_bt.sim.work_cell import SimWorkCell

CLICK_SCATTER_M = 0.008     # a person's click lands this far (1 sigma) from where they meant
WIDTH_SCATTER_M = 0.005
OTHER_IDEAS_MARGIN = (0.005, 0.035)   # later ideas open this much wider than the item


@dataclass(frozen=True)
class IdeaSpread:
    """Where a person's later ideas go on an item: up to ``x`` of its width off its middle, over
    ``height`` (fractions of its height), opened to all of it or to the part they aim at; drawn
    independently, or ``stratified`` so that n ideas cover each of the position, the height and
    the margin in n even steps (a Latin hypercube: no two ideas at the same height by chance)."""
    x: float
    height: tuple[float, float]
    to_part: bool
    stratified: bool = False


# by item catalogue: blocks (bin-v1, bin-v2) need no more; bin-v3's necks, handles and the body
# below a toy's wings are further out and lower, and narrower than the whole item
SPREADS = {"v1": IdeaSpread(0.3, (0.4, 1.0), False), "v3": IdeaSpread(0.45, (0.25, 1.0), True, stratified=True)}


class SimDemonstrator:
    def __init__(self, work_cell: "SimWorkCell", rng: np.random.Generator):
        self.work_cell, self.rng = work_cell, rng
        self.foreseen: list[str] = []     # the last demonstration's ideas, as foreseen
        self.foreseen_kinds: list[str] = []   # how each would have failed ("" for a success)

    def demonstrate(self, frame: RGBDFrame, foresight: int = 0, first: str = "click") -> GraspCandidate:
        """A demonstrated grasp; with ``foresight`` > 0, the first of that many ideas that the
        simulator foresees succeeding (the first idea when none does). The first idea is a
        person's click, or with ``first="centroid"`` the Centroid baseline's grasp."""
        n = max(1, foresight)
        draws = self._draws(n - 1)
        ideas = [self._idea(frame, i == 0, None if i == 0 or draws is None else draws[i - 1]) for i in range(n)]
        if first == "centroid":
            ideas[0] = centroid_candidates(frame)[0]
        self.foreseen, self.foreseen_kinds = [], []
        if foresight <= 0:
            return ideas[0]
        top = target_top(frame)
        for idea in ideas:
            # the tool point ExecuteGrasp would use with its defaults
            try:
                judgement = self.work_cell.foresee_grasp(grasp_tool_point(np.array(idea.point), top=top), idea.width)
            except CommandRefused:     # the robot would refuse it too (outside the workspace): not an option
                self.foreseen.append("refused")
                self.foreseen_kinds.append("refused")
                continue
            self.foreseen.append("stall" if judgement is None else judgement.outcome.value)
            self.foreseen_kinds.append("stall" if judgement is None else judgement.kind)
            if judgement is not None and judgement.outcome is Outcome.SUCCESS:
                return idea
        return ideas[0]

    def _draws(self, n: int) -> np.ndarray | None:
        """Stratified draws in [0, 1) for the later ideas' (position, height, margin), one row each;
        None where each idea draws its own (bin-v1's and bin-v2's order, so their demonstrations reproduce)."""
        if not SPREADS[self.work_cell.robot.scene.config.catalogue].stratified:
            return None
        steps = np.stack([self.rng.permutation(n) for _ in range(3)], axis=1)
        return (steps + self.rng.uniform(size=(n, 3))) / max(n, 1)

    def _idea(self, frame: RGBDFrame, first: bool, draw: np.ndarray | None = None) -> GraspCandidate:
        robot = self.work_cell.robot
        spread = SPREADS[robot.scene.config.catalogue]
        target = robot.scene.target_item
        width, depth, height = target.item_type.extents
        x, y, _ = robot.data.xpos[robot.item_bodies[robot.scene.target]]
        bottom = robot.scene.config.bin_floor_z
        if first:   # the middle of the front face, a little below the top
            meant = np.array([x, y + depth / 2, bottom + max(0.6 * height, height - 0.03)])
            margin = WIDTH_MARGIN
        else:
            if draw is None:
                draw = self.rng.uniform(size=3)
            off = (-spread.x + 2 * spread.x * draw[0]) * width   # as rng.uniform(-x, x) draws it
            low, high = spread.height
            meant = np.array([x + off, y + depth / 2, bottom + (low + draw[1] * (high - low)) * height])
            margin = OTHER_IDEAS_MARGIN[0] + draw[2] * (OTHER_IDEAS_MARGIN[1] - OTHER_IDEAS_MARGIN[0])
        aimed = meant + self.rng.normal(0.0, CLICK_SCATTER_M, 3) * np.array([1.0, 0.0, 1.0])
        u, v = _project(frame, aimed)
        rows, cols = target_pixels(frame)
        nearest = int(np.argmin((rows - v) ** 2 + (cols - u) ** 2))
        u, v = int(cols[nearest]), int(rows[nearest])
        seen = width_at(frame, u, v) - WIDTH_MARGIN if spread.to_part and not first else width
        chosen_width = float(np.clip(seen + margin + self.rng.normal(0.0, WIDTH_SCATTER_M), 0.02, MAX_WIDTH))
        return candidate_at(frame, u, v, 1.0, width=chosen_width)


def _project(frame: RGBDFrame, point: np.ndarray) -> tuple[float, float]:
    in_camera = np.linalg.inv(frame.camera_pose) @ np.append(point, 1.0)
    k = frame.intrinsics
    return k.fx * in_camera[0] / in_camera[2] + k.cx, k.fy * in_camera[1] / in_camera[2] + k.cy
