"""Printing which nodes ticked and their status, only on ticks where something changed."""

from __future__ import annotations

from collections.abc import Callable

import py_trees


class TreeLog:
    """A post-tick handler that prints the visited part of the tree when it changes.

    Like py_trees' snapshot display, but quiet on ticks that look like the last
    one, so a leaf running for many ticks prints once, not once per tick.
    """

    def __init__(self, tree: py_trees.trees.BehaviourTree, write: Callable[[str], None] = print):
        self.snapshot = py_trees.visitors.SnapshotVisitor()
        tree.add_visitor(self.snapshot)
        self.write = write
        self.printed = 0

    def __call__(self, tree: py_trees.trees.BehaviourTree) -> None:
        if not self.snapshot.changed:
            return
        self.printed += 1
        text = py_trees.display.unicode_tree(
            tree.root, show_status=True, visited=self.snapshot.visited,
            previously_visited=self.snapshot.previously_visited,
        )
        self.write(f"--- tick {tree.count} ---\n{text}")
