"""The second paper's tables in the simulation, written into docs/results.md with a plot.

    python bench/anticipation_tables.py                      # both (about 45 min on 2 cores)
    python bench/anticipation_tables.py --tables modalities  # teacher and students per modality
    python bench/anticipation_tables.py --tables monitor     # Table I with the monitor added

modalities: a teacher and students (1 s, 2 s ahead) for each of RGB, D, F, RGB-D, RGB-F and
RGB-D-F, trained on the clips of `ivfp-bt collect clips` with `train anticipation`'s pipeline,
scored on the test bins. The RGB-D-F row is read from the shipped models' cards (--shipped)
when they exist, as those are what the monitor runs.
monitor: pick_vitl_anticipate.yaml on the seeds of Table I, against IL+VitL's row there, and
how often the monitor stopped a motion that was going to fail (the simulator foresees it).
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

COMBOS = (("rgb",), ("depth",), ("flow",), ("rgb", "depth"), ("rgb", "flow"), ("rgb", "depth", "flow"))


def _shipped(directory: Path) -> dict | None:
    cards = {name: directory / name / "training.json" for name in ("teacher", "student_1s", "student_2s")}
    if not all(card.is_file() for card in cards.values()):
        return None
    read = {name: json.loads(card.read_text()) for name, card in cards.items()}
    return {**{name: card["metrics"] for name, card in read.items()}, "epochs": read["teacher"]["data"]["epochs"]}


def table_modalities(args: argparse.Namespace) -> dict:
    from ivfp_bt.training.pipeline import AnticipationPlan, make_anticipation
    rows = []
    for combo in COMBOS:
        started = time.monotonic()
        metrics = _shipped(args.shipped) if combo == COMBOS[-1] else None
        source = str(args.shipped) if metrics else "trained here"
        if metrics is None:
            plan = AnticipationPlan(modalities=combo, epochs=args.epochs, seed=args.seed, calibrate=False)
            metrics = make_anticipation([args.data], args.out / "modalities" / "-".join(combo), plan,
                                        "bench/anticipation_tables.py --tables modalities")
        epochs = metrics.get("epochs", args.epochs)
        rows.append({"modalities": list(combo), "source": source, "epochs": epochs,
                     **{name: metrics[name]["test"] for name in ("teacher", "student_1s", "student_2s")},
                     "monitor": {name: metrics[name].get("monitor") for name in ("student_1s", "student_2s")}})
        print(f"  {'-'.join(combo):16s} " + "  ".join(f"{name} F1 {100 * metrics[name]['test'].get('f1', 0):.1f}"
                                                      for name in ("teacher", "student_1s", "student_2s"))
              + f"  ({time.monotonic() - started:.0f} s)", flush=True)
    monitor_traces(args.data, args.shipped / "student_1s", TABLES_DIR / "anticipation_traces.png")
    return {"epochs": args.epochs, "rows": rows}


def monitor_traces(data: Path, student: Path, path: Path, each: int = 3) -> None:
    """A plot of the shipped student's P(failure) replayed over test clips, failures and successes."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ivfp_bt.models.checkpoints import load_anticipator
    from ivfp_bt.sidecar.dataset import find_runs
    from ivfp_bt.training.anticipation import split_bins
    from ivfp_bt.training.clip_data import load_clips
    from ivfp_bt.training.monitor_replay import replay

    if not (student / "config.json").is_file():
        return
    model, clips = load_anticipator(student), load_clips(find_runs([data]))
    test = [clips[i] for i in split_bins(clips).test]
    chosen = [c for c in test if c.failed][:each] + [c for c in test if not c.failed][:each]
    fig, axes = plt.subplots(2, each, figsize=(3.2 * each, 5), sharey=True, squeeze=False)
    for ax, clip in zip(axes.flat, chosen):
        r = replay(model, clip)
        ax.plot(r.times - clip.start, r.p_failure, color="tab:red" if clip.failed else "tab:green")
        ax.axhline(model.config.alarm_threshold, color="grey", linestyle=":", linewidth=1)
        if clip.failed:
            ax.axvline(clip.moment - clip.start, color="black", linewidth=1)
        ax.set_title(clip.kind or ("failure" if clip.failed else "success"), fontsize=9)
        ax.set_ylim(0, 1)
    for ax in axes[:, 0]:
        ax.set_ylabel("P(failure)")
    for ax in axes[-1]:
        ax.set_xlabel("s into the clip")
    fig.suptitle(f"{student.name} replayed on test clips (dotted: alarm threshold; black: the failure)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def monitor_decisions(run_dirs: list[Path]) -> dict:
    """How often the monitor stopped a motion, and how often the simulator says rightly."""
    from ivfp_bt.sidecar.dataset import chosen_attempts
    fired = right = watched = 0
    with chosen_attempts(run_dirs, lambda r: True if "monitor_updates" in r else None) as chosen:
        for _, _, record, _ in chosen:
            watched += 1
            if record.get("monitor_fired_at") is not None:
                fired += 1
                right += record.get("foreseen_outcome") not in (None, "success")
    return {"watched": watched, "fired": fired, "fired_rightly": right}


def table_monitor(args: argparse.Namespace) -> dict:
    from ivfp_bt.evaluation.metrics import summarise
    from ivfp_bt.evaluation.trials import run_trials, trial_specs
    tree = str(REPO / "trees" / "pick_vitl_anticipate.yaml")
    specs = trial_specs(tree, args.trials, args.picks, "seen", args.out / "monitor", 1000, {}, args.scene)
    started = time.monotonic()
    m = summarise("IL+VitL+anticipation", run_trials(specs, args.workers))
    row = {"strategy": "IL+VitL+anticipation", "picks": m.picks, "sr": m.success_rate, "uph": m.units_per_hour,
           "interventions_h": m.interventions_per_hour, "modes": dict(m.modes),
           **monitor_decisions([Path(s.record_dir) for s in specs])}
    print(f"  {row} ({time.monotonic() - started:.0f} s)", flush=True)
    # the row to compare with is IL+VitL's in Table I as it stands (measure that one with the same policy)
    one = TABLES_DIR / "table1.json"
    saved = json.loads(one.read_text()) if one.is_file() else {}
    rows = saved.get("rows", []) if scene_of(saved) == args.scene else []
    baseline = next((r for r in rows if r["strategy"] == "IL+VitL" and r["objects"] == "seen"), None)
    return {"scene": args.scene, "trials": args.trials, "picks_per_trial": args.picks, "row": row,
            "baseline": baseline}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", nargs="+", choices=("modalities", "monitor"), default=["modalities", "monitor"])
    parser.add_argument("--data", type=Path, default=Path("data/clips"), help="clips (ivfp-bt collect clips)")
    parser.add_argument("--shipped", type=Path, default=REPO / "models" / "anticipation")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--trials", type=int, default=10, help="monitor: bins (Table I's seeds 1000 up)")
    parser.add_argument("--picks", type=int, default=12, help="monitor: picks per bin")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=Path("runs/tables/anticipation"))
    parser.add_argument("--scene", default=None, help="monitor: scene configuration version (default: the current "
                        "frozen one)")
    from ivfp_bt.cli.device_option import add_device_argument, apply_device

    add_device_argument(parser)
    args = parser.parse_args()
    apply_device(args)
    from ivfp_bt.sim.scene_config import scene_config
    args.scene = scene_config(args.scene).version
    os.environ.setdefault("MUJOCO_GL", "egl")
    TABLES_DIR.mkdir(parents=True, exist_ok=True)
    path = TABLES_DIR / "anticipation.json"
    figures = json.loads(path.read_text()) if path.is_file() else {}
    for table in args.tables:
        print(f"{table}:", flush=True)
        figures[table] = {"modalities": table_modalities, "monitor": table_monitor}[table](args)
        path.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"wrote {write_page()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
