"""Calibrate a scene configuration against the paper's baselines and a picker that foresees its grasps.

    python bench/work_cell_calibration.py --scene bin-v3                 # about 20 min on 2 cores
    python bench/work_cell_calibration.py --scene bin-v3 --trials 3 --no-unseen
    python bench/work_cell_calibration.py --add --baseline-seeds 7000 8000   # Centroid and Random on 20 more bins
    python bench/work_cell_calibration.py --add --foresight-seeds 7000        # the foresight picker on 10 more
    python bench/work_cell_calibration.py --set order_by=product --out runs/calibration_p   # a draft's setting

On seen items, 10 bins x 12 picks on the calibration seeds (5000 up) and again on other seeds
(6000 up): Centroid, Random and the foresight picker (bench/trees/pick_foresight.yaml: 20 ideas,
Centroid's grasp first, the others spread over the position along the face, the height and the
width); the foresight picker also on unseen items. Neither seed set is Table I's (1000 up) or
the learning's validation seeds, so nothing measured there was tuned here.

From the foresight picker's records: for the picks where Centroid's grasp would fail, the share
that another of the 20 would have picked, and how Centroid's grasp would fail (stall, missed,
slip, twist, tip, multipick, wrong item); per item type, how often each is picked. Prints the
figures, saves docs/tables/calibration_<scene>.json and a plot beside it. With ``--set`` (a draft:
the named configuration with some fields changed) the figures and plot go under --out instead,
and docs/calibration.md is left alone.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.draft_settings import setting   # noqa: E402
from bench.tables_io import TABLES_DIR   # noqa: E402

TREES = {"Centroid": REPO / "trees" / "pick_centroid.yaml", "Random": REPO / "trees" / "pick_random.yaml",
         "Foresight": REPO / "bench" / "trees" / "pick_foresight.yaml"}
TARGETS = {"Centroid": (0.40, 0.50), "Random": (0.25, 0.35)}
FORESIGHT_AT_LEAST = {"seen": 0.85, "unseen": 0.75}
RESCUE_AT_LEAST = 0.70


def run(name: str, objects: str, seed: int, args: argparse.Namespace) -> tuple[dict, list[Path]]:
    """One strategy on one seed set: its metrics, and its trials' run directories."""
    from ivfp_bt.evaluation.metrics import summarise
    from ivfp_bt.evaluation.trials import run_trials
    specs = trials_of(name, objects, seed, args.trials, args)
    # a run directory that exists is resumed by the executive (its picks count): a calibration
    # measures afresh, so the last one's records for these trials go first
    for spec in specs:
        shutil.rmtree(spec.record_dir, ignore_errors=True)
    started = time.monotonic()
    print(f"{name} on {objects} items, seeds {seed}-{seed + args.trials - 1}: ", end="", flush=True)
    results = run_trials(specs, args.workers, lambda r: print(".", end="", flush=True))
    m = summarise(name, results)
    bins = [[b.successes, b.picks] for b in (summarise(name, [r]) for r in results)]
    se = standard_error(bins)
    print(f" SR {100 * m.success_rate:.1f}% ± {100 * se:.1f} of {m.picks} picks "
          f"({(time.monotonic() - started) / 60:.1f} min)")
    return ({"strategy": name, "objects": objects, "seed": seed, "sr": m.success_rate, "se": se,
             "picks": m.picks, "bins": bins, "uph": m.units_per_hour, "modes": dict(m.modes)},
            [Path(s.record_dir) for s in specs])


def trials_of(name: str, objects: str, seed: int, trials: int, args: argparse.Namespace) -> list:
    """The trial specifications of one strategy on one seed set (their run directories under --out)."""
    from ivfp_bt.evaluation.trials import trial_specs
    return trial_specs(str(TREES[name]), trials, args.picks, objects, args.out / f"{objects}_{seed}", seed, {},
                       args.scene, dict(args.set))


def standard_error(bins: list[list[int]]) -> float:
    """The standard error of a success rate over bins, each bin ``[successes, picks]``: a bin's
    picks share its neighbours and its order of targets, so they are not independent draws, and
    the binomial error would understate it (the ratio estimator's error over clusters)."""
    k, picks = len(bins), sum(n for _, n in bins)
    if k < 2 or picks == 0:
        return float("nan")
    rate = sum(s for s, _ in bins) / picks
    return (k / (k - 1) * sum((s - rate * n) ** 2 for s, n in bins)) ** 0.5 / picks


def pooled_rows(rows: list[dict]) -> list[dict]:
    """Each strategy and item set measured on more than one seed set, over all its bins together."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        groups[(r["strategy"], r["objects"])].append(r)
    pooled = []
    for (strategy, objects), group in groups.items():
        if len(group) < 2:
            continue
        bins = [b for r in group for b in r["bins"]]
        picks = sum(n for _, n in bins)
        pooled.append({"strategy": strategy, "objects": objects, "seeds": [r["seed"] for r in group],
                       "sr": sum(s for s, _ in bins) / picks, "se": standard_error(bins), "picks": picks,
                       "trials": len(bins)})
    return pooled


def foresight_audit(run_dirs: list[Path]) -> dict:
    """From the foresight picker's records: Centroid's grasp (its first idea) against the others."""
    from ivfp_bt.sidecar.dataset import chosen_attempts
    picks, centroid_fails, rescued, none_works = 0, 0, 0, 0
    kinds: Counter = Counter()
    by_type: dict[str, Counter] = defaultdict(Counter)
    with chosen_attempts(run_dirs, lambda r: r if r.get("demonstrator_foresaw") else None) as chosen:
        for _, _, record, _ in chosen:
            foresaw, foresaw_kinds = record["demonstrator_foresaw"], record.get("demonstrator_foresaw_kinds", [])
            picks += 1
            counts = by_type[record["pick"]["target_type"]]
            counts["picks"] += 1
            counts["centroid"] += foresaw[0] == "success"
            counts["any"] += "success" in foresaw
            counts["picked"] += record.get("outcome") == "success"
            none_works += "success" not in foresaw
            if foresaw[0] != "success":
                centroid_fails += 1
                rescued += "success" in foresaw[1:]
                kinds[foresaw_kinds[0] if foresaw_kinds else foresaw[0]] += 1
    return {"picks": picks, "centroid_fails": centroid_fails, "rescued": rescued,
            "rescued_share": rescued / centroid_fails if centroid_fails else None, "no_idea_works": none_works,
            "centroid_fail_kinds": dict(kinds.most_common()), "by_type": {t: dict(c) for t, c in sorted(by_type.items())}}


def items_markdown(figures: dict) -> str:
    """Per item type: what makes it hard, and how the foresight picker's picks of it went."""
    from ivfp_bt.sim.items import CATALOGUES
    from ivfp_bt.sim.scene_config import scene_config
    catalogue = CATALOGUES[scene_config(figures["scene"]).catalogue]
    counts = {**figures["audit"].get("seen", {}).get("by_type", {}), **figures["audit"].get("unseen", {}).get("by_type", {})}
    lines = ["| item | set | reason | what makes it hard | picks | Centroid's grasp would pick | some grasp of 20 would |",
             "|---|---|---|---|---:|---:|---:|"]
    for t in catalogue:
        c = counts.get(t.name, {})
        n = c.get("picks", 0)
        cells = [str(n), f"{c.get('centroid', 0)}", f"{c.get('any', 0)}"] if n else ["0", "", ""]
        lines.append(f"| {t.name} | {'seen' if t.seen else 'unseen'} | {t.category} | {t.why} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def results_markdown(figures: dict) -> str:
    """The calibration's figures against its targets, and what Centroid's failures were."""
    lines = [f"Measured with MuJoCo {figures['versions'].get('packages', {}).get('mujoco', '?')}, "
             f"{figures['trials']} bins x {figures['picks_per_trial']} picks per row "
             "(a bin's trial ends early when nothing left can be ordered); ± is one standard error "
             "over bins:\n",
             "| strategy | items | seeds | SR % | ± | picks | target | success | multipick | not picked | wrong item | gave up |",
             "|---|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|"]
    for r in figures["rows"]:
        modes = r["modes"]
        lines.append(f"| {r['strategy']} | {r['objects']} | {r['seed']}-{r['seed'] + figures['trials'] - 1} | "
                     f"{100 * r['sr']:.1f} | {100 * r.get('se', float('nan')):.1f} | {r['picks']} | "
                     f"{_target(r)} | {modes.get('success', 0)} | "
                     f"{modes.get('fail_multipick', 0)} | {modes.get('fail_not_picked', 0)} | "
                     f"{modes.get('fail_wrong_item', 0)} | {modes.get('gave_up', 0)} |")
    for r in pooled_rows(figures["rows"]):
        seeds = ", ".join(f"{s}-{s + figures['trials'] - 1}" for s in r["seeds"])
        lines.append(f"| **{r['strategy']}, pooled** | {r['objects']} | {seeds} | **{100 * r['sr']:.1f}** | "
                     f"{100 * r['se']:.1f} | {r['picks']} | {_target(r)} | | | | | |")
    for objects, a in figures["audit"].items():
        share = "n/a" if a["rescued_share"] is None else f"{100 * a['rescued_share']:.0f}%"
        kinds = ", ".join(f"{k} {v}" for k, v in a["centroid_fail_kinds"].items())
        lines.append(f"\nForesight picker, {objects} items: Centroid's grasp (its first idea) would fail on "
                     f"{a['centroid_fails']} of {a['picks']} picks; another of the 20 would have picked "
                     f"{a['rescued']} of those ({share}; target at least {100 * RESCUE_AT_LEAST:.0f}%), and no idea "
                     f"would for {a['no_idea_works']}. How Centroid's grasp would fail: {kinds}.")
    return "\n".join(lines) + "\n"


def _target(row: dict) -> str:
    lo_hi = TARGETS.get(row["strategy"])
    if lo_hi:
        return f"{100 * lo_hi[0]:.0f}-{100 * lo_hi[1]:.0f}"
    return f">= {100 * FORESIGHT_AT_LEAST[row['objects']]:.0f}" if row["strategy"] == "Foresight" else ""


def write_doc_section(figures: dict, doc: Path) -> None:
    """Replace the results and the per-item table between their markers in ``doc`` (docs/calibration.md)."""
    text = doc.read_text()
    for part, markdown in (("results", results_markdown(figures)), ("items", items_markdown(figures))):
        begin, end = f"<!-- {figures['scene']} {part}: begin -->", f"<!-- {figures['scene']} {part}: end -->"
        if begin not in text or end not in text:
            print(f"{doc} has no {begin} ... {end} markers: the {part} are not written there")
            continue
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + begin + "\n" + markdown + end + tail
    doc.write_text(text)


def plot(figures: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    order = ("Centroid", "Random", "Foresight")
    rows = sorted(figures["rows"], key=lambda r: (order.index(r["strategy"]), r["objects"], r["seed"]))
    bars = [(f"{r['strategy']} {r['seed']}" + (" unseen" if r["objects"] == "unseen" else ""), r, False) for r in rows]
    bars += [(f"{r['strategy']} pooled", r, True) for r in pooled_rows(figures["rows"])]
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.6), gridspec_kw={"width_ratios": [3, 2]})
    colours = {"Centroid": "#4c72b0", "Random": "#dd8452", "Foresight": "#55a868"}
    for x, (_, r, pooled) in enumerate(bars):
        left.bar(x, 100 * r["sr"], yerr=100 * r.get("se", 0.0), capsize=2, color=colours[r["strategy"]],
                 hatch="//" if pooled else None, edgecolor="black" if pooled else None,
                 alpha=0.55 if r["objects"] == "unseen" else 1.0)
    for name, (lo, hi) in TARGETS.items():
        left.axhspan(100 * lo, 100 * hi, alpha=0.12, color=colours[name])
    left.axhline(100 * FORESIGHT_AT_LEAST["seen"], ls="--", lw=0.8, color=colours["Foresight"])
    left.set_xticks(range(len(bars)), [label for label, _, _ in bars], fontsize=7, rotation=60, ha="right")
    left.set_ylabel("success rate %  (± 1 SE over bins)")
    left.set_title(f"{figures['scene']}: success rates (bands: the targets; hatched: pooled)")
    kinds = figures["audit"].get("seen", {}).get("centroid_fail_kinds", {})
    right.barh(list(kinds), list(kinds.values()), color="#8172b3")
    right.invert_yaxis()
    right.set_title("how Centroid's grasp fails (seen, foreseen)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scene", default="bin-v3")
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--picks", type=int, default=12)
    parser.add_argument("--seeds", type=int, nargs=2, default=(5000, 6000), metavar=("CALIBRATION", "OTHER"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-unseen", action="store_true", help="leave out the foresight picker on unseen items")
    parser.add_argument("--no-other-foresight", action="store_true",
                        help="leave out the foresight picker on the other seeds (the longest part, about 25 min)")
    parser.add_argument("--baseline-seeds", type=int, nargs="*", default=[], metavar="SEED",
                        help="more seed sets for Centroid and Random (about 1 min each), pooled with the others: "
                             "ten bins are a small sample (see the standard errors)")
    parser.add_argument("--foresight-seeds", type=int, nargs="*", default=[], metavar="SEED",
                        help="more seed sets for the foresight picker on seen items (about 5 min each), pooled too")
    parser.add_argument("--add", action="store_true",
                        help="add the --baseline-seeds and --foresight-seeds rows to the saved calibration "
                             "instead of measuring it afresh")
    parser.add_argument("--out", type=Path, default=Path("runs/calibration"))
    parser.add_argument("--report-only", action="store_true",
                        help="only redraw the plot and docs/calibration.md's per-item table from the saved figures")
    parser.add_argument("--set", nargs="+", default=[], metavar="FIELD=VALUE", type=setting,
                        help="measure a draft: the scene configuration with these fields changed, e.g. "
                             "order_by=product (figures under --out; docs/calibration.md untouched)")
    args = parser.parse_args()
    from ivfp_bt.errors import UserError
    from ivfp_bt.sim.scene_config import scene_config, with_settings
    try:
        config = with_settings(scene_config(args.scene), dict(args.set))
    except UserError as error:
        print(f"work_cell_calibration: --set: {error}", file=sys.stderr)
        return 2
    # a draft's figures are not the configuration's: they stay with its runs
    out = (args.out if args.set else TABLES_DIR) / f"calibration_{config.version}.json"
    if args.report_only:
        figures = json.loads(out.read_text())
        plot(figures, out.with_suffix(".png"))
        if not args.set:
            write_doc_section(figures, REPO / "docs" / "calibration.md")
        print(f"redrew {out.with_suffix('.png')} from {out}")
        return 0
    from ivfp_bt import versions
    rows, foresight_runs = [], defaultdict(list)
    plan = [(name, "seen", seed) for seed in args.seeds for name in ("Centroid", "Random")]
    plan.append(("Foresight", "seen", args.seeds[0]))
    if not args.no_unseen:
        plan.append(("Foresight", "unseen", args.seeds[0]))
    if not args.no_other_foresight:
        plan.append(("Foresight", "seen", args.seeds[1]))
    audit: dict[str, dict] = {}
    figures = {"scene": config.version, "frozen": config.frozen, "scene_mujoco": config.mujoco,
               "trials": args.trials, "picks_per_trial": args.picks, "seeds": list(args.seeds), "rows": rows,
               "audit": audit, "versions": versions.record(), "settings": dict(args.set)}
    if args.add:
        figures = json.loads(out.read_text())
        if figures.get("settings", {}) != json.loads(json.dumps(dict(args.set))):
            print(f"work_cell_calibration: {out} was measured with --set {figures.get('settings', {})}: "
                  f"add to it with the same settings", file=sys.stderr)
            return 2
        rows, audit, plan = figures["rows"], figures["audit"], []
        for r in rows:   # the audit covers every foresight run, the saved ones too
            if r["strategy"] == "Foresight":
                foresight_runs[r["objects"]] += [Path(spec.record_dir) for spec in
                                                 trials_of("Foresight", r["objects"], r["seed"], figures["trials"], args)]
    plan += [(name, "seen", seed) for seed in args.baseline_seeds for name in ("Centroid", "Random")]
    plan += [("Foresight", "seen", seed) for seed in args.foresight_seeds]
    for name, objects, seed in plan:
        row, dirs = run(name, objects, seed, args)
        rows.append(row)
        if name == "Foresight":
            foresight_runs[objects] += dirs
            audit[objects] = foresight_audit(foresight_runs[objects])
        # saved after each strategy: a long calibration stopped part way keeps what it measured
        out.write_text(json.dumps(figures, indent=1))
    print("\n" + results_markdown(figures))
    plot(figures, out.with_suffix(".png"))
    if not args.set:
        write_doc_section(figures, REPO / "docs" / "calibration.md")
    print(f"wrote {out} and {out.with_suffix('.png')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
