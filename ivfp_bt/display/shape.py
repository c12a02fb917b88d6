"""The tree's shape as plain data (what the web page draws and a run's records keep):
one entry per node in pre-order, named by its path of names from the root."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from py_trees.behaviour import Behaviour

from ivfp_bt.display.describe import kind, settings, type_name


def preorder(node: Behaviour) -> Iterator[Behaviour]:
    yield node
    for child in node.children:
        yield from preorder(child)


def node_path(node: Behaviour) -> str:
    """``root/child/.../node`` by name: how logged status changes name their node."""
    names = []
    while node is not None:
        names.append(node.name)
        node = node.parent
    return "/".join(reversed(names))


def tree_nodes(root: Behaviour) -> list[dict[str, Any]]:
    """Every node in pre-order: path, name, type, kind, settings, and its parent's index (-1 for the root)."""
    nodes: list[dict[str, Any]] = []

    def visit(node: Behaviour, parent: int) -> None:
        index = len(nodes)
        nodes.append({"path": node_path(node), "name": node.name, "type": type_name(node), "kind": kind(node),
                      "settings": settings(node), "parent": parent})
        for child in node.children:
            visit(child, index)

    visit(root, -1)
    return nodes
