"""`ivfp-bt export lerobot RUN_DIR OUT`: a logged run in another ecosystem's format."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="write a logged run in another format (lerobot)",
                       description="Write the probed grasps of a run directory (from `run --record` or `eval`) as a "
                       "LeRobot v3.0 dataset: parquet frames with action, next.reward, next.done and next.success, "
                       "and the wrist and head videos as MP4.")
    p.add_argument("format", choices=("lerobot",), help="output format")
    p.add_argument("run_dir", type=Path, help="a run directory")
    p.add_argument("out", type=Path, help="a new directory for the dataset")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from ivfp_bt.errors import UserError
    from ivfp_bt.export.lerobot import export_lerobot

    if not (args.run_dir / "records.sqlite").is_file():
        raise UserError(f"{args.run_dir}: not a run directory (no records.sqlite)")
    info = export_lerobot(args.run_dir, args.out)
    print(f"wrote {info['total_episodes']} episodes, {info['total_frames']} frames at {info['fps']:g} fps to {args.out}")
    return 0
