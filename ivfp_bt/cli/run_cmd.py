"""`ivfp-bt run TREE`: tick a tree until N picks are done."""

from __future__ import annotations

import argparse
import contextlib
import functools
import sys
import threading
from collections.abc import Iterator

from ivfp_bt.cli.device_option import add_device_argument, apply_device
from ivfp_bt.cli.serve_cmd import add_serve_arguments, serve_options
from ivfp_bt.errors import UserError
from ivfp_bt.groot2.protocol import DEFAULT_PORT as DEFAULT_GROOT2_PORT
from ivfp_bt.robot import KNOWN, open_robot
from ivfp_bt.runner import Executive, RunOptions, RunSummary
from ivfp_bt.tree.load import LoadedTree, load_tree


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="run a tree until N picks are done",
                       description="Build the tree, set it up with the robot it needs and tick it until N picks "
                       "(runs of the root to SUCCESS or FAILURE) are done. Each pick prints a line with the tree's "
                       "verdict and, in the simulation, the simulator's ground truth. Ctrl-C stops the robot, opens "
                       "the gripper and prints a summary (exit 130); a pressed runstop ends the run without "
                       "counting the pick under way (exit 3).")
    p.add_argument("tree", help="tree file (.yaml, or BehaviorTree.CPP .xml)")
    p.add_argument("--robot", choices=KNOWN, default="sim", help="robot backend, if the tree needs one (default: sim)")
    p.add_argument("--picks", type=_positive_int, default=1, help="picks to attempt (default: 1)")
    p.add_argument("--seed", type=int, default=None, help="random seed for the run")
    p.add_argument("--scene", default=None, help="with --robot sim: scene configuration version, e.g. bin-v3 "
                   "(default: the current frozen one)")
    p.add_argument("--objects", choices=("seen", "unseen"), default="seen", help="with --robot sim: item set "
                   "(default: seen)")
    p.add_argument("--tick-hz", type=float, default=10.0, help="tick rate; 0 ticks as fast as possible (default: 10)")
    p.add_argument("--tree-log", action="store_true", help="print each pick's status changes as they happen: a header per pick, then per tick the nodes "
                   "whose status changed, indented by depth")
    p.add_argument("--record", metavar="RUN_DIR", default=None,
                   help="log every pick attempt to RUN_DIR with the sidecar; a run directory that exists is resumed "
                   "(same tree, seed and robot): its picks count towards --picks")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="set a param of the tree file")
    add_device_argument(p)
    p.add_argument("--target", metavar="HOW", default=None,
                   help="on a robot (--robot stretch), how the item to pick is marked: click (a person clicks it "
                        "on the web page, which this serves), a mask PNG or a directory of them (one per look), "
                        "or module:function (called with each head frame, returns a mask); default: "
                        "IVFP_BT_TARGET")
    web = p.add_argument_group("web page", "watch the run live in a browser (statuses, blackboard, images, probe "
                               "video, probabilities); with a robot the run then keeps to real time")
    web.add_argument("--serve", action="store_true", help="serve the page while the run goes on")
    web.add_argument("--teleop", action="store_true",
                     help="a person at the page demonstrates each grasp and labels each probe (implies --serve)")
    web.add_argument("--keep-serving", action="store_true", help="keep the page up after the run, until Ctrl-C")
    add_serve_arguments(web)
    groot = p.add_argument_group("Groot2", "watch the run in Groot2 (or btview) over BehaviorTree.CPP's Groot2 "
                                 "protocol: the tree, each node's status and the blackboard")
    groot.add_argument("--groot2", nargs="?", type=int, const=DEFAULT_GROOT2_PORT, default=None, metavar="PORT",
                       help=f"serve the run on PORT and PORT+1 (default {DEFAULT_GROOT2_PORT}); needs the groot2 extra")
    groot.add_argument("--groot2-host", default="127.0.0.1", metavar="HOST",
                       help="address for --groot2 (default: 127.0.0.1); any other needs the token (--token), which "
                       "Groot2 cannot send: forward the ports over SSH instead")
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
    apply_device(args)
    if args.tick_hz < 0:
        raise UserError("--tick-hz must be 0 or more")
    if args.robot != "sim" and (args.scene or args.objects != "seen"):
        raise UserError("--scene and --objects choose the simulated bin (--robot sim)")
    if args.target and args.robot != "stretch":
        raise UserError("--target marks the item to pick on a robot (--robot stretch); "
                        "the simulation knows its targets")
    loaded = load_tree(args.tree, parse_sets(args.set))
    serving = args.serve or args.teleop or args.keep_serving or args.target == "click"
    options = RunOptions(picks=args.picks, tick_hz=args.tick_hz, seed=args.seed, robot=args.robot,
                         tree_log=args.tree_log, record_dir=args.record, realtime=serving)
    with _groot2(args, loaded) as tick_handlers:
        if serving:
            summary = _run_served(args, loaded, options, tick_handlers)
        else:
            summary = Executive(loaded, options, robot_factory=_robot_factory(args),
                                tick_handlers=tick_handlers).run()
    return _report(args, summary)


@contextlib.contextmanager
def _groot2(args: argparse.Namespace, loaded: LoadedTree) -> Iterator[tuple]:
    """Groot2's server for the run when --groot2 asks for one: its post-tick handler, closed at the end."""
    if args.groot2 is None:
        yield ()
        return
    from ivfp_bt.groot2.server import Groot2Server

    server = Groot2Server(loaded, args.groot2, args.groot2_host, args.token)
    token = f" (token {server.token})" if server.token else ""
    print(f"Groot2 can attach to {server.address}{token}", flush=True)
    try:
        yield (server.ticked,)
    finally:
        server.close()


def _robot_factory(args: argparse.Namespace, operator=None):
    """open_robot, with the simulated bin --scene and --objects name, or the target source --target
    names (a click needs the page's ``operator``)."""
    if args.robot == "sim":
        return functools.partial(open_robot, scene_version=args.scene, objects=args.objects)
    if not args.target:
        return open_robot
    if args.target == "click":
        from ivfp_bt.web.target_click import ClickTarget
        source = ClickTarget(operator)
    else:
        from ivfp_bt.robot.target_source import target_source
        source = target_source(args.target)
    return functools.partial(open_robot, target_source=source)


def _run_served(args: argparse.Namespace, loaded: LoadedTree, options: RunOptions,
                tick_handlers: tuple = ()) -> RunSummary:
    from ivfp_bt.web.hub import LiveHub
    from ivfp_bt.web.live_feed import LiveFeed
    from ivfp_bt.web.server import WebServer
    from ivfp_bt.web.target_click import show_head
    from ivfp_bt.web.teleop import TeleopOperator

    hub = LiveHub()
    if args.teleop or args.target == "click":
        hub.operator = TeleopOperator(notify=hub.publish, show=lambda frame: show_head(hub, frame))
    server = WebServer(serve_options(args), hub)
    print(f"watch the run at {server.start()}", flush=True)
    try:
        summary = Executive(loaded, options, watcher=LiveFeed(hub, loaded.root, loaded.file),
                            operator=hub.operator if args.teleop else None,
                            robot_factory=_robot_factory(args, hub.operator),
                            tick_handlers=tick_handlers).run()
        if args.keep_serving and summary.stopped != "interrupted":
            print(f"{summary.line()}\nthe page stays up at {server.url} until Ctrl-C", flush=True)
            _wait_for_interrupt()
    finally:
        server.stop()
    return summary


def _wait_for_interrupt() -> None:
    with contextlib.suppress(KeyboardInterrupt):
        threading.Event().wait()


def _report(args: argparse.Namespace, summary: RunSummary) -> int:
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
    if summary.stopped == "runstop":
        return 3
    return 130 if summary.stopped == "interrupted" else 0
