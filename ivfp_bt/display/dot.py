"""The tree as a Graphviz graph: DOT text, or SVG/PNG through the `dot` program."""

from __future__ import annotations

import shutil
import subprocess

from py_trees.behaviour import Behaviour

from ivfp_bt.display.describe import included_from, kind, settings, type_name
from ivfp_bt.display.shape import preorder
from ivfp_bt.errors import UserError

# Shapes and colours follow py_trees' own dot rendering, so the pictures look familiar.
_STYLE = {
    "sequence": ("box", "orange"),
    "selector": ("octagon", "cyan"),
    "parallel": ("parallelogram", "gold"),
    "decorator": ("ellipse", "ghostwhite"),
    "leaf": ("ellipse", "gray"),
}


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def tree_dot(root: Behaviour, title: str = "tree") -> str:
    """DOT source for ``root``; an included file's subtree is drawn in a dashed box naming the file."""
    lines = [f'digraph "{_escape(title)}" {{', "  graph [ordering=out, fontname=Helvetica];",
             "  node [style=filled, fontname=Helvetica, fontsize=11];"]
    ids = {node.id: f"n{index}" for index, node in enumerate(preorder(root))}
    _declare(root, ids, lines, "  ")
    for node in preorder(root):
        for child in node.children:
            lines.append(f"  {ids[node.id]} -> {ids[child.id]};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _declare(node: Behaviour, ids: dict, lines: list[str], indent: str) -> None:
    source = included_from(node)
    if source:
        lines += [f"{indent}subgraph cluster_{ids[node.id]} {{",
                  f'{indent}  label="{_escape(source)}"; style=dashed; fontname=Helvetica; fontsize=10;']
        indent += "  "
    shape, colour = _STYLE[kind(node)]
    rows = [node.name] if node.name != type_name(node) else []
    rows += [type_name(node), *settings(node)]
    label = '"' + "\\n".join(_escape(row) for row in rows) + '"'
    lines.append(f"{indent}{ids[node.id]} [label={label}, shape={shape}, fillcolor={colour}];")
    for child in node.children:
        _declare(child, ids, lines, indent)
    if source:
        lines.append(indent[:-2] + "}")


def render(dot_source: str, fmt: str) -> bytes:
    """Run Graphviz's `dot` to make ``fmt`` (svg or png) from DOT source."""
    program = shutil.which("dot")
    if program is None:
        raise UserError(f"--format {fmt} needs Graphviz's `dot` program, which is not installed "
                        "(apt-get install graphviz), or use --format dot")
    result = subprocess.run([program, f"-T{fmt}"], input=dot_source.encode(), capture_output=True, timeout=60)
    if result.returncode != 0:
        raise UserError(f"dot failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout
