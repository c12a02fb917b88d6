"""Finding blackboard keys that a tree reads but nothing ever writes.

Works on either form of a tree: the checked spec of a YAML file (so the check
runs even when other problems stop the build) or built behaviours (XML trees).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from py_trees import decorators
from py_trees.behaviour import Behaviour
from py_trees.ports import CONST_PREFIX

from ivfp_bt import registry
from ivfp_bt.behaviours.leaf import Leaf
from ivfp_bt.errors import Origin, Problem
from ivfp_bt.suggest import did_you_mean
from ivfp_bt.tree.build import Origins
from ivfp_bt.tree.spec import NodeSpec


@dataclass(frozen=True)
class Access:
    key: str
    writes: bool
    port: str
    origin: Origin
    where: str


def spec_accesses(root: NodeSpec) -> Iterable[Access]:
    """Every blackboard read and write in a checked spec."""
    leaves = registry.leaves()
    for node in root.iterate():
        if node.type in leaves:
            outputs = leaves[node.type].OUTPUT_PORTS
            for port, key in node.ports.items():
                yield Access(key, port in outputs, port, node.origin, node.where)
        elif node.type in ("EternalGuard", "StatusToBlackboard") and "key" in node.params:
            yield Access(node.params["key"], node.type == "StatusToBlackboard", "key", node.origin, node.where)


def built_accesses(root: Behaviour, origins: Origins, file: str) -> Iterable[Access]:
    """Every blackboard read and write in built behaviours (XML constants excluded: set at setup)."""
    for node in root.iterate():
        origin, where = origins.get(node.id, (Origin(file), node.name))
        if isinstance(node, Leaf):
            for port, key in node.port_keys.items():
                if CONST_PREFIX not in key:
                    yield Access(key, port in node.OUTPUT_PORTS, port, origin, where)
        elif isinstance(node, decorators.StatusToBlackboard):
            yield Access(node.key, True, "key", origin, where)
        elif getattr(node, "guard_key", None):
            yield Access(node.guard_key, False, "key", origin, where)


def unwritten_reads(accesses: Iterable[Access], initial: set[str]) -> list[Problem]:
    """A problem for each read of a key that no node writes and that has no initial value."""
    accesses = list(accesses)
    known = {a.key for a in accesses if a.writes} | initial
    return [
        Problem(a.origin, f"blackboard key {a.key!r} is read by port {a.port!r} but nothing writes it"
                + did_you_mean(a.key, known), a.where)
        for a in accesses if not a.writes and a.key not in known
    ]
