"""Publishes a running tree to the page: called after every tick on the tree's thread.

Each tick it compares every node's status with what the pages last saw and publishes the
change (at most every ``min_interval_s``, and always the last one); it redraws the head
image when the observation or the grasps on the blackboard change, makes a filmstrip of each
new probe video, and adds a point to the probability plot whenever a leaf logs one.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import py_trees
from py_trees.behaviour import Behaviour

from ivfp_bt.display.shape import preorder, tree_nodes
from ivfp_bt.pick.candidates import GraspCandidate, NoTarget, centroid_candidates
from ivfp_bt.robot.interface import RGBDFrame, TimedFrame
from ivfp_bt.web.blackboard_view import blackboard_view
from ivfp_bt.web.hub import LiveHub
from ivfp_bt.web.pictures import filmstrip, head_picture, jpeg

PROBABILITY_FIELDS = ("classifier_p_success", "monitor_p_failure")   # numbers leaves log that the page plots
HOUR_S = 3600.0


class LiveFeed:
    def __init__(self, hub: LiveHub, root: Behaviour, tree_file: str, min_interval_s: float = 0.05):
        self.hub, self.min_interval_s = hub, min_interval_s
        self.nodes = list(preorder(root))
        self.started = time.monotonic()
        self.tick = 0
        self._sent: tuple = ()
        self._sent_at = 0.0
        self._seen: dict[str, tuple] = {}        # blackboard value identities already drawn
        self._records: dict[int, int] = {}
        hub.publish({"type": "tree", "file": tree_file, "nodes": tree_nodes(root)})
        hub.publish({"type": "run", "state": "running", "file": tree_file})

    def ticked(self, tree: py_trees.trees.BehaviourTree, summary: Any) -> None:
        self.tick += 1
        storage = py_trees.blackboard.Blackboard.storage
        self._pictures(storage)
        self._probabilities()
        statuses = tuple(node.status.value for node in self.nodes)
        feedback = {i: node.feedback_message for i, node in enumerate(self.nodes)
                    if node.feedback_message and node.status != py_trees.common.Status.INVALID}
        now = time.monotonic()
        state = (statuses, tuple(sorted(feedback.items())), summary.picks)
        if state != self._sent and now - self._sent_at >= self.min_interval_s:
            self._publish_tick(statuses, feedback, storage, summary)
            self._sent, self._sent_at = state, now

    def ended(self, summary: Any) -> None:
        storage = py_trees.blackboard.Blackboard.storage
        self._publish_tick(tuple(node.status.value for node in self.nodes), {}, storage, summary)
        self.hub.publish({"type": "run", "state": "ended", "line": summary.line()})

    def _publish_tick(self, statuses: tuple, feedback: dict, storage: dict, summary: Any) -> None:
        self.hub.publish({"type": "tick", "tick": self.tick, "statuses": list(statuses), "feedback": feedback,
                          "blackboard": blackboard_view(storage), "counters": self._counters(summary)})

    def _counters(self, summary: Any) -> dict[str, Any]:
        hours = max(time.monotonic() - self.started, 1e-6) / HOUR_S
        operator = self.hub.operator
        teleop = dict(operator.counts) if operator is not None else {}
        interventions = sum(bool(entry.get("intervention")) for entry in summary.pick_log) + teleop.get("resets", 0)
        counters = {"picks": summary.picks, "succeeded": summary.succeeded, "interventions": interventions,
                    "picks_per_h": summary.picks / hours, "interventions_per_h": interventions / hours,
                    "elapsed_s": hours * HOUR_S}
        if operator is not None:
            counters.update(demonstrations=teleop["demonstrations"], labels=teleop["labels"],
                            labels_per_h=teleop["labels"] / hours, successes=teleop["successes"])
        return counters

    def _pictures(self, storage: dict[str, Any]) -> None:
        frame, candidates, grasp, video = _latest(storage)
        if frame is not None and self._changed("head", (id(frame), id(candidates), id(grasp), len(candidates or ()))):
            chosen = grasp.to_record() if grasp is not None else None
            picture = head_picture(frame.color, frame.target_mask, [c.to_record() for c in candidates or []], chosen)
            height, width = frame.depth.shape
            self.hub.put_picture("head", jpeg(picture), width=width, height=height, target=_target_hint(frame))
        if video is not None and self._changed("probe", (id(video), len(video))):
            strip = filmstrip(np.stack([f.image for f in video]))
            seconds = video[-1].time - video[0].time
            self.hub.put_picture("probe", jpeg(strip), frames=len(video), seconds=round(seconds, 3))

    def _probabilities(self) -> None:
        for node in self.nodes:
            record = getattr(node, "record", None)
            if not record or self._records.get(id(node)) == id(record):
                continue
            self._records[id(node)] = id(record)
            for name in PROBABILITY_FIELDS:
                if name in record:
                    point = {"t": round(time.monotonic() - self.started, 3), "name": name,
                             "value": float(record[name]), "node": node.name}
                    self.hub.publish({"type": "probability", "point": point})

    def _changed(self, name: str, identity: tuple) -> bool:
        if self._seen.get(name) == identity:
            return False
        self._seen[name] = identity
        return True


def _latest(storage: dict[str, Any]) -> tuple:
    """The blackboard's (last) frame, candidate list, chosen grasp and probe video, None where absent."""
    frame = candidates = grasp = video = None
    for value in storage.values():
        if isinstance(value, RGBDFrame):
            frame = value
        elif isinstance(value, GraspCandidate):
            grasp = value
        elif isinstance(value, list) and value and isinstance(value[0], GraspCandidate):
            candidates = value
        elif isinstance(value, list) and value and isinstance(value[0], TimedFrame):
            video = value
    return frame, candidates, grasp, video


def _target_hint(frame: RGBDFrame) -> list[int] | None:
    """Where a click surely lands on the target: the Centroid baseline's grasp pixel."""
    try:
        best = centroid_candidates(frame, 1)[0]
    except NoTarget:
        return None
    return [best.u, best.v]
