"""A run's store: SQLite in WAL mode for records, compressed .npz files for images and videos.

Crash safety (kill -9 at any instant): an attempt's arrays are written to a temporary file,
flushed and renamed into place before the row that names them is committed, in one
transaction with its status changes. So a committed attempt always has its files, and a kill
loses at most the attempt being written; a stray file without a row is ignored. WAL with
synchronous=NORMAL survives a killed process (not a power cut mid-write). Opening an
existing run directory resumes it: attempt numbers continue.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ivfp_bt.errors import UserError

SCHEMA = """
CREATE TABLE IF NOT EXISTS run (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS attempt (
    id INTEGER PRIMARY KEY,
    started REAL NOT NULL, finished REAL NOT NULL,
    record TEXT NOT NULL,          -- JSON: scene, candidates, action, probabilities, reward, outcome...
    arrays TEXT                    -- the .npz file with this attempt's images and videos
);
CREATE TABLE IF NOT EXISTS transition (
    attempt INTEGER NOT NULL REFERENCES attempt(id),
    tick INTEGER NOT NULL, time REAL NOT NULL, node TEXT NOT NULL, status TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS transition_attempt ON transition(attempt);
"""


@dataclass
class Attempt:
    """One pick attempt as it is logged: JSON-able fields, named arrays, and node status changes."""

    started: float
    finished: float
    record: dict[str, Any]
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    transitions: list[tuple[int, float, str, str]] = field(default_factory=list)   # tick, time, node, status


class RunStore:
    def __init__(self, run_dir: str | Path, meta: dict[str, Any] | None = None):
        self.dir = Path(run_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "arrays").mkdir(exist_ok=True)
        try:
            self._db = sqlite3.connect(self.dir / "records.sqlite", check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
        except sqlite3.DatabaseError as e:
            raise UserError(f"{self.dir / 'records.sqlite'}: not a run store ({e})") from None
        if meta:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO run VALUES (?, ?)",
                                     [(k, json.dumps(v)) for k, v in meta.items()])

    def next_id(self) -> int:
        (last,) = self._db.execute("SELECT COALESCE(MAX(id), 0) FROM attempt").fetchone()
        return int(last) + 1

    def write(self, attempt: Attempt) -> int:
        """Store one finished attempt; returns its id. Files first, then one transaction."""
        attempt_id = self.next_id()
        name = None
        if attempt.arrays:
            name = f"arrays/attempt_{attempt_id:06d}.npz"
            tmp = self.dir / (name + ".tmp")
            with open(tmp, "wb") as f:
                np.savez_compressed(f, **attempt.arrays)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.dir / name)
        with self._db:
            self._db.execute("INSERT INTO attempt VALUES (?, ?, ?, ?, ?)",
                             (attempt_id, attempt.started, attempt.finished, json.dumps(attempt.record), name))
            self._db.executemany("INSERT INTO transition VALUES (?, ?, ?, ?, ?)",
                                 [(attempt_id, *t) for t in attempt.transitions])
        return attempt_id

    def meta(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self._db.execute("SELECT key, value FROM run")}

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM attempt").fetchone()[0])

    def record(self, attempt_id: int) -> dict[str, Any]:
        row = self._db.execute("SELECT record FROM attempt WHERE id = ?", (attempt_id,)).fetchone()
        if row is None:
            raise KeyError(attempt_id)
        return json.loads(row[0])

    def arrays(self, attempt_id: int, keys: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
        """The attempt's arrays, or only ``keys`` of them (each is decompressed only if read)."""
        row = self._db.execute("SELECT arrays FROM attempt WHERE id = ?", (attempt_id,)).fetchone()
        if row is None:
            raise KeyError(attempt_id)
        if row[0] is None:
            return {}
        with np.load(self.dir / row[0]) as data:
            return {k: data[k] for k in data.files if keys is None or k in keys}

    def transitions(self, attempt_id: int) -> list[tuple[int, float, str, str]]:
        return [tuple(r) for r in self._db.execute(
            "SELECT tick, time, node, status FROM transition WHERE attempt = ? ORDER BY rowid", (attempt_id,))]

    def ids(self) -> list[int]:
        return [r[0] for r in self._db.execute("SELECT id FROM attempt ORDER BY id")]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "RunStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
