"""`ivfp-bt export lerobot|btlog RUN_DIR OUT`: a logged run in another ecosystem's format."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="write a logged run in another format (lerobot, btlog)",
                       description="lerobot: write the probed grasps of a run directory (from `run --record` or "
                       "`eval`) as a LeRobot v3.0 dataset: parquet frames with observation.state, action, "
                       "next.reward, next.done and next.success, the wrist and head videos as MP4, and the stats "
                       "lerobot-train needs. btlog: write the run's node status changes as a BehaviorTree.CPP "
                       "FileLogger2 file, which Groot2 replays.")
    p.add_argument("format", choices=("lerobot", "btlog"), help="output format")
    p.add_argument("run_dir", type=Path, help="a run directory")
    p.add_argument("out", type=Path, help="lerobot: a new directory for the dataset; btlog: the file (*.btlog)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from ivfp_bt.errors import UserError
    from ivfp_bt.export.btlog import export_btlog
    from ivfp_bt.export.lerobot import export_lerobot

    if not (args.run_dir / "records.sqlite").is_file():
        raise UserError(f"{args.run_dir}: not a run directory (no records.sqlite)")
    if args.format == "btlog":
        nodes, changes = export_btlog(args.run_dir, args.out)
        print(f"wrote {changes} status changes of {nodes} nodes to {args.out}")
        return 0
    info = export_lerobot(args.run_dir, args.out)
    print(f"wrote {info['total_episodes']} episodes, {info['total_frames']} frames at {info['fps']:g} fps to {args.out}")
    return 0
