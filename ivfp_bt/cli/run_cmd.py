"""`ivfp-bt run TREE`: tick a tree until N picks are done."""

from __future__ import annotations

import argparse
import sys

from ivfp_bt.errors import UserError
from ivfp_bt.robot import KNOWN
from ivfp_bt.runner import Executive, RunOptions
from ivfp_bt.tree.load import load_tree


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="run a tree until N picks are done",
                       description="Build the tree, set it up with the robot it needs and tick it until N picks "
                       "(runs of the root to SUCCESS or FAILURE) are done. Ctrl-C stops the robot, opens the "
                       "gripper and prints a summary.")
    p.add_argument("tree", help="tree file (.yaml, or BehaviorTree.CPP .xml)")
    p.add_argument("--robot", choices=KNOWN, default="sim", help="robot backend, if the tree needs one (default: sim)")
    p.add_argument("--picks", type=_positive_int, default=1, help="picks to attempt (default: 1)")
    p.add_argument("--seed", type=int, default=None, help="random seed for the run")
    p.add_argument("--tick-hz", type=float, default=10.0, help="tick rate; 0 ticks as fast as possible (default: 10)")
    p.add_argument("--tree-log", action="store_true", help="print the ticked nodes and their status when they change")
    p.add_argument("--record", metavar="RUN_DIR", default=None,
                   help="log every pick attempt to RUN_DIR with the sidecar (resumes a run directory that exists)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="set a param of the tree file")
    p.set_defaults(handler=handle)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_sets(pairs: list[str]) -> dict[str, str]:
    """``["a=1", "b=x"]`` as ``{"a": "1", "b": "x"}``."""
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UserError(f"--set takes NAME=VALUE, got {pair!r}")
        values[name.strip()] = value
    return values


def handle(args: argparse.Namespace) -> int:
    if args.tick_hz < 0:
        raise UserError("--tick-hz must be 0 or more")
    loaded = load_tree(args.tree, parse_sets(args.set))
    options = RunOptions(picks=args.picks, tick_hz=args.tick_hz, seed=args.seed, robot=args.robot,
                         tree_log=args.tree_log, record_dir=args.record)
    summary = Executive(loaded, options).run()
    if isinstance(summary.fault_error, UserError) and summary.ticks == 0:
        raise summary.fault_error   # refused at setup: the one line says it all
    print(summary.line())
    if isinstance(summary.fault_error, UserError):
        raise summary.fault_error
    if summary.stopped == "fault":
        if args.debug and summary.fault_error is not None:
            raise summary.fault_error
        print(f"error: the run stopped on a fault: {summary.fault}", file=sys.stderr)
        return 1
    return 130 if summary.stopped == "interrupted" else 0
