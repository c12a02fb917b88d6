"""The web server against hostile clients, over real sockets: no other web page and no rebound
host name can drive the robot, and floods, idle connections and odd input are bounded."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from ivfp_bt.web import connections
from ivfp_bt.web.hub import LiveHub
from ivfp_bt.web.server import ServeOptions, WebServer
from ivfp_bt.web.teleop import TeleopOperator


@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.setattr(connections, "IDLE_S", 0.5)
    hub = LiveHub()
    hub.operator = TeleopOperator(notify=hub.publish)
    hub.publish({"type": "tree", "file": "t.yaml", "nodes": []})
    served = WebServer(ServeOptions(port=0, runs=str(tmp_path)), hub)
    served.start()
    yield served
    served.stop()


def address(server) -> tuple[str, int]:
    return server.sock.getsockname()[:2]


def ws_url(server) -> str:
    host, port = address(server)
    return f"ws://{host}:{port}/ws"


def get(server, path: str, headers: dict | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection(*address(server), timeout=5)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read().decode(errors="replace")
    connection.close()
    return response.status, body


def test_a_page_from_another_site_cannot_open_the_socket(server):
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url(server), origin="https://evil.example", open_timeout=5)
    assert refused.value.response.status_code == 403
    host, port = address(server)
    with connect(ws_url(server), origin=f"http://{host}:{port}", open_timeout=5) as page:   # the page itself
        assert json.loads(page.recv(timeout=5))["type"] == "tree"


def test_a_rebound_host_name_is_not_served(server):
    status, body = get(server, "/api/runs", {"Host": "rebind.attacker.example"})
    assert status == 421 and "answers to 127.0.0.1 and localhost" in body
    with pytest.raises(InvalidStatus):
        connect(ws_url(server), additional_headers={"Host": "rebind.attacker.example"}, open_timeout=5)
    assert get(server, "/api/runs", {"Host": f"localhost:{address(server)[1]}"})[0] == 200


def test_an_oversized_message_closes_that_socket_only(server):
    with connect(ws_url(server), open_timeout=5) as page:
        page.recv(timeout=5)
        page.send("x" * (connections.MAX_MESSAGE_BYTES + 1))
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                page.recv(timeout=5)
        assert closed.value.rcvd.code == 1009        # message too big
    assert get(server, "/api/runs")[0] == 200


def test_binary_frames_and_deep_json_get_an_error_reply_not_a_traceback(server):
    with connect(ws_url(server), open_timeout=5) as page:
        page.recv(timeout=5)
        page.send(b"\x00\x01binary")
        assert _reply(page) == {"type": "error", "message": "messages are JSON text, not binary"}
        page.send("[" * 30000 + "]" * 30000)
        assert _reply(page) == {"type": "error", "message": "not JSON"}
        page.send('{"type": "ping"}')
        assert _reply(page) == {"type": "pong"}


def _reply(page) -> dict:
    while True:
        message = json.loads(page.recv(timeout=5))
        if message["type"] in ("error", "pong", "accepted", "refused"):
            return message


@pytest.mark.parametrize("query", ["/api/timeline?run=a%00b", "/api/attempt?run=x&id=99999999999999999999",
                                   "/api/attempt?run=x&id=-1"])
def test_odd_query_values_are_a_400(server, query):
    status, body = get(server, query)
    assert status == 400, body


def test_idle_connections_are_dropped(server):
    idle = socket.create_connection(address(server))
    idle.settimeout(5)
    started = time.monotonic()
    assert idle.recv(1) == b""                    # closed by the server
    assert time.monotonic() - started < 4
    idle.close()


def test_connections_beyond_the_bound_are_closed_at_once(tmp_path, monkeypatch):
    monkeypatch.setattr(connections, "max_connections", lambda: 8)
    served = WebServer(ServeOptions(port=0, runs=str(tmp_path)), LiveHub())
    served.start()
    try:
        held = [socket.create_connection(address(served)) for _ in range(20)]
        time.sleep(0.5)
        closed = 0
        for sock in held:
            sock.settimeout(0.2)
            try:
                closed += sock.recv(1) == b""
            except ConnectionResetError:             # aborted: refused over the bound
                closed += 1
            except TimeoutError:                     # still open
                pass
        assert 10 <= closed <= 12                    # 8 kept (less the odd one still being accepted)
        for sock in held:
            sock.close()
        time.sleep(0.3)
        assert get(served, "/api/runs")[0] == 200   # and the server still serves
    finally:
        served.stop()


def test_a_page_without_the_token_is_told_so_with_4401(tmp_path):
    served = WebServer(ServeOptions(port=0, runs=str(tmp_path), token="s3cret"), LiveHub())
    served.start()
    try:
        with connect(ws_url(served), open_timeout=5) as page:
            with pytest.raises(ConnectionClosed) as closed:
                page.recv(timeout=5)
        assert closed.value.rcvd.code == 4401
    finally:
        served.stop()


EVIL_PAGE = """<!doctype html><script>
window.result = null;
const socket = new WebSocket("ws://127.0.0.1:PORT/ws");
socket.onopen = () => { socket.send(JSON.stringify({type: "label", request: 1, label: "success"}));
                        window.result = "opened"; };
socket.onclose = (event) => { if (window.result === null) window.result = "closed " + event.code; };
</script>"""


@pytest.mark.browser
def test_a_real_browser_on_another_origin_cannot_drive_the_robot(server, tmp_path):
    """Chromium opens a page served from another local port whose script connects to the run's
    socket, as a web page the user happens to visit would."""
    from tests.web_session import chromium

    port = address(server)[1]
    (tmp_path / "evil").mkdir()
    (tmp_path / "evil" / "index.html").write_text(EVIL_PAGE.replace("PORT", str(port)))
    class Quiet(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path / "evil"), **kwargs)

        def log_message(self, *args) -> None:
            pass   # keep the test's output to the test

    evil = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    browser = chromium()
    try:
        browser.get(f"http://127.0.0.1:{evil.server_address[1]}/index.html")
        deadline = time.monotonic() + 20
        while (result := browser.execute_script("return window.result")) is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert result is not None and result.startswith("closed"), result   # never opened: nothing sent
    finally:
        browser.quit()
        evil.shutdown()
