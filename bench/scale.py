"""The same evaluation on Ray with 1 and with 2 workers on this machine, and what each attempt costs.

For each worker count: the wall time of the evaluation (a Ray of this machine alone with that
many CPUs, started before the clock runs), the speed-up, and per attempt (a pick) the worker's
CPU seconds and the bytes its task sent back (the packed run directory). docs/scale.md projects a
100-node run from these.

    MUJOCO_GL=egl python bench/scale.py [--trials 4] [--picks 3] [--tree trees/pick_centroid.yaml]

Target (issue 33): at least 1.7x with 2 workers.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from ivfp_bt.cluster.ray_pool import RayPool
from ivfp_bt.evaluation.trials import trial_specs


def measure(tree: str, trials: int, picks: int, workers: int) -> tuple[float, RayPool]:
    with tempfile.TemporaryDirectory() as out:
        specs = trial_specs(tree, trials, picks, "seen", Path(out) / "timed", 1000, {}, None)
        pool = RayPool(num_cpus=workers)
        try:
            warm = trial_specs(tree, workers, 1, "seen", Path(out) / "warm", 900, {}, None)
            pool.run(warm, lambda result: None)   # every worker started, the bundle and models loaded once
            pool.stats.clear()
            started = time.monotonic()
            pool.run(specs, lambda result: None)
            return time.monotonic() - started, pool
        finally:
            pool.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=4)
    parser.add_argument("--picks", type=int, default=3)
    parser.add_argument("--tree", default="trees/pick_centroid.yaml")
    args = parser.parse_args()
    walls = {}
    for workers in (1, 2):
        wall, pool = measure(args.tree, args.trials, args.picks, workers)
        walls[workers] = wall
        cpu = statistics.mean(s.cpu_s for s in pool.stats) / args.picks
        sent = statistics.mean(s.bytes_back for s in pool.stats) / args.picks
        print(f"{workers} worker(s): {wall:6.1f} s wall for {args.trials} trials x {args.picks} picks; per attempt "
              f"{cpu:.2f} CPU s on the worker, {sent / 1e6:.2f} MB sent back")
    speedup = walls[1] / walls[2]
    print(f"speed-up with 2 workers: {speedup:.2f}x (target >= 1.7x: {'met' if speedup >= 1.7 else 'NOT met'})")


if __name__ == "__main__":
    main()
