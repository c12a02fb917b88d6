"""The web app: one page (static files, no build step) over a small JSON API and one websocket.

- ``/`` and ``/static/...``: the page; it holds no data, so it needs no token.
- ``/api/runs``, ``/api/timeline``, ``/api/attempt``, ``/api/attempt/head.jpg|probe.jpg``: replay.
- ``/api/live/head.jpg|probe.jpg``: the live run's pictures.
- ``/ws``: the live run's messages to the page, and the page's teleop answers to the run.

With a token, every ``/api`` and ``/ws`` request must carry it (``?token=`` or an
``Authorization: Bearer`` header).
"""

from __future__ import annotations

import asyncio
import hmac
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from ivfp_bt.errors import UserError
from ivfp_bt.web.hub import LiveHub
from ivfp_bt.web.replay import RunLibrary, RunNotFound
from ivfp_bt.web.teleop_messages import MessageError, handle_message

STATIC = Path(__file__).with_name("static")
NO_STORE = {"Cache-Control": "no-store"}


def create_app(hub: LiveHub | None, library: RunLibrary, token: str | None = None) -> ASGIApp:
    """The app for a live run (``hub``) and/or the runs under ``library``'s root."""
    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", headers=NO_STORE)

    async def runs(request: Request) -> Response:
        return JSONResponse({"live": hub is not None, "root": str(library.root), "runs": library.runs()})

    async def timeline(request: Request) -> Response:
        return JSONResponse(library.timeline(_text(request, "run")))

    async def attempt(request: Request) -> Response:
        return JSONResponse(library.attempt(_text(request, "run"), _int(request, "id")))

    async def attempt_picture(request: Request) -> Response:
        run, number = _text(request, "run"), _int(request, "id")
        if request.path_params["name"] == "head":
            data = library.head_jpeg(run, number)
            return _jpeg(data, {})
        found = library.probe_jpeg(run, number)
        return _jpeg(found[0] if found else None, {"X-Frames": str(found[1]) if found else "0"})

    async def live_picture(request: Request) -> Response:
        return _jpeg(hub.picture(request.path_params["name"]) if hub is not None else None, {})

    async def live_socket(websocket: WebSocket) -> None:
        await websocket.accept()
        if hub is None:
            await websocket.send_json({"type": "run", "state": "none"})
            await websocket.close()
            return
        queue = hub.subscribe()
        try:
            for message in hub.state():
                await websocket.send_json(message)
            await _serve_socket(websocket, queue, hub)
        except WebSocketDisconnect:
            pass
        finally:
            hub.unsubscribe(queue)

    routes = [
        Route("/", index),
        Route("/api/runs", runs),
        Route("/api/timeline", timeline),
        Route("/api/attempt", attempt),
        Route("/api/attempt/{name:str}.jpg", attempt_picture),
        Route("/api/live/{name:str}.jpg", live_picture),
        WebSocketRoute("/ws", live_socket),
        Mount("/static", StaticFiles(directory=STATIC)),
    ]
    app = Starlette(routes=routes, exception_handlers={UserError: _user_error})
    return TokenGate(app, token) if token else app


async def _serve_socket(websocket: WebSocket, queue: Any, hub: LiveHub) -> None:
    """Send the run's messages and answer the page's, until the page goes away."""
    async def send() -> None:
        while True:
            await websocket.send_json(await queue.get())

    sender = asyncio.create_task(send())
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                raise WebSocketDisconnect(message.get("code", 1000))
            try:
                if message.get("text") is None:
                    raise MessageError("messages are JSON text, not binary")
                reply = handle_message(message["text"], hub.operator)
            except MessageError as error:
                reply = {"type": "error", "message": str(error)}
            await websocket.send_json(reply)
    finally:
        sender.cancel()


def _text(request: Request, name: str) -> str:
    value = request.query_params.get(name)
    if not value:
        raise UserError(f"missing query parameter {name!r}")
    if "\x00" in value or len(value) > 1024:
        raise UserError(f"query parameter {name!r} is not a name")
    return value


def _int(request: Request, name: str) -> int:
    text = _text(request, name)
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        raise UserError(f"query parameter {name!r} must be a whole number below 10^9, not {text[:20]!r}")
    return int(text)


def _jpeg(data: bytes | None, headers: dict[str, str]) -> Response:
    if data is None:
        return JSONResponse({"error": "no picture yet"}, status_code=404)
    return Response(data, media_type="image/jpeg", headers={**NO_STORE, **headers})


async def _user_error(request: Request, error: Exception) -> Response:
    status = 404 if isinstance(error, RunNotFound) else 400
    return JSONResponse({"error": str(error)}, status_code=status)


class TokenGate:
    """Refuses ``/api`` and ``/ws`` requests without the token (constant-time comparison)."""

    def __init__(self, app: ASGIApp, token: str):
        self.app, self.token = app, token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        guarded = scope["type"] in ("http", "websocket") and scope.get("path", "").startswith(("/api", "/ws"))
        if not guarded or self._allowed(scope):
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            # accepted first, so the page sees the 4401 (a close before accepting is a bare HTTP 403)
            if (await receive())["type"] == "websocket.connect":
                await send({"type": "websocket.accept"})
                await send({"type": "websocket.close", "code": 4401, "reason": "a token is required"})
        else:
            response = JSONResponse({"error": "this server requires a token: add ?token=... to the address"},
                                    status_code=401)
            await response(scope, receive, send)

    def _allowed(self, scope: Scope) -> bool:
        from urllib.parse import parse_qs

        given = parse_qs(scope.get("query_string", b"").decode()).get("token", [""])[0]
        for key, value in scope.get("headers", []):
            if key == b"authorization" and value.startswith(b"Bearer "):
                given = value[7:].decode(errors="replace")
        return hmac.compare_digest(given.encode(), self.token.encode())
