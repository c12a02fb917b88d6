"""Finished runs for the page to replay: which runs there are, each run's timeline of node
status changes (with the tree's shape), and each attempt's record, head image and probe video."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import numpy as np

from ivfp_bt.errors import UserError
from ivfp_bt.sidecar.store import RunStore, UnreadableAttempt, warn_skipped
from ivfp_bt.web.pictures import filmstrip, head_picture, jpeg

SUMMARY_FIELDS = ("label", "outcome", "foreseen_outcome", "reward", "classifier_p_success", "pick_result", "ignored")


class RunNotFound(UserError):
    """No such run under the library's root, or no such attempt in it."""


class RunLibrary:
    """The run directories under ``root``, named by their path relative to it."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()

    def runs(self) -> list[dict[str, Any]]:
        if not self.root.is_dir():
            return []
        found = sorted(p.parent for p in self.root.rglob("records.sqlite"))
        listed = []
        for run_dir in found:
            try:
                with RunStore.reader(run_dir) as store:
                    meta = store.meta()
                    listed.append({"run": run_dir.relative_to(self.root).as_posix() or ".", "attempts": len(store),
                                   "tree": meta.get("tree"),
                                   "modified": run_dir.joinpath("records.sqlite").stat().st_mtime})
            except (UserError, sqlite3.Error, ValueError) as error:   # one bad run hides no other
                warn_skipped(error)
        return listed

    def open(self, run: str) -> RunStore:
        """The run's store; a name outside the root or without records is ``RunNotFound``."""
        run_dir = (self.root / run).resolve()
        if not run_dir.is_relative_to(self.root) or not (run_dir / "records.sqlite").is_file():
            raise RunNotFound(f"no run {run!r} under {self.root}")
        return RunStore.reader(run_dir)

    def timeline(self, run: str) -> dict[str, Any]:
        """The tree's nodes, every logged status change as [tick, time, node index, status, attempt],
        and each attempt's tick range and outcome."""
        with self.open(run) as store:
            meta = store.meta()
            events, attempts = [], []
            paths = [node["path"] for node in meta.get("tree_nodes", [])]
            index = {path: i for i, path in reversed(list(enumerate(paths)))}   # the first node of a path
            nodes = list(meta.get("tree_nodes", []))
            for attempt in store.ids():
                changes = store.transitions(attempt)
                for tick, time, path, status in changes:
                    if path not in index:      # a run logged before the shape was kept: grow it from paths
                        index[path] = len(nodes)
                        nodes.append(_node_from_path(path, index))
                    events.append([tick, round(time, 3), index[path], status, attempt])
                record = store.record(attempt)
                ticks = [change[0] for change in changes] or [None]
                attempts.append({"id": attempt, "first_tick": ticks[0], "last_tick": ticks[-1],
                                 **{k: record[k] for k in SUMMARY_FIELDS if k in record}})
        return {"run": run, "tree": meta.get("tree"), "nodes": nodes, "events": events, "attempts": attempts}

    def attempt(self, run: str, attempt: int) -> dict[str, Any]:
        with self.open(run) as store:
            try:
                record = store.record(attempt)
            except KeyError:
                raise RunNotFound(f"run {run!r} has no attempt {attempt}") from None
            return {"id": attempt, "record": record}

    def head_jpeg(self, run: str, attempt: int) -> bytes | None:
        with self.open(run) as store:
            record, arrays = self._arrays(store, run, attempt, ("rgb", "mask"))
        if "rgb" not in arrays:
            return None
        chosen = record.get("grasp")
        return jpeg(head_picture(arrays["rgb"], arrays.get("mask"), record.get("candidates", []), chosen))

    def probe_jpeg(self, run: str, attempt: int) -> tuple[bytes, int] | None:
        with self.open(run) as store:
            _, arrays = self._arrays(store, run, attempt, ("probe_video",))
        video: np.ndarray | None = arrays.get("probe_video")
        if video is None or len(video) == 0:
            return None
        return jpeg(filmstrip(video)), len(video)

    @staticmethod
    def _arrays(store: RunStore, run: str, attempt: int, keys: tuple[str, ...]) -> tuple[dict, dict]:
        """The attempt's record and arrays; no arrays (no pictures) when they cannot be read."""
        try:
            record = store.record(attempt)
            return record, store.arrays(attempt, keys)
        except KeyError:
            raise RunNotFound(f"run {run!r} has no attempt {attempt}") from None
        except UnreadableAttempt as error:
            warn_skipped(error)
            return record, {}


def _node_from_path(path: str, index: dict[str, int]) -> dict[str, Any]:
    parent_path, _, name = path.rpartition("/")
    return {"path": path, "name": name, "type": "", "kind": "node", "settings": [],
            "parent": index.get(parent_path, -1)}
