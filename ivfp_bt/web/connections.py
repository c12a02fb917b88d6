"""Bounds on what clients can take from the run's process: connections, idle time, messages.

The web server shares its process, and its file descriptors, with the robot run: 300 idle
connections once used up the descriptors and faulted the run. Every connection now counts
against ``max_connections`` (one over the bound takes the place of a connection with no
request under way, or is closed at once when every one is busy), a connection that sends no
request within ``IDLE_S`` is closed, responses go out without Nagle's delay, and WebSocket
messages are capped in size and never compressed (a small compressed message can inflate
to gigabytes).
"""

from __future__ import annotations

import asyncio
import resource
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol

IDLE_S = 10                    # a connection must send its request, or its next one, within this
MAX_MESSAGE_BYTES = 64 * 1024  # a teleop message is under 200 bytes
FD_RESERVE = 64                # descriptors left for the run itself (logs, images, the simulation)
ACCEPT_BURST = 16              # connections asyncio accepts in one go, before any is counted or refused


def max_connections() -> int:
    """As many connections as the descriptor limit allows beside the run's own files, at most 128.
    Raises the soft limit towards the hard one (to 4096 at most) first, where it is lower."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = 4096 if hard == resource.RLIM_INFINITY else min(hard, 4096)
        if target > soft:
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
                soft = target
            except (ValueError, OSError):
                pass   # not allowed to raise it here: bound the connections by the limit as it is
    return max(8, min(128, (soft - FD_RESERVE) // 2))


def bounded_protocol(limit: int) -> type[H11Protocol]:
    """uvicorn's HTTP protocol with the bounds above (uvicorn takes a protocol class)."""

    class BoundedH11(H11Protocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            if len(self.connections) >= limit and not _evict_idle(self.connections):
                transport.abort()   # every connection is busy: refuse the newcomer, not a request under way
                return
            sock = transport.get_extra_info("socket")
            if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            super().connection_made(transport)
            # uvicorn times out idle keep-alive connections, not ones that never send a request
            self.timeout_keep_alive_task = self.loop.call_later(IDLE_S, self.timeout_keep_alive_handler)

        def connection_lost(self, exc: Exception | None) -> None:
            if self.transport is not None:   # None: refused over the bound, never counted
                super().connection_lost(exc)

    return BoundedH11


def _evict_idle(connections: set) -> bool:
    """Close one HTTP connection that has no request under way, to make room: whoever holds
    idle connections cannot lock the page out. False when there is none."""
    for protocol in connections:
        if not isinstance(protocol, H11Protocol) or protocol.transport is None:
            continue   # a WebSocket, or one refused over the bound
        if protocol.cycle is None or protocol.cycle.response_complete:
            protocol.transport.close()
            protocol.connections.discard(protocol)
            return True
    return False
