"""Serving the app: on 127.0.0.1 by default; any other address needs a token, made up here
when none is given and printed in the page's address. Only the page's own origin and, on
loopback, loopback host names are served (origin_guard); connections, idle time and message
sizes are bounded (connections)."""

from __future__ import annotations

import asyncio
import ipaddress
import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass

import uvicorn

from ivfp_bt.errors import UserError
from ivfp_bt.web.app import create_app
from ivfp_bt.web import connections
from ivfp_bt.web.hub import LiveHub
from ivfp_bt.web.origin_guard import OriginGuard
from ivfp_bt.web.replay import RunLibrary

TOKEN_ENV = "IVFP_BT_TOKEN"
DEFAULT_PORT = 8765


@dataclass
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    token: str | None = None
    runs: str = "runs"


def token_for(host: str, given: str | None) -> str | None:
    """The token the server requires: the one given (or in $IVFP_BT_TOKEN); one made up for a
    non-loopback address when none is; None on loopback with none given."""
    token = given or os.environ.get(TOKEN_ENV) or None
    if token is None and not is_loopback(host):
        token = secrets.token_urlsafe(18)
    return token


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        # Listen now, so the address printed before serving starts queues a browser's request
        # rather than refusing it.
        sock.listen(128)
    except OSError as error:
        raise UserError(f"cannot serve on {host}:{port}: {error.strerror or error}") from None
    return sock


class WebServer:
    """The app on a socket, served from a background thread (the tree keeps the main thread)."""

    def __init__(self, options: ServeOptions, hub: LiveHub | None):
        self.token = token_for(options.host, options.token)
        self.hub = hub
        self.sock = bind(options.host, options.port)
        app = OriginGuard(create_app(hub, RunLibrary(options.runs), self.token), loopback_only=is_loopback(options.host))
        self.max_connections = connections.max_connections()
        config = uvicorn.Config(app, log_level="warning", ws="websockets-sansio", lifespan="off", timeout_graceful_shutdown=2,
                                http=connections.bounded_protocol(self.max_connections),
                                ws_max_size=connections.MAX_MESSAGE_BYTES, ws_per_message_deflate=False,
                                h11_max_incomplete_event_size=connections.MAX_MESSAGE_BYTES,
                                backlog=connections.ACCEPT_BURST)
        self.server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.sock.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/" + (f"?token={self.token}" if self.token else "")

    def start(self, timeout_s: float = 10.0) -> str:
        """Serve from a background thread; returns the page's address once it answers."""
        def serve() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            if self.hub is not None:
                self.hub.bind(loop)
            loop.run_until_complete(self.server.serve(sockets=[self.sock]))
            loop.close()

        self._thread = threading.Thread(target=serve, name="web-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise UserError("the web server did not start")
            time.sleep(0.02)
        return self.url

    def serve_forever(self) -> None:
        """Serve on this thread until Ctrl-C (``ivfp-bt serve``)."""
        self.server.run(sockets=[self.sock])

    def stop(self, timeout_s: float = 5.0) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout_s)
