"""Writes attempts to a RunStore on its own thread, so compressing and saving never stall a tick.

Before the robot starts something whose record would be lost if storage failed (a grasp, a
pick), the recorder calls ``check()``: it waits for what is queued to be written and raises if
a write failed or the disk is nearly full, so the robot never runs an attempt that cannot be
stored.
"""

from __future__ import annotations

import queue
import shutil
import threading
from collections.abc import Callable

from ivfp_bt.errors import UserError
from ivfp_bt.sidecar.store import Attempt, RunStore

MIN_FREE_BYTES = 200 * 1024 * 1024   # an attempt with its probe video is a few MB; keep room for many
DRAIN_TIMEOUT_S = 30.0


class StorageError(UserError):
    """The run's records can no longer be stored: the run stops before the robot does more."""


class BackgroundWriter:
    def __init__(self, store: RunStore, min_free_bytes: int | None = None):
        self.store = store
        self.min_free_bytes = MIN_FREE_BYTES if min_free_bytes is None else min_free_bytes
        self._queue: queue.Queue[Callable[[RunStore], object] | None] = queue.Queue()
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="sidecar-writer", daemon=True)
        self._thread.start()

    def submit(self, attempt: Attempt) -> None:
        """Queue an attempt; returns at once. A write error is raised at the next submit, check or close."""
        self._raise_error()
        self._queue.put(lambda store: store.write(attempt))

    def submit_pick(self, number: int, result: str, outcome: str | None) -> None:
        """Queue a finished pick's row (after its attempts, so a resume counts only stored picks)."""
        self._raise_error()
        self._queue.put(lambda store: store.write_pick(number, result, outcome))

    def check(self, wait: bool = True) -> None:
        """Raise ``StorageError`` if a write failed or the disk holding the run has less than
        ``min_free_bytes`` free; with ``wait``, first wait until everything queued is written."""
        if wait:
            done = threading.Event()
            self._queue.put(lambda store: done.set())
            if not done.wait(DRAIN_TIMEOUT_S) and self.error is None:
                raise StorageError(f"{self.store.dir}: records not written after {DRAIN_TIMEOUT_S:g} s; stopped")
        self._raise_error()
        free = shutil.disk_usage(self.store.dir).free
        if free < self.min_free_bytes:
            raise StorageError(f"{self.store.dir}: only {free / 1e6:.0f} MB free on its disk (at least "
                               f"{self.min_free_bytes / 1e6:.0f} MB are needed to record on); stopped before the "
                               f"robot moved again, every attempt so far is stored")

    def _raise_error(self) -> None:
        if self.error is not None:
            raise StorageError(f"{self.store.dir}: an attempt could not be stored ({self.error}); stopped") \
                from self.error

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            try:
                job(self.store)
            except BaseException as e:   # reported to the tick thread, which can stop the robot
                self.error = self.error or e

    def close(self) -> None:
        """Write everything queued, then stop and close the store (so its WAL is folded in now, not
        when the process happens to collect it: a Ray worker packs the run directory right after)."""
        self._queue.put(None)
        self._thread.join()
        self.store.close()
        self._raise_error()
