"""`run --groot2`: serve a running py_trees tree over Groot2's protocol, as BT.CPP's Groot2Publisher does.

A REP socket on PORT answers Groot2 (or ``btview``): the tree's XML with node
uids, the statuses after the last tick, the blackboard, and recorded
transitions; a PUB socket on PORT + 1 is bound as Groot2 expects, for
breakpoint notices (ivfp-bt sets no breakpoints: a robot does not wait on a
debugger). The executive calls ``ticked`` after every tick; the server thread
only reads what that left, under a lock.

It listens on 127.0.0.1. Another address needs a token, checked with ZeroMQ's
PLAIN mechanism (user ``ivfp-bt``): Groot2 cannot send one, so to watch from
another machine forward both ports over SSH instead.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import py_trees

from ivfp_bt.errors import UserError
from ivfp_bt.groot2 import protocol
from ivfp_bt.groot2.tree_xml import MAIN_TREE, MonitoredTree, live_tree
from ivfp_bt.tree.load import LoadedTree
from ivfp_bt.web.blackboard_view import blackboard_view
from ivfp_bt.web.server import is_loopback, token_for

PLAIN_USER = "ivfp-bt"
MAX_TRANSITIONS = 1000   # what BT.CPP's publisher keeps between GET_TRANSITIONS requests


def _zmq() -> Any:
    try:
        import msgpack  # noqa: F401  (the blackboard's replies)
        import zmq
        import zmq.auth.thread
    except ImportError:
        raise UserError("--groot2 needs pyzmq and msgpack: pip install 'ivfp-bt[groot2]'") from None
    return zmq


class Groot2Server:
    """Serves one tree; ``ticked(tree)`` after each tick, ``close()`` at the end."""

    def __init__(self, loaded: LoadedTree, port: int = protocol.DEFAULT_PORT, host: str = "127.0.0.1",
                 token: str | None = None):
        zmq = _zmq()
        self.monitored: MonitoredTree = live_tree(loaded)
        self.host, self.port = host, port
        self.token = token_for(host, token)
        self.tree_uuid = uuid.uuid4().bytes
        self._lock = threading.Lock()
        self._codes = bytes(len(self.monitored.nodes))
        self._blackboard: dict[str, Any] = {}
        self._recording_since: float | None = None
        self._transitions: list[bytes] = []
        self._context = zmq.Context()
        self._auth = self._authenticator(zmq)
        self._server = self._bind(zmq.REP, port)
        self._publisher = self._bind(zmq.PUB, port + 1)
        self._running = True
        self._thread = threading.Thread(target=self._serve, name="groot2", daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def _authenticator(self, zmq: Any) -> Any:
        if is_loopback(self.host):
            return None
        auth = zmq.auth.thread.ThreadAuthenticator(self._context)
        auth.start()
        auth.configure_plain(domain="*", passwords={PLAIN_USER: self.token})
        return auth

    def _bind(self, kind: int, port: int) -> Any:
        zmq = _zmq()
        socket = self._context.socket(kind)
        socket.setsockopt(zmq.LINGER, 0)
        if self._auth is not None:
            socket.plain_server = True
        try:
            socket.bind(f"tcp://{self.host}:{port}")
        except zmq.ZMQError as error:
            self.close()
            raise UserError(f"--groot2 cannot listen on {self.host}:{port}: {error}") from None
        return socket

    def ticked(self, tree: py_trees.trees.BehaviourTree) -> None:
        """Take the statuses and blackboard the tick left (the executive's post-tick handler)."""
        codes = bytearray(len(self.monitored.nodes))
        now = time.monotonic()
        transitions = []
        for index, node in enumerate(self.monitored.nodes):
            code, previous = protocol.status_code(node.status), self._codes[index]
            if code == protocol.IDLE and previous != protocol.IDLE:   # as BT.CPP: idle again, showing how it ended
                code = previous if previous >= 10 else 10 + previous
            codes[index] = code
            if self._recording_since is not None and code != previous:
                transitions.append(protocol.transition(int((now - self._recording_since) * 1e6), index + 1, code))
        entries = dict(py_trees.blackboard.Blackboard.storage)   # made JSON on request, in the server's thread
        with self._lock:
            self._codes = bytes(codes)
            self._blackboard = entries
            self._transitions = (self._transitions + transitions)[-MAX_TRANSITIONS:]

    def _serve(self) -> None:
        zmq = _zmq()
        poller = zmq.Poller()
        poller.register(self._server, zmq.POLLIN)
        while self._running:
            try:
                if not poller.poll(100):
                    continue
                frames = self._server.recv_multipart()
                try:
                    reply = self._answer(frames)
                except Exception as error:   # a bad request must not leave the REP socket waiting forever
                    reply = [b"error", f"{type(error).__name__}: {error}".encode()]
                self._server.send_multipart(reply)
            except zmq.ZMQError:
                if self._running:
                    raise
                return

    def _answer(self, frames: list[bytes]) -> list[bytes]:
        request = protocol.Request.decode(frames[0]) if frames else None
        if request is None:
            return [b"error", b"wrong request header"]
        head = request.reply_header(self.tree_uuid)
        with self._lock:
            if request.type == protocol.FULLTREE:
                return [head, self.monitored.xml.encode()]
            if request.type == protocol.STATUS:
                return [head, protocol.status_buffer(list(enumerate(self._codes, start=1)))]
            if request.type == protocol.BLACKBOARD:
                return self._blackboard_reply(head, frames)
            if request.type == protocol.TOGGLE_RECORDING:
                return self._toggle_recording(head, frames)
            if request.type == protocol.GET_TRANSITIONS:
                sent, self._transitions = b"".join(self._transitions), []
                return [head, sent]
            if request.type == protocol.HOOKS_DUMP:
                return [head, b"[]"]
            if request.type in (protocol.REMOVE_ALL_HOOKS, protocol.DISABLE_ALL_HOOKS):
                return [head]
        if request.type in (protocol.HOOK_INSERT, protocol.HOOK_REMOVE, protocol.BREAKPOINT_UNLOCK):
            return [b"error", b"ivfp-bt does not stop a robot at breakpoints"]
        return [b"error", b"Request not recognized"]

    def _blackboard_reply(self, head: bytes, frames: list[bytes]) -> list[bytes]:
        import msgpack

        if len(frames) != 2:
            return [b"error", b"must be 2 parts message"]
        names = [name for name in frames[1].decode(errors="replace").split(";") if name]
        entries = {key.lstrip("/"): value for key, value in blackboard_view(self._blackboard).items()}
        dump = {MAIN_TREE: entries} if not names or MAIN_TREE in names else {}
        return [head, msgpack.packb(dump, use_bin_type=True)]

    def _toggle_recording(self, head: bytes, frames: list[bytes]) -> list[bytes]:
        command = frames[1].decode(errors="replace") if len(frames) == 2 else ""
        if command == "start":
            self._recording_since, self._transitions = time.monotonic(), []
            return [head, str(int(time.time() * 1e6)).encode()]
        if command == "stop":
            self._recording_since = None
            return [head]
        return [b"error", b"must be 2 parts message"]

    def close(self) -> None:
        self._running = False
        thread = getattr(self, "_thread", None)
        if thread is not None:
            thread.join(timeout=2)
        if getattr(self, "_auth", None) is not None:
            self._auth.stop()
        self._context.destroy(linger=0)

