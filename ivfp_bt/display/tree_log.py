"""`run --tree-log`: each pick's status changes as they happen, one line per node that changed.

A pick opens with a header; each tick on which something changed prints the tick's number
and, in tree order and indented by depth, each node whose status changed on that tick with
its new status (``Observe: SUCCESS``; a running node that was stopped: ``stopped``). What the
last pick left behind is not shown: a pick prints its own changes alone, and the executive
closes it with its result line.
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
        self.last: dict[object, Status] = {}
        self.printed = 0

    def begin_pick(self, number: int) -> None:
        """Start a pick's log: changes are counted from the statuses the last pick left."""
        self.last = {node.id: node.status for node, _ in _walk(self.tree.root)}
        self.write(f"── pick {number} ──")

    def __call__(self, tree: py_trees.trees.BehaviourTree) -> None:
        changes = []
        for node, depth in _walk(tree.root):
            was = self.last.get(node.id, Status.INVALID)
            if node.status == was:
                continue
            self.last[node.id] = node.status
            if node.status is Status.INVALID and was is not Status.RUNNING:
                continue   # a finished node reset for another run: nothing happened to it
            kind = type_name(node)
            label = node.name if node.name == kind else f"{node.name} [{kind}]"
            status = "stopped" if node.status is Status.INVALID else node.status.value
            changes.append(f"{'  ' * (depth + 1)}{label}: {status}")
        if changes:
            self.printed += 1
            self.write(f"tick {tree.count + 1}\n" + "\n".join(changes))   # py_trees counts after the handlers
