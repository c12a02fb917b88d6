"""Collecting attempts with a tree over many freshly packed bins, in worker processes.

Each bin is one run directory OUT/bin_<seed>/ of up to ``per_bin`` attempts. A collection
that was interrupted resumes: bins already full are skipped, and a bin left part-way is done
again from scratch (its seed packs the same bin), its first attempts moved, not deleted, to
OUT/interrupted/ so nothing logged is lost and nothing is counted twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from ivfp_bt.evaluation.trials import TrialResult, TrialSpec, move_aside, run_trials
from ivfp_bt.sidecar.store import RunStore

TREES = Path(__file__).resolve().parents[2] / "trees"
DEMO_TREE = TREES / "collect_demos.yaml"
DONE_MARK = "collected"    # written into a bin's run directory when its trial has ended


@dataclass
class CollectionSummary:
    attempts: int = 0
    probed: int = 0
    labels: Counter = field(default_factory=Counter)
    label_correct: int = 0
    robot_s: float = 0.0

    @property
    def label_accuracy(self) -> float:
        return self.label_correct / self.probed if self.probed else 0.0

    def per_hour(self, count: int) -> float:
        return 3600.0 * count / self.robot_s if self.robot_s > 0 else 0.0

    def line(self) -> str:
        success = self.labels.get("success", 0)
        return (f"{self.attempts} attempts, {self.probed} probed and labelled ({success} success, "
                f"{self.probed - success} fail), labels {100 * self.label_accuracy:.1f}% right, "
                f"{self.per_hour(self.probed):.0f} labelled grasps per robot hour")


def bin_specs(tree: str, out: Path, attempts: int, per_bin: int, first_seed: int, objects: str,
              sets: dict[str, str], scene: str | None) -> list[TrialSpec]:
    """The bins that make ``attempts`` attempts, the last one short if need be."""
    specs = []
    for i, start in enumerate(range(0, attempts, per_bin)):
        seed = first_seed + i
        specs.append(TrialSpec(tree, seed, min(per_bin, attempts - start), objects, str(out / f"bin_{seed:05d}"),
                               tuple(sorted(sets.items())), scene))
    return specs


def _finished(spec: TrialSpec) -> bool:
    """A bin whose trial ended (it may have run out of items to order before ``picks``)."""
    return (Path(spec.record_dir) / DONE_MARK).is_file()


def _mark(result: TrialResult) -> None:
    (Path(result.spec.record_dir) / DONE_MARK).write_text(f"{result.stopped} {result.fault}".strip() + "\n")


def collect(specs: list[TrialSpec], workers: int,
            done: Callable[[TrialResult | None, TrialSpec], None] = lambda result, spec: None,
            pool: Executor | None = None) -> None:
    """Run the bins not yet collected; ``done`` hears of each bin as it is finished or skipped."""
    todo = []
    for spec in specs:
        if _finished(spec):
            done(None, spec)
            continue
        move_aside(Path(spec.record_dir))
        todo.append(spec)

    def finished(result: TrialResult) -> None:
        _mark(result)
        done(result, result.spec)
    run_trials(todo, workers, finished, pool)


def summarise_runs(run_dirs: list[Path]) -> CollectionSummary:
    """Counts over the logged attempts: what was labelled, and how often the label was right."""
    summary = CollectionSummary()
    for run_dir in run_dirs:
        if not (Path(run_dir) / "records.sqlite").is_file():
            continue   # a bin whose trial stopped before it logged anything
        with RunStore.reader(run_dir) as store:
            for attempt in store.ids():
                record = store.record(attempt)
                summary.attempts += 1
                summary.robot_s += _robot_seconds(record)
                label = record.get("label")
                if label is None:
                    continue
                summary.probed += 1
                summary.labels[label] += 1
                truth = record.get("foreseen_outcome") or record.get("outcome")
                summary.label_correct += (label == "success") == (truth == "success")
    return summary


def _robot_seconds(record: dict) -> float:
    """The robot time an attempt took: the leaves log their durations as <Leaf>_s."""
    return sum(v for k, v in record.items() if k.endswith("_s") and isinstance(v, (int, float)))
