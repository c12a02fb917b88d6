"""`ivfp-bt`: run, check, draw and list behaviour trees for picking.

User errors print as one line (file:line:col where there is a file) and exit 1;
tracebacks appear only for bugs, and only with --debug.
"""

from __future__ import annotations

import argparse
import logging
import sys

from ivfp_bt import __version__, versions
from ivfp_bt.cli import (behaviours_cmd, calibrate_cmd, collect_cmd, eval_cmd, export_cmd, run_cmd, serve_cmd,
                         show_cmd, sim_cmd, train_cmd, validate_cmd)
from ivfp_bt.errors import TreeFileError, UserError

COMMANDS = (run_cmd, serve_cmd, eval_cmd, collect_cmd, train_cmd, export_cmd, validate_cmd, show_cmd, behaviours_cmd,
            sim_cmd, calibrate_cmd)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ivfp-bt", description=__doc__.splitlines()[0].split(": ", 1)[1])
    parser.add_argument("--version", action="version", version=f"ivfp-bt {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
        logging.getLogger("OpenGL").setLevel(logging.WARNING)   # PyOpenGL announces optional modules at INFO
        return _handle(args)
    except KeyboardInterrupt:   # Ctrl-C before a command took over stopping (start-up, loading): nothing moved
        print("interrupted", file=sys.stderr)
        return 130


MEASURING = {"run", "eval", "collect", "train"}   # commands whose results depend on the pinned versions


def _physics_warning(scene: str | None) -> str:
    from ivfp_bt.sim.scene_config import physics_mismatch, scene_config
    return physics_mismatch(scene_config(scene))


def _handle(args: argparse.Namespace) -> int:
    if args.command in MEASURING and (warning := versions.warning()):
        print(warning, file=sys.stderr)
    try:
        if args.command in MEASURING and getattr(args, "robot", "sim") == "sim" and \
                (warning := _physics_warning(getattr(args, "scene", None))):
            print(warning, file=sys.stderr)
        return args.handler(args)
    except TreeFileError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `ivfp-bt show ... | head`
        return 0
    except Exception as error:
        if args.debug:
            raise
        print(f"internal error: {type(error).__name__}: {error} (run with --debug for a traceback)", file=sys.stderr)
        return 2
