"""`ivfp-bt show TREE`: print or draw a tree."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ivfp_bt.display.dot import render, tree_dot
from ivfp_bt.display.text import tree_text
from ivfp_bt.errors import UserError
from ivfp_bt.tree.load import load_tree
from ivfp_bt.tree.xml_export import to_xml

FORMATS = ("text", "dot", "svg", "png", "xml")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("show", help="print a tree, or write it as dot/svg/png/xml",
                       description="Print the tree with node types and key parameters, or write it as a "
                       "Graphviz graph (svg/png need the `dot` program) or as BehaviorTree.CPP v4 XML.")
    p.add_argument("tree", help="tree file (.yaml or .xml)")
    p.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    p.add_argument("-o", "--output", help="write to this file (default: standard output; needed for png)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    loaded = load_tree(args.tree)
    if args.format == "text":
        data: str | bytes = (loaded.description + "\n" if loaded.description else "") + tree_text(loaded.root)
    elif args.format == "xml":
        data = to_xml(loaded.spec)
    else:
        source = tree_dot(loaded.root, title=Path(args.tree).stem)
        data = source if args.format == "dot" else render(source, args.format)
    if args.output:
        Path(args.output).write_bytes(data if isinstance(data, bytes) else data.encode())
        print(f"wrote {args.output}")
    elif isinstance(data, bytes) and args.format == "png":
        raise UserError("--format png writes binary data: give -o FILE.png")
    else:
        sys.stdout.write(data if isinstance(data, str) else data.decode())
    return 0
