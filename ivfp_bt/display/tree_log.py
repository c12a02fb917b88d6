"""`run --tree-log`: each pick's status changes as they happen, one line per node that changed.

A pick opens with a header; each tick on which something changed prints the tick's number
and, in tree order and indented by depth, each node whose status changed on that tick with
its new status (``Observe: SUCCESS``; a running node that was stopped: ``stopped``). Only
nodes the tick visited count, and each pick starts afresh, so what the last pick left behind
is never shown; the executive closes each pick with its result line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import py_trees
from py_trees.behaviour import Behaviour

from ivfp_bt.display.describe import type_name

Status = py_trees.common.Status


def _walk(node: Behaviour, depth: int = 0) -> Iterator[tuple[Behaviour, int]]:
    yield node, depth
    for child in node.children:
        yield from _walk(child, depth + 1)


class TreeLog:
    """A post-tick handler that prints what changed in the tree on each tick."""

    def __init__(self, tree: py_trees.trees.BehaviourTree, write: Callable[[str], None] = print):
        self.tree = tree
        self.write = write
        self.visits = py_trees.visitors.SnapshotVisitor()   # which nodes this tick visited
        tree.add_visitor(self.visits)
        self.last: dict[object, Status] = {}
        self.printed = 0

    def begin_pick(self, number: int) -> None:
        """Start a pick's log: a node's status counts only once this pick has ticked it."""
        self.last = {}
        self.write(f"── pick {number} ──")

    def __call__(self, tree: py_trees.trees.BehaviourTree) -> None:
        changes = []
        for node, depth in _walk(tree.root):
            was = self.last.get(node.id, Status.INVALID)
            if node.id in self.visits.visited:
                if node.status == was:
                    continue
            elif not (node.status is Status.INVALID and was is Status.RUNNING):
                continue   # not ticked: what it shows is from before (a stopped node is the exception)
            self.last[node.id] = node.status
            kind = type_name(node)
            label = node.name if node.name == kind else f"{node.name} [{kind}]"
            status = "stopped" if node.status is Status.INVALID else node.status.value
            changes.append(f"{'  ' * (depth + 1)}{label}: {status}")
        if changes:
            self.printed += 1
            self.write(f"tick {tree.count + 1}\n" + "\n".join(changes))   # py_trees counts after the handlers
