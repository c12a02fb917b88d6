"""The papers' Tables I-III in the simulation, written to docs/results.md with plots.

    python bench/paper_tables.py                  # all three (about an hour on 2 cores)
    python bench/paper_tables.py --tables 1       # only Table I
    python bench/paper_tables.py --tables 1 --strategies IL RL@50   # only these rows, the others kept
    python bench/paper_tables.py --write-only     # rebuild the page from the saved figures

Each table's figures are saved as JSON under docs/tables/ when computed, so the page can be
rebuilt from tables computed at different times. Needs the trained models (models/, or the
--rl directory of `ivfp-bt train rl` for the RL rows, the demos of `ivfp-bt collect demos`
for Table III).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.tables_io import TABLES_DIR, scene_of, write_page   # noqa: E402


def strategies(rl: Path) -> list[tuple[str, str, dict]]:
    trees = REPO / "trees"
    return [("Centroid", str(trees / "pick_centroid.yaml"), {}), ("Random", str(trees / "pick_random.yaml"), {}),
            ("IL", str(trees / "pick_il.yaml"), {}), ("IL+VitL", str(trees / "pick_vitl.yaml"), {}),
            ("RL@20", str(trees / "pick_il.yaml"), {"policy": str(rl / "iter_020")}),
            ("RL@50", str(trees / "pick_il.yaml"), {"policy": str(rl / "iter_050")})]


def table_one(args: argparse.Namespace) -> dict:
    from ivfp_bt.evaluation.metrics import summarise
    from ivfp_bt.evaluation.trials import run_trials, trial_specs
    rows = _kept_rows(args.strategies, args.scene)
    for objects in ("seen", "unseen"):
        for name, tree, sets in strategies(args.rl):
            if args.strategies and name not in args.strategies:
                continue
            if "policy" in sets and not Path(sets["policy"]).is_dir():
                print(f"  {name}: {sets['policy']} missing, skipped (ivfp-bt train rl)", flush=True)
                continue
            started = time.monotonic()
            specs = trial_specs(tree, args.trials, args.picks, objects, args.out / "table1" / objects / name,
                                1000, sets, args.scene)
            m = summarise(name, run_trials(specs, args.workers))
            rows.append({"strategy": name, "objects": objects, "picks": m.picks, "sr": m.success_rate,
                         "uph": m.units_per_hour, "interventions_h": m.interventions_per_hour,
                         "modes": dict(m.modes)})
            print(f"  {objects:6s} {name:9s} SR {100 * m.success_rate:5.1f}%  UPH {m.units_per_hour:5.1f}  "
                  f"({time.monotonic() - started:.0f} s)", flush=True)
    order = [name for name, _, _ in strategies(args.rl)]
    rows.sort(key=lambda row: (row["objects"] != "seen", order.index(row["strategy"])))
    from ivfp_bt import versions
    return {"scene": args.scene, "trials": args.trials, "picks_per_trial": args.picks, "seeds": "1000-",
            "versions": versions.installed(), "rows": rows}


def _kept_rows(measured: list[str] | None, scene: str) -> list[dict]:
    """With --strategies, the saved rows of the other strategies (the same trials, seeds, scene and versions)."""
    path = TABLES_DIR / "table1.json"
    saved = json.loads(path.read_text()) if path.is_file() else {}
    from ivfp_bt import versions
    if not measured or scene_of(saved) != scene or saved.get("versions") != versions.installed():
        return []   # rows measured with other versions of the physics or models do not mix
    return [row for row in saved["rows"] if row["strategy"] not in measured]


def table_two(args: argparse.Namespace) -> dict:
    from ivfp_bt.training.collect import bin_specs, collect, summarise_runs
    rows = []
    for name, tree in (("full picks", "collect_full.yaml"), ("IVFP", "collect_demos.yaml")):
        # the blind demonstrator (foresight 0), as the saved figures were measured: robot time is the same
        specs = bin_specs(str(REPO / "trees" / tree), args.out / "table2" / tree.removesuffix(".yaml"), args.collect,
                          12, 3000, "seen", {"foresight": "0"} if tree == "collect_demos.yaml" else {}, args.scene)
        interventions, outcomes, shown = [0], {}, _bins_done(name, len(specs))

        def done(result, spec, interventions=interventions, outcomes=outcomes, shown=shown):
            shown(result, spec)
            for pick in (result.pick_log if result else []):
                interventions[0] += bool(pick.get("intervention"))
                outcomes[pick.get("outcome")] = outcomes.get(pick.get("outcome"), 0) + 1
        collect(specs, args.workers, done)
        s = summarise_runs([Path(spec.record_dir) for spec in specs])
        labelled = s.probed if tree == "collect_demos.yaml" else s.attempts   # a full pick's outcome is seen
        rows.append({"method": name, "attempts": s.attempts, "robot_hours": s.robot_s / 3600,
                     "labelled_per_hour": s.per_hour(labelled), "interventions_per_hour": s.per_hour(interventions[0]),
                     "label_accuracy": s.label_accuracy if tree == "collect_demos.yaml" else 1.0})
        print(f"  {name}: {rows[-1]}", flush=True)
    return {"scene": args.scene, "rows": rows}


def _bins_done(label: str, total: int):
    """A `collect` callback printing each bin as it is finished (or found already collected)."""
    count, started = [0], time.monotonic()

    def done(result, spec) -> None:
        count[0] += 1
        print(f"  {label}: bin {count[0]}/{total} {'done' if result else 'already collected'} "
              f"({time.monotonic() - started:.0f} s)", flush=True)
    return done


def table_three(args: argparse.Namespace) -> dict:
    from ivfp_bt.cli.progress import progress_bar, tracker
    from ivfp_bt.training.collect import bin_specs, collect
    from ivfp_bt.training.pipeline import make_classifier
    passive = args.out / "table3" / "demos_passive"
    specs = bin_specs(str(REPO / "trees" / "collect_demos.yaml"), passive, args.passive_demos, 12, 0, "seen",
                      {"passive": "true", "foresight": "0"}, args.scene)
    collect(specs, args.workers, _bins_done("passive probes", len(specs)))
    rows = []
    for name, data, probe_s, is_passive in [("passive", passive, None, True), ("0.5 s", args.demos, 0.5, False),
                                             ("1.0 s", args.demos, 1.0, False), ("1.5 s", args.demos, 1.5, False),
                                             ("2.0 s", args.demos, 2.0, False)]:
        started = time.monotonic()
        with progress_bar() as progress:
            metrics = make_classifier([data], [args.unseen], args.out / "table3" / name.replace(" ", ""), args.epochs,
                                      16, 3e-4, 0, "bench/paper_tables.py --tables 3", tracker(progress),
                                      probe_s=probe_s, passive=is_passive)
        rows.append({"probe": name, **metrics})
        print(f"  {name}: {metrics} ({time.monotonic() - started:.0f} s)", flush=True)
    return {"scene": args.scene, "rows": rows, "epochs": args.epochs, "demos": str(args.demos),
            "unseen": str(args.unseen)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, nargs="+", choices=(1, 2, 3), default=[1, 2, 3])
    parser.add_argument("--trials", type=int, default=10, help="Table I: bins per strategy")
    parser.add_argument("--picks", type=int, default=12, help="Table I: picks per bin")
    parser.add_argument("--strategies", nargs="+", choices=[name for name, _, _ in strategies(Path("."))],
                        help="Table I: measure only these rows, keeping the others saved in docs/tables")
    parser.add_argument("--rl", type=Path, default=Path("runs/rl"), help="Table I: `train rl` output")
    parser.add_argument("--collect", type=int, default=144, help="Table II: attempts per method (about an hour)")
    parser.add_argument("--demos", type=Path, default=Path("data/demos_seen"), help="Table III: active demos")
    parser.add_argument("--unseen", type=Path, default=Path("data/demos_unseen"), help="Table III: unseen demos")
    parser.add_argument("--passive-demos", type=int, default=360, help="Table III: passive probes to collect")
    parser.add_argument("--epochs", type=int, default=12, help="Table III: classifier epochs")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=Path("runs/tables"), help="the runs behind the tables")
    parser.add_argument("--scene", default=None, help="scene configuration version (default: the current frozen "
                        "one); give Table III --demos and --unseen collected on it")
    parser.add_argument("--write-only", action="store_true", help="only rebuild docs/results.md")
    from ivfp_bt.cli.device_option import add_device_argument, apply_device

    add_device_argument(parser)
    args = parser.parse_args()
    apply_device(args)
    from ivfp_bt.sim.scene_config import scene_config
    args.scene = scene_config(args.scene).version
    os.environ.setdefault("MUJOCO_GL", "egl")
    TABLES_DIR.mkdir(parents=True, exist_ok=True)
    for number in ([] if args.write_only else args.tables):
        print(f"Table {'I' * number if number < 4 else number}:", flush=True)
        figures = {1: table_one, 2: table_two, 3: table_three}[number](args)
        (TABLES_DIR / f"table{number}.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(f"wrote {write_page()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
