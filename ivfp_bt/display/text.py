"""The tree as indented unicode text, with node types and key parameters."""

from __future__ import annotations

from py_trees.behaviour import Behaviour

from ivfp_bt.display.describe import KIND_SYMBOLS, kind, label


def tree_text(root: Behaviour) -> str:
    """Render ``root`` and everything below it, one node a line."""
    lines: list[str] = []
    _walk(root, "", "", lines)
    return "\n".join(lines) + "\n"


def _walk(node: Behaviour, head: str, tail: str, lines: list[str]) -> None:
    lines.append(f"{head}{KIND_SYMBOLS[kind(node)]} {label(node)}")
    children = node.children
    for index, child in enumerate(children):
        last = index == len(children) - 1
        _walk(child, tail + ("└── " if last else "├── "), tail + ("    " if last else "│   "), lines)
