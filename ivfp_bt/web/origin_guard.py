"""Only the page this server serves may talk to it: no other web page, no rebound host name.

A page on another site can open a WebSocket to 127.0.0.1 (browsers do not apply CORS to
WebSockets) and drive the robot; a site whose name is rebound to 127.0.0.1 reaches the API
as if it were the page. Two checks close both doors, before any route runs:

- the ``Host`` header must name this server: on loopback without a token, only 127.0.0.1,
  localhost or [::1] (with or without the port) are served, so a rebound name is refused;
- a request that carries an ``Origin`` (every browser WebSocket does) must come from the
  page's own origin, ``http://`` + its ``Host``.

Programs that send no ``Origin`` (curl, scripts, btview) are unaffected by the second.
"""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def _host_name(host: str) -> str:
    """``localhost:8765`` -> ``localhost``; ``[::1]:8765`` -> ``[::1]``."""
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class OriginGuard:
    def __init__(self, app: ASGIApp, loopback_only: bool):
        """``loopback_only``: the server listens on loopback with no token, so only loopback
        names are accepted in ``Host``."""
        self.app, self.loopback_only = app, loopback_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope.get("headers", [])}
        host = headers.get("host", "")
        if self.loopback_only and _host_name(host).lower() not in LOOPBACK_NAMES:
            await _refuse(scope, receive, send, 421, f"this server answers to 127.0.0.1 and localhost, not {host!r}")
            return
        origin = headers.get("origin")
        if origin is not None and origin != f"http://{host}":
            await _refuse(scope, receive, send, 403, f"requests from {origin!r} are not accepted")
            return
        await self.app(scope, receive, send)


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, why: str) -> None:
    if scope["type"] == "websocket":
        # before the handshake is accepted, a close is an HTTP 403: the other site learns nothing
        await send({"type": "websocket.close", "code": 1008, "reason": why})
        return
    await PlainTextResponse(why + "\n", status_code=status)(scope, receive, send)
