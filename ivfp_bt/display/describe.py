"""What a node is and its key settings, in a few words, for every display."""

from __future__ import annotations

from py_trees import common, composites, decorators
from py_trees.behaviour import Behaviour

from ivfp_bt.behaviours.leaf import Leaf
from ivfp_bt.tree.btcpp_controls import CountingParallel

KIND_SYMBOLS = {"sequence": "→", "selector": "?", "parallel": "⇉", "decorator": "◇", "leaf": "•"}


def kind(node: Behaviour) -> str:
    """One of sequence, selector, parallel, decorator, leaf."""
    if isinstance(node, composites.Sequence):
        return "sequence"
    if isinstance(node, composites.Selector):
        return "selector"
    if isinstance(node, (composites.Parallel, CountingParallel)):
        return "parallel"
    return "decorator" if isinstance(node, decorators.Decorator) else "leaf"


def type_name(node: Behaviour) -> str:
    return node.TAG if isinstance(node, Leaf) else type(node).__name__


def settings(node: Behaviour) -> list[str]:
    """Parameters the file set and blackboard wiring, e.g. ``["duration=0.5", "key→/grasp_ok"]``.
    A leaf built in code (no file) shows all its parameters."""
    if isinstance(node, Leaf):
        given = node.given_params if node.given_params is not None else node.params
        shown = [f"{k}={v!r}" if isinstance(v, str) else f"{k}={v}" for k, v in node.params.items() if k in given]
        for port, key in node.port_keys.items():
            arrow = "→" if port in node.OUTPUT_PORTS else "←"
            shown.append(f"{port}{arrow}{key}")
        return shown
    if isinstance(node, (composites.Sequence, composites.Selector)):
        return ["memory" if node.memory else "no memory"]
    if isinstance(node, composites.Parallel):
        policy = node.policy
        sync = getattr(policy, "synchronise", False)
        return [type(policy).__name__ + (" synchronised" if sync else "")]
    if isinstance(node, CountingParallel):
        return [f"success_count={node.success_count}", f"failure_count={node.failure_count}"]
    for attribute in ("num_failures", "num_success", "num_attempts", "num_cycles", "duration", "policy", "guard_key"):
        value = getattr(node, attribute, None)
        if value is not None:
            value = value.name.lower() if isinstance(value, (common.OneShotPolicy, common.Status)) else value
            return [f"{attribute.replace('guard_key', 'guard')}={value}"]
    if isinstance(node, decorators.Condition):
        return [f"status={node.succeed_status.name.lower()}"]
    if isinstance(node, decorators.StatusToBlackboard):
        return [f"key→{node.key}"]
    return []


def label(node: Behaviour) -> str:
    """``name [Type key=value ...]`` on one line."""
    parts = " ".join([type_name(node), *settings(node)])
    text = f"{node.name} [{parts}]" if node.name != type_name(node) else f"[{parts}]"
    return text + (f"  (included from {node.included_from})" if included_from(node) else "")


def included_from(node: Behaviour) -> str:
    """The file whose tree this node is the root of, when it was included; else ""."""
    return getattr(node, "included_from", "")
