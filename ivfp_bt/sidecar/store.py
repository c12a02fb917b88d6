"""A run's store: SQLite in WAL mode for records, compressed .npz files for images and videos.

Crash safety (kill -9 at any instant): an attempt's arrays are written to a temporary file,
flushed and renamed into place before the row that names them is committed, in one
transaction with its status changes. So a committed attempt always has its files, and a kill
loses at most the attempt being written; a stray file without a row is ignored. WAL with
synchronous=NORMAL survives a killed process (not a power cut mid-write); a temporary file
a kill left behind is removed when the run is opened again. Opening an existing run directory
resumes it: attempt numbers continue, the run's first metadata is kept (each session's own is
in ``sessions``), and finished picks are counted in ``pick`` so a resume never repeats one.

Readers open a store with ``RunStore.reader``: read-only, so a run on a read-only mount can
be served, exported and trained on, and nothing is ever written into what they read. An
attempt whose arrays are missing, truncated or named outside the run raises
``UnreadableAttempt``, which readers skip with a warning naming it.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import urllib.parse
import zipfile
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
CREATE TABLE IF NOT EXISTS session (id INTEGER PRIMARY KEY, meta TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pick (number INTEGER PRIMARY KEY, session INTEGER, result TEXT, outcome TEXT);
"""
READ_ERRORS = (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile)


class UnreadableAttempt(UserError):
    """An attempt whose arrays cannot be read; the message names the run, the attempt and why."""


def warn_skipped(error: Exception) -> None:
    """Readers skip what they cannot read and say so, naming it (on stderr through logging)."""
    logging.getLogger("ivfp_bt.sidecar").warning("warning: skipped %s", error)


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
        """Open (or create) ``run_dir`` to record into; ``meta`` describes this session."""
        self.dir = Path(run_dir)
        self.readonly = False
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "arrays").mkdir(exist_ok=True)
        for stray in (self.dir / "arrays").glob("*.npz.tmp"):   # a write a kill cut short
            stray.unlink(missing_ok=True)
        try:
            self._db = sqlite3.connect(self.dir / "records.sqlite", check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
        except sqlite3.DatabaseError as e:
            raise UserError(f"{self.dir / 'records.sqlite'}: not a run store ({e})") from None
        self.session = 0
        if meta:
            with self._db:   # the run's first description stays; every session keeps its own
                self._db.executemany("INSERT OR IGNORE INTO run VALUES (?, ?)",
                                     [(k, json.dumps(v)) for k, v in meta.items()])
                self.session = int(self._db.execute("INSERT INTO session (meta) VALUES (?)",
                                                    (json.dumps(meta),)).lastrowid)

    @classmethod
    def reader(cls, run_dir: str | Path) -> "RunStore":
        """Open an existing run read-only (a read-only mount too); creates and writes nothing."""
        store = cls.__new__(cls)
        store.dir, store.readonly, store.session = Path(run_dir), True, 0
        path = store.dir / "records.sqlite"
        if not path.is_file():
            raise UserError(f"{store.dir}: not a run directory (no records.sqlite)")
        # a store on a read-only mount cannot take WAL's shared-memory file: read it as immutable
        flags = "mode=ro" if os.access(store.dir, os.W_OK) else "mode=ro&immutable=1"
        try:
            store._db = sqlite3.connect(f"file:{urllib.parse.quote(str(path.resolve()))}?{flags}", uri=True,
                                        check_same_thread=False)
            tables = {row[0] for row in store._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as e:
            raise UserError(f"{path}: not a run store ({e})") from None
        if not {"run", "attempt", "transition"} <= tables:
            store._db.close()
            raise UserError(f"{path}: not a run store (no attempt table: an empty or foreign database)")
        return store

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
            try:
                with open(tmp, "wb") as f:
                    np.savez_compressed(f, **attempt.arrays)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, self.dir / name)
            except BaseException:
                tmp.unlink(missing_ok=True)   # a full disk leaves no half file behind
                raise
        with self._db:
            self._db.execute("INSERT INTO attempt VALUES (?, ?, ?, ?, ?)",
                             (attempt_id, attempt.started, attempt.finished, json.dumps(attempt.record), name))
            self._db.executemany("INSERT INTO transition VALUES (?, ?, ?, ?, ?)",
                                 [(attempt_id, *t) for t in attempt.transitions])
        return attempt_id

    def meta(self) -> dict[str, Any]:
        """The run's description as its first session recorded it."""
        return {k: json.loads(v) for k, v in self._db.execute("SELECT key, value FROM run")}

    def sessions(self) -> list[dict[str, Any]]:
        """Each recording session's description, first to last (empty for runs logged before sessions)."""
        if not self._has_table("session"):
            return []
        return [json.loads(row[0]) for row in self._db.execute("SELECT meta FROM session ORDER BY id")]

    def write_pick(self, number: int, result: str, outcome: str | None) -> None:
        """A finished pick: what the tree said and, where known, what really happened."""
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO pick VALUES (?, ?, ?, ?)", (number, self.session, result, outcome))

    def picks_done(self) -> int:
        """How many picks this run has finished, over every session."""
        if not self._has_table("pick"):
            return 0
        return int(self._db.execute("SELECT COUNT(*) FROM pick").fetchone()[0])

    def _has_table(self, name: str) -> bool:
        return self._db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() \
            is not None

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM attempt").fetchone()[0])

    def record(self, attempt_id: int) -> dict[str, Any]:
        row = self._db.execute("SELECT record FROM attempt WHERE id = ?", (attempt_id,)).fetchone()
        if row is None:
            raise KeyError(attempt_id)
        return json.loads(row[0])

    def arrays(self, attempt_id: int, keys: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
        """The attempt's arrays, or only ``keys`` of them (each is decompressed only if read);
        ``UnreadableAttempt`` when its file is missing, damaged or not inside this run."""
        path = self.arrays_path(attempt_id)
        if path is None:
            return {}
        try:
            with np.load(path) as data:
                return {k: data[k] for k in data.files if keys is None or k in keys}
        except READ_ERRORS as error:
            raise UnreadableAttempt(f"{self.dir}: attempt {attempt_id}: its arrays cannot be read ({error})") from None

    def arrays_path(self, attempt_id: int) -> Path | None:
        """Where the attempt's arrays are (None: it has none); checked to lie in this run's arrays/."""
        row = self._db.execute("SELECT arrays FROM attempt WHERE id = ?", (attempt_id,)).fetchone()
        if row is None:
            raise KeyError(attempt_id)
        if row[0] is None:
            return None
        path = (self.dir / row[0]).resolve()
        if not path.is_relative_to((self.dir / "arrays").resolve()):
            raise UnreadableAttempt(f"{self.dir}: attempt {attempt_id}: its arrays are named outside the run "
                                    f"({row[0]!r}); not read")
        return path

    def check_arrays(self, attempt_id: int) -> None:
        """Raise ``UnreadableAttempt`` unless the attempt's array file opens (reads its index only)."""
        self.arrays(attempt_id, keys=())

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
