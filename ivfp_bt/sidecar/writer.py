"""Writes attempts to a RunStore on its own thread, so compressing and saving never stall a tick."""

from __future__ import annotations

import queue
import threading

from ivfp_bt.sidecar.store import Attempt, RunStore


class BackgroundWriter:
    def __init__(self, store: RunStore):
        self.store = store
        self._queue: queue.Queue[Attempt | None] = queue.Queue()
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="sidecar-writer", daemon=True)
        self._thread.start()

    def submit(self, attempt: Attempt) -> None:
        """Queue an attempt; returns at once. A write error is raised at the next submit or close."""
        if self.error is not None:
            raise self.error
        self._queue.put(attempt)

    def _run(self) -> None:
        while (attempt := self._queue.get()) is not None:
            try:
                self.store.write(attempt)
            except BaseException as e:   # reported to the tick thread, which can stop the robot
                self.error = e

    def close(self) -> None:
        """Write everything queued, then stop."""
        self._queue.put(None)
        self._thread.join()
        if self.error is not None:
            raise self.error
