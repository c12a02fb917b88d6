"""Logged attempts as a torch Dataset, for training the models on what the robot did.

An item is a dict of tensors and labels from one attempt: the head image, depth and target
mask, the probe video (T, 3, 224, 224, uint8), the grasp action (width, u, v) with the
behaviour policy's probability, the reward, the label and the ground-truth outcome where they
were logged. ``require`` keeps only attempts that have the given fields (e.g. a probe video
and a label for the classifier).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ivfp_bt.errors import UserError
from ivfp_bt.sidecar.store import RunStore, UnreadableAttempt, warn_skipped

ARRAY_KEYS = {"rgb", "depth", "mask", "probe_video"}


def find_runs(paths: Iterable[str | Path]) -> list[Path]:
    """Run directories named, or found under the directories named (a collection or an
    evaluation holds one per bin); a path with none is a UserError."""
    runs: list[Path] = []
    for path in map(Path, paths):
        found = [path] if (path / "records.sqlite").is_file() else _runs_under(path) if path.is_dir() else []
        if not found:
            raise UserError(f"{path}: no run directories here (no records.sqlite)")
        runs += found
    return runs


def _runs_under(path: Path) -> list[Path]:
    children = [child for child in sorted(path.iterdir()) if (child / "records.sqlite").is_file()]
    return children or sorted(p.parent for p in path.rglob("records.sqlite"))


@contextmanager
def chosen_attempts(run_dirs: Iterable[str | Path], choose: Callable[[dict], Any]
                    ) -> Iterator[list[tuple[RunStore, int, dict, Any]]]:
    """(store, attempt, record, what ``choose`` said) for each logged attempt ``choose`` says
    something other than None of, whose arrays can be read (others are skipped with a
    warning); the stores stay open, read-only, inside the ``with`` to read arrays."""
    stores = [RunStore.reader(run) for run in _existing_runs(run_dirs)]
    try:
        chosen = []
        for store in stores:
            for attempt in store.ids():
                record = store.record(attempt)
                value = choose(record)
                if value is not None and _readable(store, attempt):
                    chosen.append((store, attempt, record, value))
        yield chosen
    finally:
        for store in stores:
            store.close()


def _existing_runs(run_dirs: Iterable[str | Path]) -> list[Path]:
    """The run directories, checked to exist: opening a RunStore creates one, and a reader must
    not (a bare string passed for a list once made a run directory of each of its letters)."""
    if isinstance(run_dirs, (str, Path)):
        raise TypeError(f"run_dirs must be a list of run directories, not the single path {run_dirs!r}")
    runs = [Path(run) for run in run_dirs]
    for run in runs:
        if not (run / "records.sqlite").is_file():
            raise UserError(f"{run}: not a run directory (no records.sqlite)")
    return runs


def _readable(store: RunStore, attempt: int) -> bool:
    try:
        store.check_arrays(attempt)
    except UnreadableAttempt as error:
        warn_skipped(error)
        return False
    return True


class AttemptDataset(torch.utils.data.Dataset):
    """Every readable attempt of the runs (read-only; an unreadable one is skipped with a warning)."""

    def __init__(self, run_dirs: Iterable[str | Path], require: Iterable[str] = ()):
        self.stores: list[RunStore] = []
        self.index: list[tuple[int, int]] = []
        require = tuple(require)
        for run_dir in _existing_runs(run_dirs):
            store = RunStore.reader(run_dir)
            self.stores.append(store)
            for attempt in store.ids():
                if _readable(store, attempt) and all(self._has(store, attempt, key) for key in require):
                    self.index.append((len(self.stores) - 1, attempt))

    @staticmethod
    def _has(store: RunStore, attempt: int, key: str) -> bool:
        if key in ARRAY_KEYS:
            return key in store.arrays(attempt)
        return store.record(attempt).get(key) is not None

    def __len__(self) -> int:
        return len(self.index)

    def __getitem__(self, i: int) -> dict[str, Any]:
        store_index, attempt = self.index[i]
        store = self.stores[store_index]
        record, arrays = store.record(attempt), store.arrays(attempt)
        grasp = record.get("grasp", {})
        item: dict[str, Any] = {
            "run": str(store.dir), "attempt": attempt, "pick": record.get("pick", {}),
            "action": torch.tensor([grasp.get("width", np.nan), grasp.get("u", -1), grasp.get("v", -1)],
                                   dtype=torch.float32),
            "probability": float(grasp.get("probability", np.nan)),
            "reward": record.get("reward"), "label": record.get("label"),
            "outcome": record.get("outcome") or record.get("foreseen_outcome"),
        }
        if "rgb" in arrays:
            item["rgb"] = torch.from_numpy(arrays["rgb"]).permute(2, 0, 1)
            item["depth"] = torch.from_numpy(arrays["depth"])
        if "mask" in arrays:
            item["mask"] = torch.from_numpy(arrays["mask"])
        if "probe_video" in arrays:
            item["probe_video"] = torch.from_numpy(arrays["probe_video"]).permute(0, 3, 1, 2)
        return item
