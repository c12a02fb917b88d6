"""The work-cell's side of picking in the simulation: which item is ordered next, and what
really happened (ground truth the robot itself never sees).

The executive asks for the next target before each pick; the sidecar stores the ground
truth; the oracle labeller answers from ``foresee``: it plays the extraction forward on a
copy of the physics and puts everything back, so a label can be given after the probe
without extracting (as the paper's people did, watching the probe).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from contextlib import AbstractContextManager

import numpy as np

from ivfp_bt.pick.motion_plan import extract_plan, grasp_plan, probe_plan
from ivfp_bt.pick.plan_runner import run_to_end
from ivfp_bt.sim.failure_kind import LYING_DEG, GraspTrace, failure_kind, tilt_deg
from ivfp_bt.sim.failure_watch import FailureWatch
from ivfp_bt.sim.oracle import Judgement, inside_bin, judge
from ivfp_bt.sim.orders import choose_order
from ivfp_bt.sim.reach_rule import in_reach
from ivfp_bt.sim.restow import stand_up_lying
from ivfp_bt.sim.rewind import rewound
from ivfp_bt.sim.sim_robot import SimRobot
from ivfp_bt.sim.tote import take_away_dropped

MIN_TARGET_PIXELS = 150      # an item this visible in the head camera can be ordered
DEFAULT_PACE_S = 0.1         # robot seconds per tick of the executive at its default 10 Hz


class SimWorkCell:
    def __init__(self, robot: SimRobot):
        self.robot = robot
        self.picks = 0
        self.ordered: Counter[int] = Counter()       # how often each item was ordered in this bin
        self.in_bin_before: set[int] | None = None   # what was in the bin when this pick began
        self.watch: FailureWatch | None = None        # while a clip is recorded
        self.gripper_body = robot.model.body("link_gripper").id
        # robot seconds between the steps of whoever drives the robot (the executive's tick): the
        # futures foreseen are played at the same pace, because a motion's stages start, and its
        # timeouts are checked, on those steps, and a marginal grasp turns out differently at another
        self.pace = DEFAULT_PACE_S

    def context(self) -> dict:
        """What identifies the current pick: scene, seed, object set, the target."""
        scene = self.robot.scene
        return {"scene_version": scene.config.version, "seed": scene.seed, "objects": scene.objects,
                "pick": self.picks, "target": scene.target, "target_type": scene.target_item.type_name,
                "items": [item.type_name for item in scene.items],
                # how far the target leans from standing as packed (90: lying on its side)
                "target_tilt_deg": round(self.tilt_deg(scene.target), 1)}

    def tilt_deg(self, index: int) -> float:
        """How far an item leans from standing as packed (90: lying on its side)."""
        return tilt_deg(self.robot, index)

    def next_pick(self, rng: np.random.Generator) -> dict | None:
        """Order the next item: one still in the bin, reachable from the front and visible.
        Items not ordered yet come first (an item a pick failed on stays in the bin, and is
        ordered again only when nothing new can be, and on scenes that cap it, at most
        ``max_orders`` times in all: a trial measures many items, not the hardest one many
        times). The first pick keeps the scene's own target. None when the bin has nothing
        left to order."""
        if self.picks > 0 and self.robot.scene.config.tote:
            take_away_dropped(self.robot)
        restowed = stand_up_lying(self.robot) if self.picks > 0 and self.robot.scene.config.restow else []
        if self.picks > 0:
            reachable = self.reachable()
            cap = self.robot.scene.config.max_orders
            choices = ([i for i in reachable if i not in self.ordered] or
                       [i for i in reachable if not cap or self.ordered[i] < cap])
            if not choices:
                return None
            names = [item.type_name for item in self.robot.scene.items]
            target = choose_order(rng, choices, names, self.robot.scene.config.order_by)
            self.robot.scene = dataclasses.replace(self.robot.scene, target=target)
        self.ordered[self.robot.scene.target] += 1
        self.picks += 1
        self.in_bin_before = {i for i in range(len(self.robot.scene.items)) if inside_bin(self.robot, i)}
        return {**self.context(), "restowed": len(restowed)} if restowed else self.context()

    def reachable(self) -> list[int]:
        robot, items = self.robot, self.robot.scene.items
        inside = [i for i in range(len(items)) if inside_bin(robot, i)]
        orderable = [i for i in inside if robot.scene.config.order_lying or self.tilt_deg(i) <= LYING_DEG]
        pos = {i: robot.data.xpos[robot.item_bodies[i]] for i in inside}
        half = {i: items[i].item_type.extents[0] / 2 for i in inside}
        # how far each item reaches toward the robot: its front face, or (bin-v1, bin-v2) its centre,
        # which hides a deep item behind a shallow neighbour whose front is level with its own
        front = {i: pos[i][1] + (items[i].item_type.extents[1] / 2 if robot.scene.config.cover_by_front else 0.0)
                 for i in inside}
        clear = in_reach(orderable, front, {i: pos[i][0] for i in inside}, half, robot.scene.config)
        _, _, bodies = robot.cameras.head()
        return [i for i in clear if np.count_nonzero(bodies == robot.item_bodies[i]) >= MIN_TARGET_PIXELS]

    def judge(self) -> Judgement:
        return judge(self.robot, self.in_bin_before)

    def start_watch(self) -> None:
        """Begin watching for the moment of a failure (a clip's recording started)."""
        before = self.in_bin_before if self.in_bin_before is not None else set(range(len(self.robot.scene.items)))
        self.watch = FailureWatch(self.robot, set(before))
        self.watch.sample()

    def watch_step(self) -> None:
        if self.watch is not None:
            self.watch.sample()

    def failure_moment(self) -> dict:
        """When and how the pick failed, judged as the scene stands now (the clip has ended)."""
        if self.watch is None:
            return {}
        moment = self.watch.moment(self.judge())
        self.watch = None
        return moment

    def rewound(self) -> AbstractContextManager[None]:
        """Whatever the robot does inside is undone after: the simulation is left exactly as it was."""
        return rewound(self.robot)

    def foresee(self) -> Judgement:
        """The outcome extracting now would have, leaving the simulation exactly as it was."""
        with self.rewound():
            run_to_end(self.robot, extract_plan(), self.pace)
            return judge(self.robot, self.in_bin_before)

    def foresee_grasp(self, tool_point: np.ndarray, width: float) -> Judgement | None:
        """The outcome a whole attempt (grasp, probe, extraction) at ``tool_point`` with pre-grasp
        aperture ``width`` would have, with how it failed (``kind``), leaving the simulation exactly
        as it was; None when the grasp or the probe would not complete (a finger stalls against a
        neighbour; the probe cannot set the item down again), where a tree's pick gives up."""
        robot = self.robot
        with self.rewound():
            if run_to_end(robot, grasp_plan(tool_point, width), self.pace).reason:
                return None
            trace = GraspTrace(robot, self.gripper_body)
            trace.sample()
            if run_to_end(robot, probe_plan(), self.pace, trace.sample).reason:
                return None
            run_to_end(robot, extract_plan(), self.pace, trace.sample)
            trace.sample(force=True)
            judgement = judge(robot, self.in_bin_before)
            return dataclasses.replace(judgement, kind=failure_kind(judgement, trace))
