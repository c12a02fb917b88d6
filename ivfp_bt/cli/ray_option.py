"""`--ray [ADDRESS]`, shared by eval, collect and train rl: their trials as tasks on a Ray cluster."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from typing import Any


def add_ray_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ray", nargs="?", const="", default=None, metavar="ADDRESS",
                   help="run the trials as tasks on a Ray cluster: ADDRESS (host:port), auto (the one this "
                   "machine is configured for), or nothing for a Ray of this machine alone; --out stays on "
                   "this machine (needs the ray extra)")


@contextlib.contextmanager
def ray_pool(args: argparse.Namespace) -> Iterator[Any]:
    """A RayPool when --ray was given (shut down at the end), else None: local processes as before."""
    if getattr(args, "ray", None) is None:
        yield None
        return
    from ivfp_bt.cluster.ray_pool import RayPool

    pool = RayPool(args.ray or None)
    try:
        yield pool
    finally:
        print(f"Ray: {len(pool.stats)} task(s) finished, started on {pool.nodes} node(s); {pool.retried} run again "
              "after their worker or node died")
        pool.shutdown()
