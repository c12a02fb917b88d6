"""`ivfp-bt behaviours`: list every node type with its parameters."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import textwrap
from pathlib import Path

from ivfp_bt import registry
from ivfp_bt.tree.control_nodes import ALIASES, CONTROL_TYPES, INCLUDE
from ivfp_bt.tree.groot_palette import palette_xml

INCLUDE_ROW = {
    "name": INCLUDE, "kind": "include", "module": "ivfp_bt.tree.parse",
    "doc": "Insert the tree of another YAML file here, with its own params and its keys in a namespace.",
    "params": [
        {"name": "file", "type": "str", "default": None, "required": True,
         "doc": "the tree file to include, relative to the including file"},
        {"name": "name", "type": "str", "default": "the file's stem", "required": False,
         "doc": "the subtree's name, and its blackboard namespace"},
        {"name": "with", "type": "mapping", "default": {}, "required": False,
         "doc": "values of the included file's params"},
        {"name": "remap", "type": "mapping", "default": {}, "required": False,
         "doc": 'the subtree\'s keys to ours: {inner: "{outer}"}'},
    ],
    "ports": [], "requires": [],
}


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("behaviours", help="list every leaf and control node with its parameters",
                       description="List the registered leaves (built-in and from plugins), the composites and "
                       "decorators, and Include, with their parameters (type, default, what each does), ports "
                       "and a description.")
    p.add_argument("--format", choices=("text", "json", "groot2"), default="text",
                   help="text (default), json, or groot2: the leaves as a BehaviorTree.CPP <TreeNodesModel> "
                   "that Groot2 imports as its palette")
    p.add_argument("--json", action="store_const", const="json", dest="format", help="same as --format json")
    p.add_argument("-o", "--output", help="write to this file (default: standard output)")
    p.set_defaults(handler=handle)


def catalogue() -> list[dict]:
    """Every node type as a plain dict: name, kind, doc, params, ports."""
    rows = []
    for tag, cls in sorted(registry.leaves().items()):
        ports = [{"name": n, "direction": d, "type": getattr(i.data_type, "__name__", str(i.data_type)),
                  "doc": i.description}
                 for d, group in (("in", cls.INPUT_PORTS), ("out", cls.OUTPUT_PORTS)) for n, i in group.items()]
        rows.append({"name": tag, "kind": "leaf", "module": cls.__module__, "doc": cls.summary(),
                     "params": _params(cls.PARAMS), "ports": ports, "requires": list(cls.REQUIRES)})
    aliases = {target: alias for alias, target in ALIASES.items()}
    for name, control in CONTROL_TYPES.items():
        doc = control.doc + (f" (also written {aliases[name]})" if name in aliases else "")
        rows.append({"name": name, "kind": control.kind, "module": "py_trees", "doc": doc,
                     "params": _params(control.params), "ports": [], "requires": []})
    rows.append(INCLUDE_ROW)
    return rows


def _params(params: dict) -> list[dict]:
    return [{"name": n, "type": p.type_name, "default": None if p.required else p.default,
             "required": p.required, "doc": p.doc} for n, p in params.items()]


def render(rows: list[dict], width: int = 100) -> str:
    """The catalogue as text: a heading line per type, then its parameters and ports, nothing cut."""
    wrap = textwrap.TextWrapper(width=max(40, width), subsequent_indent=" " * 6, break_long_words=False,
                                break_on_hyphens=False)
    blocks = []
    for row in rows:
        lines = wrap.wrap(f"{row['name']} ({row['kind']}): {row['doc']}")
        lines[1:] = [line[4:] for line in lines[1:]]   # set apart from the parameters below
        for p in row["params"]:
            value = "required" if p["required"] else f"default {p['default']!r}"
            lines += wrap.wrap(f"    {p['name']}: {p['type']}, {value}" + (f" - {p['doc']}" if p["doc"] else ""))
        for p in row["ports"]:
            lines += wrap.wrap(f"    {p['name']}: {p['direction']}put port ({p['type']})"
                               + (f" - {p['doc']}" if p["doc"] else ""))
        if row["requires"]:
            lines.append(f"    needs: {', '.join(row['requires'])}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def handle(args: argparse.Namespace) -> int:
    if args.format == "groot2":
        text = palette_xml()
    elif args.format == "json":
        text = json.dumps(catalogue(), indent=2, default=repr) + "\n"
    else:
        width = shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() and not args.output else 100
        text = render(catalogue(), width) + "\n"
    if args.output:
        Path(args.output).write_text(text)
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0
