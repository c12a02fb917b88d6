"""How much a better grasp choice could gain in the simulated work-cell: the success rate of a
picker that foresees its grasps (bench/trees/pick_foresight.yaml), on Table I's bins.

    python bench/work_cell_ceiling.py                  # 10 bins x 12 picks, 20 ideas (about 10 min on 2 cores)
    python bench/work_cell_ceiling.py --foresight 6 --trials 3

Prints its SR beside Centroid's (docs/tables/table1.json, when measured on the same scene), and
for how many picks none of the ideas would have succeeded, for the first two picks of a bin and
for the later ones; saves the figures to docs/tables/ceiling.json for docs/results.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.tables_io import TABLES_DIR, scene_of, write_page   # noqa: E402

TREE = REPO / "bench" / "trees" / "pick_foresight.yaml"


def foresight_by_pick(run_dirs: list[Path]) -> dict[str, dict[str, int]]:
    """Per group of picks (a bin's first two, the rest): picks, successes, and picks where no idea
    was foreseen to succeed."""
    from ivfp_bt.sidecar.dataset import chosen_attempts
    groups: dict[str, Counter] = {"first two": Counter(), "later": Counter()}
    with chosen_attempts(run_dirs, lambda r: r if "demonstrator_foresaw" in r else None) as chosen:
        for _, _, record, _ in chosen:
            group = groups["first two" if record["pick"]["pick"] <= 2 else "later"]
            group["picks"] += 1
            group["success"] += record.get("outcome") == "success"
            group["no_idea_works"] += "success" not in record["demonstrator_foresaw"]
    return {name: dict(counts) for name, counts in groups.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--picks", type=int, default=12)
    parser.add_argument("--foresight", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scene", default=None, help="scene configuration version (default: the current frozen one)")
    parser.add_argument("--out", type=Path, default=Path("runs/ceiling"))
    args = parser.parse_args()
    from ivfp_bt.evaluation.metrics import summarise
    from ivfp_bt.evaluation.trials import run_trials, trial_specs
    from ivfp_bt.sim.scene_config import scene_config
    scene = scene_config(args.scene).version
    started = time.monotonic()
    specs = trial_specs(str(TREE), args.trials, args.picks, "seen", args.out, 1000,
                        {"foresight": str(args.foresight)}, scene)
    m = summarise("foresight", run_trials(specs, args.workers, lambda r: print(".", end="", flush=True)))
    groups = foresight_by_pick([Path(spec.record_dir) for spec in specs])
    table1 = TABLES_DIR / "table1.json"
    saved = json.loads(table1.read_text()) if table1.is_file() else {}
    centroid = next((r["sr"] for r in saved.get("rows", []) if r["strategy"] == "Centroid"
                     and r["objects"] == "seen"), None) if scene_of(saved) == scene else None
    figures = {"scene": scene, "trials": args.trials, "picks_per_trial": args.picks, "foresight": args.foresight,
               "sr": m.success_rate, "uph": m.units_per_hour, "modes": dict(m.modes), "centroid_sr": centroid,
               "groups": groups, "minutes": (time.monotonic() - started) / 60}
    line = f"\nforesight {args.foresight}: SR {100 * m.success_rate:.1f}% of {m.picks} picks"
    print(line + (f" (Centroid {100 * centroid:.1f}%)" if centroid is not None else ""))
    for name, g in groups.items():
        print(f"  {name:9s} picks {g.get('picks', 0):3d}  succeeded {g.get('success', 0):3d}  "
              f"no idea of {args.foresight} would succeed {g.get('no_idea_works', 0):3d}")
    (TABLES_DIR / "ceiling.json").write_text(json.dumps(figures, indent=1))
    print(f"wrote {TABLES_DIR / 'ceiling.json'} and {write_page()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
