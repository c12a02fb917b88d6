"""`ivfp-bt behaviours`: list every node type with its parameters."""

from __future__ import annotations

import argparse
import json

from rich.console import Console
from rich.table import Table

from ivfp_bt import registry
from ivfp_bt.tree.control_nodes import CONTROL_TYPES


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("behaviours", help="list every leaf and control node with its parameters",
                       description="List the registered leaves (built-in and from plugins) and the composites "
                       "and decorators, with parameters, types, defaults and a one-line description.")
    p.add_argument("--json", action="store_true", help="machine-readable output")
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
    for name, control in CONTROL_TYPES.items():
        rows.append({"name": name, "kind": control.kind, "module": "py_trees", "doc": control.doc,
                     "params": _params(control.params), "ports": [], "requires": []})
    return rows


def _params(params: dict) -> list[dict]:
    return [{"name": n, "type": p.type_name, "default": None if p.required else p.default,
             "required": p.required, "doc": p.doc} for n, p in params.items()]


def handle(args: argparse.Namespace) -> int:
    rows = catalogue()
    if args.json:
        print(json.dumps(rows, indent=2, default=repr))
        return 0
    table = Table(show_lines=False, header_style="bold")
    for column in ("type", "kind", "parameters and ports", "description"):
        table.add_column(column)
    for row in rows:
        settings = [f"{p['name']}: {p['type']}" + (" (required)" if p["required"] else f" = {p['default']!r}")
                    for p in row["params"]]
        settings += [f"{p['name']} ({p['direction']}port {p['type']})" for p in row["ports"]]
        table.add_row(row["name"], row["kind"], "\n".join(settings), row["doc"])
    Console().print(table)
    return 0
