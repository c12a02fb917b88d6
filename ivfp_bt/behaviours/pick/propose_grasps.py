"""ProposeGrasps: candidate grasps (width, u, v) on the target, ranked by a strategy."""

from __future__ import annotations

import math
from typing import Any

import py_trees
from py_trees.ports import NoDataAvailable, PortInformation

from ivfp_bt.behaviours.leaf import Leaf
from ivfp_bt.errors import UserError
from ivfp_bt.params import Param
from ivfp_bt.pick.candidates import NoTarget, centroid_candidates, random_candidates
from ivfp_bt.pick.policy_candidates import policy_candidates

Status = py_trees.common.Status
STRATEGIES = ("centroid", "random", "policy", "demonstrator")


class ProposeGrasps(Leaf):
    """Rank `count` grasp candidates on the target by `strategy` into `candidates`; FAILURE if no target."""

    PARAMS = {
        "strategy": Param(str, "centroid", "centroid: the mask's centre; random: uniform over the mask; "
                          "policy: the learned grasp policy; demonstrator: a person's (a scripted one in the simulation)",
                          choices=STRATEGIES),
        "count": Param(int, 1, "how many candidates, best first", min=1),
        "model": Param(str, "models/grasp_policy", "policy strategy: directory of the trained grasp policy; a "
                       "relative path is looked up in the working directory, then in the ivfp-bt checkout"),
        "foresight": Param(int, 0, "demonstrator strategy: how many of its ideas the demonstrator weighs before "
                           "showing one (the simulated one plays them forward in a copy of the physics; a "
                           "person at the web page judges by eye and ignores this)", min=0, max=20),
        "first_idea": Param(str, "click", "demonstrator strategy: its first idea, a person's click near the top of "
                            "the face or Centroid's grasp (a foresight picker that audits Centroid: "
                            "bench/work_cell_ceiling.py)", choices=("click", "centroid")),
        "sample": Param(bool, False, "policy strategy: draw candidates from the policy's distribution "
                        "(exploration, for RL collection) instead of ranking its most probable"),
        "temperature": Param(float, 1.0, "policy strategy with sample: draw from π tempered, softmax(log π / "
                             "temperature); below 1 the draws stay nearer the policy's best grasps",
                             min=0.05, max=10.0),
        "shortlist": Param(int, 0, "policy strategy with sample: draw among the policy's `shortlist` best-ranked "
                           "grasps (π^(1/temperature) renormalised over them) instead of over the whole target; "
                           "all of them become the candidates, the drawn one first (RL that reorders the grasps a "
                           "ranked pick tries); 0: off", min=0, max=20),
        "avoid_px": Param(int, 15, "with `avoid` wired: leave out candidates within this many head-image pixels "
                          "of a grasp already tried on this item (any width)", min=0),
    }
    INPUT_PORTS = {"observation": PortInformation(object, required=True, description="from Observe"),
                   "avoid": PortInformation(list, required=False,
                                            description="grasps already tried on this item (NextCandidate's `tried`)")}
    OUTPUT_PORTS = {"candidates": PortInformation(list, required=True, description="GraspCandidate list")}

    def setup(self, **resources: Any) -> None:
        super().setup(**resources)
        self.rng = resources.get("rng")
        if self.strategy == "policy":
            from ivfp_bt.models.checkpoints import shared_policy
            self.policy = shared_policy(self.model)    # a missing model is a UserError here, before any motion
        if self.shortlist and (self.strategy != "policy" or not self.sample or "avoid" in self.port_keys):
            raise UserError(f"leaf {self.name!r}: shortlist needs strategy: policy and sample: true, and no avoid")
        self.demonstrator = resources.get("demonstrator")
        if self.strategy == "demonstrator" and self.demonstrator is None:
            raise UserError(f"leaf {self.name!r}: on the robot, demonstrations come from a person at the web "
                            "page: run with --teleop")

    def initialise(self) -> None:
        self.record = {}
        self.demonstrated: list = []

    def terminate(self, new_status: Status) -> None:
        demonstrator = getattr(self, "demonstrator", None)
        if new_status == Status.INVALID and self.strategy == "demonstrator" and hasattr(demonstrator, "cancel"):
            demonstrator.cancel("grasp")

    def update(self) -> Status:
        try:
            frame = self.get_input("observation")
        except NoDataAvailable:
            self.feedback_message = "no observation yet"
            return Status.FAILURE
        avoid = self._avoided()
        try:
            found = self._propose(frame, avoid)
        except NoTarget as error:
            self.feedback_message = str(error)
            self.record = {"failure": f"{self.name}: {error}"}
            return Status.FAILURE
        if found is None:
            self.feedback_message = "waiting for a demonstration"
            return Status.RUNNING
        if avoid and self.strategy != "demonstrator":
            found = [c for c in found if not self._near(c, avoid)][:self.count]
            if not found:
                self.feedback_message = f"every candidate lies within {self.avoid_px} px of a grasp already tried"
                self.record = {"failure": f"{self.name}: {self.feedback_message}"}
                return Status.FAILURE
        self._set_output("candidates", list(found))
        self.record = {"candidates": [c.to_record() for c in found], "strategy": self.strategy}
        if self.shortlist:
            self.record["shortlist"] = len(found)    # the grasp drawn among the candidates (the first)
        if getattr(self.demonstrator, "foreseen", None) and self.strategy == "demonstrator":
            self.record["demonstrator_foresaw"] = list(self.demonstrator.foreseen)   # its ideas, in order
            self.record["demonstrator_foresaw_kinds"] = list(self.demonstrator.foreseen_kinds)   # how each failed
        self.feedback_message = f"{len(found)} candidate(s)"
        return Status.SUCCESS

    def _propose(self, frame: Any, avoid: list) -> list | None:
        """The strategy's candidates; None while a person is still demonstrating."""
        # enough spaced candidates that `count` remain once those near the tried grasps are left out
        count = self.count + 6 * len(avoid)
        if self.strategy == "centroid":
            return centroid_candidates(frame, count)
        if self.strategy == "random":
            return random_candidates(frame, self.rng, count)
        if self.strategy == "policy":
            return policy_candidates(self.policy, frame, count, self.rng if self.sample else None, self.temperature,
                                     self.shortlist)
        return self._demonstrations(frame)

    def _avoided(self) -> list:
        if "avoid" not in self.port_keys:
            return []
        try:
            return list(self.get_input("avoid"))
        except NoDataAvailable:
            return []

    def _near(self, candidate: Any, avoid: list) -> bool:
        return any(math.hypot(candidate.u - a.u, candidate.v - a.v) <= self.avoid_px for a in avoid)

    def _demonstrations(self, frame: Any) -> list | None:
        """``count`` demonstrated grasps, or None while a person is still giving them."""
        while len(self.demonstrated) < self.count:
            grasp = self.demonstrator.demonstrate(frame, foresight=self.foresight, first=self.first_idea)
            if grasp is None:
                return None
            self.demonstrated.append(grasp)
        return self.demonstrated
