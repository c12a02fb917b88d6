"""Faults thrown at a recording run, and what held: kill -9 at random moments, Ctrl-C followed
by SIGTERM 50 ms later. Bounded in count and time; nothing leaves this machine.

    MUJOCO_GL=egl python bench/run_probes.py [--kills 10] [--double-signals 5]   # about 6 min

For each kill: is every stored attempt readable (record and arrays), and does the run directory
then resume (exit 0) without storing a pick twice. For each double signal: the exit code (130
expected), whether the summary was printed, and whether the last records were written.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ivfp_bt.sidecar.store import RunStore, UnreadableAttempt   # noqa: E402

TREE = str(REPO / "trees" / "collect_demos.yaml")


def start(run_dir: Path, picks: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ivfp_bt", "run", TREE, "--picks", str(picks), "--tick-hz", "0",
                             "--seed", "7", "--record", str(run_dir)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "MUJOCO_GL": "egl"})


def readable(run_dir: Path) -> tuple[int, int]:
    """(attempts stored, attempts whose record or arrays cannot be read)."""
    if not (run_dir / "records.sqlite").is_file():
        return 0, 0
    with RunStore.reader(run_dir) as store:
        bad = 0
        for attempt in store.ids():
            try:
                store.record(attempt)
                store.check_arrays(attempt)
            except (UnreadableAttempt, KeyError, ValueError):
                bad += 1
        return len(store), bad


def kill_probe(tmp: Path, index: int, rng: random.Random) -> str:
    run_dir = tmp / f"kill_{index}"
    process = start(run_dir, 50)
    delay = rng.uniform(4.0, 25.0)   # from start-up to several attempts in
    time.sleep(delay)
    process.kill()
    process.communicate()
    stored, bad = readable(run_dir)
    done = RunStore.reader(run_dir).picks_done() if stored else 0
    resumed = start(run_dir, done + 1)
    _, err = resumed.communicate(timeout=180)
    after = RunStore.reader(run_dir).picks_done() if (run_dir / "records.sqlite").is_file() else 0
    held = bad == 0 and resumed.returncode == 0 and after == done + 1
    return (f"kill -9 at {delay:4.1f} s: {stored} attempts stored, {bad} unreadable; resumed: exit "
            f"{resumed.returncode}, picks {done} -> {after}  {'held' if held else 'FAILED: ' + err[-200:]}")


def double_signal_probe(tmp: Path, index: int) -> str:
    run_dir = tmp / f"signals_{index}"
    process = start(run_dir, 50)
    time.sleep(6.0)
    process.send_signal(signal.SIGINT)
    time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    summary = "stopped: interrupted" in out
    stored, bad = readable(run_dir)
    held = process.returncode == 130 and summary and bad == 0
    return (f"Ctrl-C then SIGTERM: exit {process.returncode}, summary printed: {summary}, {stored} attempts "
            f"stored, {bad} unreadable  {'held' if held else 'FAILED: ' + err[-200:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--double-signals", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        lines = [kill_probe(Path(tmp), i, rng) for i in range(min(args.kills, 20))]
        for line in lines:
            print(line, flush=True)
        for i in range(min(args.double_signals, 10)):
            print(double_signal_probe(Path(tmp), i), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
