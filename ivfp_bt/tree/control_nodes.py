"""Composites and decorators as tree files name them, with their parameters.

Each entry says how many children the node takes and how to build the
py_trees node from checked parameters. Blackboard-key parameters arrive here
already resolved to absolute keys.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import py_trees
from py_trees import common, composites, decorators
from py_trees.behaviour import Behaviour

from ivfp_bt.behaviours.comparison import OPERATORS, compare
from ivfp_bt.tree.btcpp_controls import CountingParallel, RepeatCycles, RetryUntilSuccessful
from ivfp_bt.params import BlackboardKey, Param

Builder = Callable[[str, dict[str, Any], list[Behaviour]], Behaviour]

_MEMORY = Param(bool, doc="remember the running child between ticks (true) or re-tick from the first (false)")


@dataclass(frozen=True)
class ControlType:
    """A composite (one or more children) or decorator (exactly one child)."""

    name: str
    kind: Literal["composite", "decorator"]
    doc: str
    build: Builder
    params: dict[str, Param] = field(default_factory=dict)


def _parallel(name: str, p: dict[str, Any], children: list[Behaviour]) -> Behaviour:
    if p["policy"] == "success_on_one":
        policy: common.ParallelPolicy.Base = common.ParallelPolicy.SuccessOnOne()
    elif p["policy"] == "success_on_all":
        policy = common.ParallelPolicy.SuccessOnAll(synchronise=p["synchronise"])
    else:
        chosen = [child for child in children if child.name in p["selected"]]
        policy = common.ParallelPolicy.SuccessOnSelected(chosen, synchronise=p["synchronise"])
    return composites.Parallel(name=name, policy=policy, children=children)


def _eternal_guard(name: str, p: dict[str, Any], children: list[Behaviour]) -> Behaviour:
    key, op, expected = p["key"], p["op"], p["value"]
    storage = py_trees.blackboard.Blackboard

    def condition() -> bool:
        return storage.exists(key) and compare(storage.get(key), op, expected)

    guard = decorators.EternalGuard(name=name, child=children[0], condition=condition)
    guard.guard_key = key  # read by the blackboard check and the displays
    return guard


def _status_param(doc: str) -> Param:
    return Param(str, doc=doc, choices=("success", "failure", "running"))


def _simple(cls: type[decorators.Decorator]) -> Builder:
    return lambda name, p, children: cls(name=name, child=children[0])


_TYPES = [
    ControlType("Sequence", "composite", "tick children in order until one does not succeed",
                lambda n, p, c: composites.Sequence(name=n, memory=p["memory"], children=c), {"memory": _MEMORY}),
    ControlType("Selector", "composite", "tick children in order until one does not fail (a fallback)",
                lambda n, p, c: composites.Selector(name=n, memory=p["memory"], children=c), {"memory": _MEMORY}),
    ControlType("Parallel", "composite", "tick all children every tick; the policy decides success", _parallel, {
        "policy": Param(str, "success_on_all", "when the parallel succeeds",
                        choices=("success_on_all", "success_on_one", "success_on_selected")),
        "synchronise": Param(bool, True, "children that succeeded are not ticked again (success_on_all/selected)"),
        "selected": Param(list, [], "child names that must succeed (success_on_selected)"),
    }),
    ControlType("Retry", "decorator", "re-run the child after a failure, up to num_failures failures",
                lambda n, p, c: decorators.Retry(name=n, child=c[0], num_failures=p["num_failures"]),
                {"num_failures": Param(int, doc="failures allowed before failing", min=1)}),
    ControlType("Repeat", "decorator", "re-run the child after a success, num_success times (-1: forever)",
                lambda n, p, c: decorators.Repeat(name=n, child=c[0], num_success=p["num_success"]),
                {"num_success": Param(int, doc="successes needed; -1 repeats forever", min=-1)}),
    ControlType("Timeout", "decorator", "fail (and stop the child) if it runs longer than duration",
                lambda n, p, c: decorators.Timeout(name=n, child=c[0], duration=p["duration"]),
                {"duration": Param(float, doc="seconds", min=0.0)}),
    ControlType("CountingParallel", "composite", "BehaviorTree.CPP's Parallel, tick for tick: tick unfinished children "
                "in order, decide as soon as success_count succeeded or failure_count failed",
                lambda n, p, c: CountingParallel(n, c, p["success_count"], p["failure_count"]), {
                    "success_count": Param(int, -1, "successes that make it succeed (-1: all children)", min=-1),
                    "failure_count": Param(int, 1, "failures that make it fail (-1: all children)", min=-1),
                }),
    ControlType("RetryUntilSuccessful", "decorator", "BehaviorTree.CPP's retry, tick for tick: a child that fails "
                "after running is restarted in the same tick",
                lambda n, p, c: RetryUntilSuccessful(n, c[0], p["num_attempts"]),
                {"num_attempts": Param(int, doc="attempts in all before failing (-1: no limit)", min=-1)}),
    ControlType("RepeatCycles", "decorator", "BehaviorTree.CPP's Repeat, tick for tick: a child that succeeds "
                "after running is restarted in the same tick",
                lambda n, p, c: RepeatCycles(n, c[0], p["num_cycles"]),
                {"num_cycles": Param(int, doc="successes in all before succeeding (-1: forever)", min=-1)}),
    ControlType("Inverter", "decorator", "swap SUCCESS and FAILURE", _simple(decorators.Inverter)),
    ControlType("OneShot", "decorator", "run the child to completion once, then keep reporting that result",
                lambda n, p, c: decorators.OneShot(name=n, child=c[0], policy=common.OneShotPolicy[p["policy"].upper()]),
                {"policy": Param(str, "on_successful_completion", "when the shot counts as fired",
                                 choices=("on_completion", "on_successful_completion"))}),
    ControlType("EternalGuard", "decorator", "check a blackboard condition before every tick of the child; stop it when false",
                _eternal_guard, {
                    "key": Param(BlackboardKey, doc='the value to test, "{key}"'),
                    "op": Param(str, "==", "comparison", choices=tuple(OPERATORS)),
                    "value": Param(object, doc="the value to compare with"),
                }),
    ControlType("Condition", "decorator", "RUNNING until the child returns status, then SUCCESS",
                lambda n, p, c: decorators.Condition(name=n, child=c[0], status=common.Status[p["status"].upper()]),
                {"status": _status_param("the child status to wait for")}),
    ControlType("StatusToBlackboard", "decorator", "pass the child's status through and write it to key",
                lambda n, p, c: decorators.StatusToBlackboard(name=n, child=c[0], variable_name=p["key"]),
                {"key": Param(BlackboardKey, doc='where to write the status, "{key}"')}),
    ControlType("PassThrough", "decorator", "report the child's status unchanged", _simple(decorators.PassThrough)),
    ControlType("FailureIsSuccess", "decorator", "status remapper", _simple(decorators.FailureIsSuccess)),
    ControlType("FailureIsRunning", "decorator", "status remapper", _simple(decorators.FailureIsRunning)),
    ControlType("SuccessIsFailure", "decorator", "status remapper", _simple(decorators.SuccessIsFailure)),
    ControlType("SuccessIsRunning", "decorator", "status remapper", _simple(decorators.SuccessIsRunning)),
    ControlType("RunningIsFailure", "decorator", "status remapper", _simple(decorators.RunningIsFailure)),
    ControlType("RunningIsSuccess", "decorator", "status remapper", _simple(decorators.RunningIsSuccess)),
]

CONTROL_TYPES: dict[str, ControlType] = {t.name: t for t in _TYPES}
ALIASES = {"Fallback": "Selector"}
INCLUDE = "Include"
