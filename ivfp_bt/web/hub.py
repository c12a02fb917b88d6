"""The live run's state, shared between the tree's thread (which publishes) and the web
server's event loop (which fans messages out to every open page).

Publishing never blocks a tick: messages are handed to the loop, and a page that falls
behind loses tick messages, never the latest state, which a page gets whole when it connects.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

KEPT = ("run", "tree", "tick", "head", "probe", "request")   # the latest of each is sent to a new page
QUEUE_SIZE = 256


class LiveHub:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[str, dict] = {}
        self._series: list[dict] = []
        self._pictures: dict[str, bytes] = {}
        self._versions: dict[str, int] = {}
        self._clients: set[asyncio.Queue] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.operator: Any = None         # the TeleopOperator when people demonstrate at the page

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def publish(self, message: dict) -> None:
        """Send ``message`` to every page (from any thread)."""
        with self._lock:
            if message["type"] in KEPT:
                self._kept[message["type"]] = message
            elif message["type"] == "probability":
                self._series.append(message["point"])
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._fan_out, message)
            except RuntimeError:    # the loop closed in between: nobody is listening
                pass

    def put_picture(self, name: str, data: bytes, **about: Any) -> None:
        """Store a JPEG the page fetches by name, and tell the pages it changed."""
        with self._lock:
            self._pictures[name] = data
            self._versions[name] = version = self._versions.get(name, 0) + 1
        self.publish({"type": name, "version": version, **about})

    def picture(self, name: str) -> bytes | None:
        with self._lock:
            return self._pictures.get(name)

    def state(self) -> list[dict]:
        """What a page that just connected needs, in order."""
        with self._lock:
            kept = [self._kept[kind] for kind in KEPT if kind in self._kept]
            series = list(self._series)
        return kept + [{"type": "series", "points": series}]

    def _fan_out(self, message: dict) -> None:
        for queue in list(self._clients):
            try:
                queue.put_nowait(message)
            except asyncio.QueueFull:
                pass    # a slow page skips this one; it still has the latest state on reconnect

    def subscribe(self) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._clients.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue) -> None:
        self._clients.discard(queue)
