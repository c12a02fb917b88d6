"""How our node types correspond to BehaviorTree.CPP v4's, in both directions.

BehaviorTree.CPP (4.8) and py_trees (2.6) share most ideas under other names:
a memory Sequence is BT.CPP's Sequence, a memoryless one its ReactiveSequence,
a Selector its Fallback. BT.CPP's Parallel, Repeat and RetryUntilSuccessful
decide at other moments of a tick than py_trees' nodes of those names, so XML
reads them as our copies of BT.CPP's (btcpp_controls.py). Where one side has no node that behaves the same, the
translation refuses with ``NoCounterpart`` rather than build something that
behaves differently. docs/trees.md has the table.
"""

from __future__ import annotations

import math
from typing import Any


class NoCounterpart(ValueError):
    """The node (with these settings) has no equivalent on the other side."""


# Our leaves that BT.CPP has as built-in nodes; the rest of our leaves keep their names.
LEAF_TO_BTCPP = {"Succeed": "AlwaysSuccess", "Fail": "AlwaysFailure", "Wait": "Sleep", "SetBlackboard": "SetBlackboard"}
# BT.CPP's built-in nodes that we have no node for, with what to use instead where there is something.
UNSUPPORTED = {
    "SequenceWithMemory": "it does not restart after a failure; py_trees has no such Sequence",
    "SequenceStar": "it does not restart after a failure; py_trees has no such Sequence",
    "AsyncSequence": "py_trees ticks every child in the same tick",
    "AsyncFallback": "py_trees ticks every child in the same tick",
    "ParallelAll": "use Parallel with success_count and failure_count",
    "IfThenElse": "", "WhileDoElse": "", "KeepRunningUntilFailure": "", "Delay": "use a Sequence with Sleep first",
    "Script": "", "ScriptCondition": "use CheckBlackboard", "UnsetBlackboard": "", "Precondition": "",
    "Switch2": "", "Switch3": "", "Switch4": "", "Switch5": "", "Switch6": "",
    "LoopInt": "", "LoopBool": "", "LoopDouble": "", "LoopString": "",
    "WasEntryUpdated": "", "SkipUnlessUpdated": "", "WaitValueUpdate": "",
}
# Our control types under the names tree YAML uses, where BT.CPP spells them differently.
OUR_NAMES_IN_BTCPP = {"Selector": "Fallback (memory) or ReactiveFallback (no memory)",
                      "Retry": "RetryUntilSuccessful", "Succeed": "AlwaysSuccess", "Fail": "AlwaysFailure",
                      "FailureIsSuccess": "ForceSuccess", "SuccessIsFailure": "ForceFailure",
                      "OneShot": 'RunOnce then_skip="false"', "EternalGuard": "ReactiveSequence with a condition first"}
# BT.CPP attributes that attach scripts to any node; py_trees has nothing like them.
SCRIPT_ATTRIBUTES = ("_skipIf", "_successIf", "_failureIf", "_while", "_onSuccess", "_onFailure", "_onHalted", "_post")


def _msec(seconds: float, what: str) -> str:
    msec = seconds * 1000.0
    if not math.isfinite(msec) or abs(msec - round(msec)) > 1e-6:
        raise NoCounterpart(f"{what} of {seconds} s is not a whole number of milliseconds (BehaviorTree.CPP counts msec)")
    return str(int(round(msec)))


def control_to_btcpp(kind: str, params: dict[str, Any], children: int) -> tuple[str, dict[str, str]]:
    """BT.CPP's tag and attributes for one of our composites or decorators."""
    if kind in ("Sequence", "Selector"):
        memory = {"Sequence": "Sequence", "Selector": "Fallback"}[kind]
        return (memory if params["memory"] else "Reactive" + memory), {}
    if kind == "Parallel":
        policy, synchronise = params["policy"], params["synchronise"]
        if policy == "success_on_one":
            return "Parallel", {"success_count": "1", "failure_count": "1"}
        if policy == "success_on_all" and synchronise:
            return "Parallel", {"success_count": "-1", "failure_count": "1"}
        raise NoCounterpart(f"Parallel with policy {policy} (synchronise {str(synchronise).lower()}) has no "
                            "BehaviorTree.CPP counterpart: its Parallel counts successes and failures")
    simple = {"Inverter": "Inverter", "FailureIsSuccess": "ForceSuccess", "SuccessIsFailure": "ForceFailure"}
    if kind in simple:
        return simple[kind], {}
    if kind in ("Retry", "RetryUntilSuccessful"):
        return "RetryUntilSuccessful", {"num_attempts": str(params.get("num_attempts", params.get("num_failures")))}
    if kind in ("Repeat", "RepeatCycles"):
        return "Repeat", {"num_cycles": str(params.get("num_cycles", params.get("num_success")))}
    if kind == "CountingParallel":
        return "Parallel", {"success_count": str(params["success_count"]), "failure_count": str(params["failure_count"])}
    if kind == "Timeout":
        return "Timeout", {"msec": _msec(params["duration"], "Timeout duration")}
    if kind == "OneShot" and params["policy"] == "on_completion":
        return "RunOnce", {"then_skip": "false"}
    raise NoCounterpart(f"{kind}{_settings(kind, params)} has no BehaviorTree.CPP counterpart")


def _settings(kind: str, params: dict[str, Any]) -> str:
    return f" with policy {params['policy']}" if kind == "OneShot" else ""


def control_from_btcpp(tag: str, attrs: dict[str, str], children: int) -> tuple[str, dict[str, Any]]:
    """Our control type and its parameters (still text where they come from attributes) for a BT.CPP node."""
    names = {"Sequence": ("Sequence", True), "ReactiveSequence": ("Sequence", False),
             "Fallback": ("Selector", True), "ReactiveFallback": ("Selector", False)}
    if tag in names:
        kind, memory = names[tag]
        return kind, {"memory": memory}
    if tag == "Parallel":
        return "CountingParallel", _parallel_counts(attrs, children)
    simple = {"Inverter": "Inverter", "ForceSuccess": "FailureIsSuccess", "ForceFailure": "SuccessIsFailure"}
    if tag in simple:
        return simple[tag], {}
    if tag == "RetryUntilSuccessful":
        return "RetryUntilSuccessful", {"num_attempts": _int(attrs, "num_attempts", tag)}
    if tag == "Repeat":
        return "RepeatCycles", {"num_cycles": _int(attrs, "num_cycles", tag)}
    if tag == "Timeout":
        return "Timeout", {"duration": _int(attrs, "msec", tag) / 1000.0}
    if tag == "RunOnce":
        if attrs.get("then_skip", "true").strip().lower() != "false":
            raise NoCounterpart('RunOnce with then_skip="true" (the default) returns SKIPPED, which py_trees does '
                                'not have; write then_skip="false" to keep the first result')
        return "OneShot", {"policy": "on_completion"}
    raise KeyError(tag)


def control_attributes(tag: str) -> tuple[str, ...]:
    """The attributes BT.CPP's node ``tag`` takes (besides name)."""
    return {"Parallel": ("success_count", "failure_count"), "RetryUntilSuccessful": ("num_attempts",),
            "Repeat": ("num_cycles",), "Timeout": ("msec",), "RunOnce": ("then_skip",)}.get(tag, ())


CONTROL_TAGS = ("Sequence", "ReactiveSequence", "Fallback", "ReactiveFallback", "Parallel", "Inverter",
                "ForceSuccess", "ForceFailure", "RetryUntilSuccessful", "Repeat", "Timeout", "RunOnce")


def _int(attrs: dict[str, str], key: str, tag: str, default: int | None = None) -> int:
    text = attrs.get(key)
    if text is None:
        if default is None:
            raise NoCounterpart(f"{tag} needs attribute {key!r}")
        return default
    try:
        return int(text.strip())
    except ValueError:
        raise NoCounterpart(f"attribute {key!r} of {tag} must be an integer, got {text!r}") from None


def _parallel_counts(attrs: dict[str, str], children: int) -> dict[str, Any]:
    counts = {key: _int(attrs, key, "Parallel", default) for key, default in (("success_count", -1), ("failure_count", 1))}
    for key, count in counts.items():
        if count > children:   # BT.CPP finds out at the first tick; we say so when the tree is read
            raise NoCounterpart(f"Parallel with {key} {count} has only {children} children: it can never "
                                f"{'succeed' if key == 'success_count' else 'fail'}")
        if count == 0 or count < -1:
            raise NoCounterpart(f"Parallel's {key} is -1 (all children) or at least 1, got {count}")
    return counts


def leaf_to_btcpp(tag: str, params: dict[str, Any], key_text: str | None) -> tuple[str, dict[str, str]] | None:
    """BT.CPP's built-in node for one of our leaves, or None when the leaf keeps its own name."""
    if tag not in LEAF_TO_BTCPP:
        return None
    if tag == "Wait":
        return "Sleep", {"msec": _msec(params["duration"], "Wait duration")}
    if tag == "SetBlackboard":
        return "SetBlackboard", {"output_key": key_text or ""}
    return LEAF_TO_BTCPP[tag], {}


def leaf_from_btcpp(tag: str, attrs: dict[str, str]) -> tuple[str, dict[str, str]] | None:
    """Our leaf and its attributes for a BT.CPP built-in leaf, or None when ``tag`` is not one."""
    if tag == "Sleep":
        return "Wait", {"duration": str(_int(attrs, "msec", tag) / 1000.0)}
    if tag in ("AlwaysSuccess", "AlwaysFailure"):
        return {"AlwaysSuccess": "Succeed", "AlwaysFailure": "Fail"}[tag], {}
    if tag == "SetBlackboard":
        key = attrs.get("output_key", "")
        if not key or key.startswith("{"):
            raise NoCounterpart('SetBlackboard names its entry literally: output_key="name" (a "{key}" there '
                                "would read the name from the blackboard, which we do not support)")
        return "SetBlackboard", {"key": "{" + key + "}", "value": attrs.get("value", "")}
    return None
