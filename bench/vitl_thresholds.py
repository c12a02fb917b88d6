"""What a lower acceptance threshold would have made of logged verification-in-the-loop picks.

IL+VitL (`trees/pick_vitl.yaml`) probes a pick's candidates in turn and extracts the first whose
P(success) reaches the threshold. Every probed grasp's P(success) and the simulator's truth
(what extracting it would have done) are logged, so for any threshold at or below the one the
run used, the grasp that would have been accepted, and whether it held, can be read back.
Threshold 0 accepts the first probed grasp: the pick without the classifier's verdict.

    python bench/vitl_thresholds.py runs/tables/table1/seen/IL+VitL
    python bench/vitl_thresholds.py RUN_DIR --thresholds 0 0.2 0.4 0.5

A pick whose logged grasps are all below a threshold would, at that threshold, have tried
candidates the run never reached; those are counted as given up (so the figures for thresholds
below the run's are lower bounds only where that happens, and exact otherwise). Later picks of a
bin saw the bin the run left, not the one a different threshold would have left.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def probed_picks(runs: list[Path]) -> list[list[tuple[float, bool]]]:
    """Per pick, its probed grasps in order: (P(success), would it hold)."""
    from ivfp_bt.sidecar.store import RunStore
    from ivfp_bt.training.reinforce import true_outcome

    picks: dict[tuple, list[tuple[float, bool]]] = {}
    for run in runs:
        with RunStore.reader(run) as store:
            for attempt in store.ids():
                record = store.record(attempt)
                pick = record.get("pick") or {}
                grasps = picks.setdefault((str(run), pick.get("seed"), pick.get("pick")), [])
                if record.get("classifier_p_success") is not None and true_outcome(record) is not None:
                    grasps.append((float(record["classifier_p_success"]), true_outcome(record) == "success"))
    return list(picks.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path, help="run directories, or directories holding them")
    parser.add_argument("--thresholds", nargs="+", type=float, default=[0.0, 0.1, 0.2, 0.3, 0.4, 0.5])
    from ivfp_bt.cli.device_option import add_device_argument, apply_device

    add_device_argument(parser)
    args = parser.parse_args()
    apply_device(args)
    from ivfp_bt.sidecar.dataset import find_runs

    picks = probed_picks(find_runs(args.runs))
    print(f"{len(picks)} picks, {sum(map(len, picks))} probed grasps")
    for threshold in args.thresholds:
        accepted = [next((holds for p, holds in grasps if p >= threshold), None) for grasps in picks]
        won, gave_up = sum(a is True for a in accepted), sum(a is None for a in accepted)
        print(f"  threshold {threshold:.2f}: {won}/{len(picks)} picked ({100 * won / max(1, len(picks)):.1f}%), "
              f"{gave_up} with no logged grasp accepted", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
