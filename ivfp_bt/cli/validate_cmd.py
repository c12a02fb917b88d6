"""`ivfp-bt validate FILE...`: report every problem in tree files."""

from __future__ import annotations

import argparse
import sys

from ivfp_bt.tree.load import validate


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check tree files and report every problem",
                       description="Check tree files without running them. Each problem prints as "
                       "file:line:col: what is wrong (where in the tree). Exits 1 if any file has a problem.")
    p.add_argument("files", nargs="+", help="tree files (.yaml or .xml)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="check with this param of the tree files set, as `run --set` would")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from ivfp_bt.cli.run_cmd import parse_sets
    overrides = parse_sets(args.set)
    failed = 0
    for file in args.files:
        problems = validate(file, overrides)
        for problem in problems:
            print(f"{problem}", file=sys.stderr)
        if problems:
            failed += 1
        else:
            print(f"{file}: ok")
    return 1 if failed else 0
