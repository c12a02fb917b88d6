"""The person at the web page as the tree's demonstrator and labeller (the first paper's stage 1),
and as the one who marks the item to pick on a robot (``--target click``).

Leaves call ``demonstrate`` and ``label`` on every tick, from the tree's thread; the first
call posts a request to the page and returns None (the leaf keeps RUNNING), and a later call
returns the answer once the page has given one. Answers arrive on the server's thread and are
checked there, so a refused click moves nothing and the person can click again.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ivfp_bt.pick.candidates import GraspCandidate
from ivfp_bt.pick.teleop_click import ClickRefused, grasp_from_click
from ivfp_bt.robot.click_segment import NoItemThere, segment_from_click
from ivfp_bt.robot.interface import RGBDFrame
from ivfp_bt.robot.limits import Workspace

LABELS = ("success", "fail_multipick", "fail_not_picked", "fail_wrong_item", "ignore")


@dataclass
class Request:
    id: int
    kind: str                          # "grasp", "label" or "target"
    frame: RGBDFrame | None = None
    answer: Any = None


class TeleopOperator:
    def __init__(self, notify: Callable[[dict], None] = lambda message: None,
                 show: Callable[[RGBDFrame], None] = lambda frame: None):
        """``show`` puts a frame a question is about on the page (the head image to click)."""
        self.notify, self.show = notify, show
        self.workspace: Workspace | None = None
        self.started = time.monotonic()
        self.counts = {"demonstrations": 0, "labels": 0, "successes": 0, "resets": 0}
        self._ids = itertools.count(1)
        self._request: Request | None = None
        self._lock = threading.Lock()

    def attach(self, workspace: Workspace) -> None:
        """The workspace clicks are checked against (the robot's, once the run has one)."""
        self.workspace = workspace

    # -- the tree's side ------------------------------------------------------------------
    def demonstrate(self, frame: RGBDFrame, foresight: int = 0, first: str = "click") -> GraspCandidate | None:
        """A person's grasp; ``foresight`` and ``first`` are the simulated demonstrator's: a person judges by eye."""
        return self._ask("grasp", frame)

    def label(self, accuracy: float) -> str | None:
        """A person's label; ``accuracy`` is the simulated labeller's and means nothing here."""
        return self._ask("label", None)

    def ask_target(self, frame: RGBDFrame) -> Any:
        """The target's mask once a person has clicked it on ``frame``; None until then."""
        return self._ask("target", frame)

    def cancel(self, kind: str) -> None:
        """The leaf that asks for ``kind`` was stopped: forget its question."""
        with self._lock:
            dropped = self._request if self._request is not None and self._request.kind == kind else None
            if dropped is not None:
                self._request = None
        if dropped is not None:
            self.notify({"type": "request", "request": None})

    def _ask(self, kind: str, frame: RGBDFrame | None) -> Any:
        with self._lock:
            request = self._request
            if request is not None and request.kind == kind and request.answer is not None:
                self._request = None
                return request.answer
            if request is not None and request.kind == kind:
                return None
            self._request = Request(next(self._ids), kind, frame)
            posted = self.pending()
        if kind == "target":
            self.show(frame)
        self.notify({"type": "request", "request": posted})
        return None

    # -- the page's side ------------------------------------------------------------------
    def pending(self) -> dict | None:
        """The open question, as the page shows it."""
        request = self._request
        if request is None or request.answer is not None:
            return None
        return {"id": request.id, "kind": request.kind, "labels": list(LABELS)}

    def answer_grasp(self, request_id: int, u: float, v: float, width: float) -> GraspCandidate:
        """Check a click and hand it to the tree; ``ClickRefused`` says why not."""
        with self._lock:
            request = self._open(request_id, "grasp")
            if self.workspace is None:
                raise ClickRefused("the robot is not ready yet")
            grasp = grasp_from_click(request.frame, u, v, width, self.workspace)
            request.answer = grasp
            self.counts["demonstrations"] += 1
        self.notify({"type": "request", "request": None})
        return grasp

    def answer_target(self, request_id: int, u: float, v: float) -> int:
        """Segment the clicked item and hand its mask to the robot; the mask's size in pixels."""
        with self._lock:
            request = self._open(request_id, "target")
            try:
                mask = segment_from_click(request.frame.color, request.frame.depth, int(round(u)), int(round(v)))
            except NoItemThere as error:
                raise ClickRefused(str(error)) from None
            request.answer = mask
        self.notify({"type": "request", "request": None})
        return int(mask.sum())

    def answer_label(self, request_id: int, label: str) -> None:
        if label not in LABELS:
            raise ClickRefused(f"unknown label {label!r}; one of {', '.join(LABELS)}")
        with self._lock:
            request = self._open(request_id, "label")
            request.answer = label
            self.counts["labels"] += label != "ignore"
            self.counts["successes"] += label == "success"
        self.notify({"type": "request", "request": None})

    def reset_by_hand(self) -> None:
        """The person tidied the bin: an intervention, as Table II counts them."""
        with self._lock:
            self.counts["resets"] += 1

    def _open(self, request_id: int, kind: str) -> Request:
        request = self._request
        if request is None or request.answer is not None or request.id != request_id:
            raise ClickRefused(f"request {request_id} is not open (answered already, or the run moved on)")
        if request.kind != kind:
            raise ClickRefused(f"request {request_id} asks for a {request.kind}, not a {kind}")
        return request
