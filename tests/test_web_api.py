"""The web app's API without a browser: replay of a logged run, the live socket's message
checks, and the token that any address beyond this machine requires."""

from __future__ import annotations

import json
import socket
import urllib.parse

import numpy as np
import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from ivfp_bt.sidecar.store import Attempt, RunStore
from ivfp_bt.web.app import create_app
from ivfp_bt.web.hub import LiveHub
from ivfp_bt.web.replay import RunLibrary
from ivfp_bt.web.server import ServeOptions, WebServer, is_loopback, token_for
from ivfp_bt.web.teleop import TeleopOperator

NODES = [{"path": "pick", "name": "pick", "type": "Sequence", "kind": "sequence", "settings": [], "parent": -1},
         {"path": "pick/Observe", "name": "Observe", "type": "Observe", "kind": "leaf", "settings": [], "parent": 0},
         {"path": "pick/ExecuteGrasp", "name": "ExecuteGrasp", "type": "ExecuteGrasp", "kind": "leaf",
          "settings": [], "parent": 0}]


@pytest.fixture
def runs(tmp_path):
    rng = np.random.default_rng(0)
    mask = np.zeros((40, 30), bool)
    mask[10:20, 5:15] = True
    with RunStore(tmp_path / "bin_1", {"tree": "trees/x.yaml", "tree_nodes": NODES}) as store:
        for attempt in (1, 2):
            arrays = {"rgb": rng.integers(0, 255, (40, 30, 3), dtype=np.uint8), "mask": mask,
                      "probe_video": rng.integers(0, 255, (6, 32, 32, 3), dtype=np.uint8)}
            record = {"label": "success" if attempt == 2 else "fail_not_picked", "reward": 1.0 if attempt == 2 else -1.0,
                      "grasp": {"u": 8, "v": 12}, "candidates": [{"u": 8, "v": 12}], "probe_duration": 2.0}
            base = 10 * attempt
            store.write(Attempt(0.0, 1.0, record, arrays, [(base, 1.0, "pick", "RUNNING"),
                                                           (base, 1.0, "pick/Observe", "SUCCESS"),
                                                           (base + 3, 2.0, "pick/ExecuteGrasp", "SUCCESS"),
                                                           (base + 3, 2.0, "pick", "SUCCESS")]))
    return tmp_path


def test_runs_are_listed_and_their_timeline_names_nodes_by_index(runs):
    client = TestClient(create_app(None, RunLibrary(runs)))
    listed = client.get("/api/runs").json()
    assert listed["live"] is False and [(r["run"], r["attempts"]) for r in listed["runs"]] == [("bin_1", 2)]
    timeline = client.get("/api/timeline", params={"run": "bin_1"}).json()
    assert [n["name"] for n in timeline["nodes"]] == ["pick", "Observe", "ExecuteGrasp"]
    assert timeline["events"][2] == [13, 2.0, 2, "SUCCESS", 1]
    assert [(a["id"], a["label"], a["first_tick"], a["last_tick"]) for a in timeline["attempts"]] == \
        [(1, "fail_not_picked", 10, 13), (2, "success", 20, 23)]


def test_an_attempts_record_head_image_and_probe_filmstrip(runs):
    client = TestClient(create_app(None, RunLibrary(runs)))
    assert client.get("/api/attempt", params={"run": "bin_1", "id": 2}).json()["record"]["label"] == "success"
    head = client.get("/api/attempt/head.jpg", params={"run": "bin_1", "id": 2})
    assert head.headers["content-type"] == "image/jpeg" and head.content[:2] == b"\xff\xd8"
    probe = client.get("/api/attempt/probe.jpg", params={"run": "bin_1", "id": 1})
    assert probe.headers["x-frames"] == "6" and probe.content[:2] == b"\xff\xd8"


@pytest.mark.parametrize("params, status, message", [
    ({"run": "../", "id": 1}, 404, "no run"),
    ({"run": "bin_1", "id": 9}, 404, "has no attempt 9"),
    ({"run": "bin_1", "id": "x"}, 400, "whole number"),
    ({}, 400, "missing query parameter 'run'"),
])
def test_bad_replay_requests_get_a_clear_error(runs, params, status, message):
    client = TestClient(create_app(None, RunLibrary(runs)))
    response = client.get("/api/attempt", params=params)
    assert response.status_code == status and message in response.json()["error"]


def test_runs_logged_without_the_trees_shape_grow_it_from_node_paths(tmp_path):
    with RunStore(tmp_path / "old", {"tree": "t.yaml"}) as store:
        store.write(Attempt(0, 1, {}, {}, [(1, 0.0, "root/a", "SUCCESS"), (1, 0.0, "root", "RUNNING")]))
    timeline = RunLibrary(tmp_path).timeline("old")
    assert [(n["path"], n["parent"]) for n in timeline["nodes"]] == [("root/a", -1), ("root", -1)]


def live_client(token=None, operator=None) -> TestClient:
    hub = LiveHub()
    hub.operator = operator
    hub.publish({"type": "tree", "file": "t.yaml", "nodes": NODES})
    return TestClient(create_app(hub, RunLibrary("/nonexistent"), token))


def test_a_page_that_connects_gets_the_runs_state_first():
    with live_client().websocket_connect("/ws") as socket:
        assert socket.receive_json()["type"] == "tree"
        assert socket.receive_json() == {"type": "series", "points": []}


@pytest.mark.parametrize("message, error", [
    ("{not json", "not JSON"),
    ("[1, 2]", 'a message is a JSON object with a "type"'),
    ('{"type": "launch"}', "unknown message type 'launch'"),
    ('{"type": "grasp", "request": 1, "u": "left", "v": 3, "width": 0.05}', "'u' must be a number"),
    ('{"type": "grasp", "request": 1, "u": NaN, "v": 3, "width": 0.05}', "'u' must be a number"),
    ('{"type": "label", "request": true, "label": "success"}', "'request' must be a whole number"),
])
def test_malformed_messages_are_refused_and_move_nothing(message, error):
    operator = TeleopOperator()
    with live_client(operator=operator).websocket_connect("/ws") as socket:
        socket.receive_json(), socket.receive_json()
        socket.send_text(message)
        assert socket.receive_json() == {"type": "error", "message": error}
    assert operator.counts["demonstrations"] == 0


def test_teleop_messages_to_a_run_without_teleop_are_refused():
    with live_client().websocket_connect("/ws") as socket:
        socket.receive_json(), socket.receive_json()
        socket.send_text(json.dumps({"type": "label", "request": 1, "label": "success"}))
        assert "start it with --teleop" in socket.receive_json()["message"]


def test_a_click_for_a_request_that_is_not_open_is_refused():
    with live_client(operator=TeleopOperator()).websocket_connect("/ws") as socket:
        socket.receive_json(), socket.receive_json()
        socket.send_text(json.dumps({"type": "grasp", "request": 4, "u": 1, "v": 2, "width": 0.05}))
        reply = socket.receive_json()
        assert reply["type"] == "refused" and "request 4 is not open" in reply["message"]


def test_with_a_token_requests_without_it_are_refused():
    client = live_client(token="s3cret")
    assert client.get("/").status_code == 200                       # the page itself holds no data
    refused = client.get("/api/runs")
    assert refused.status_code == 401 and "requires a token" in refused.json()["error"]
    assert client.get("/api/runs", params={"token": "wrong"}).status_code == 401
    assert client.get("/api/runs", params={"token": "s3cret"}).status_code == 200
    assert client.get("/api/runs", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    with client.websocket_connect("/ws") as refused_socket:   # accepted, so the page can read the code
        with pytest.raises(WebSocketDisconnect) as closed:
            refused_socket.receive_json()
    assert closed.value.code == 4401
    with client.websocket_connect("/ws?token=s3cret") as socket:
        assert socket.receive_json()["type"] == "tree"


def test_only_loopback_addresses_go_without_a_token(monkeypatch):
    monkeypatch.delenv("IVFP_BT_TOKEN", raising=False)
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert token_for("127.0.0.1", None) is None
    made_up = token_for("0.0.0.0", None)
    assert made_up and len(made_up) >= 20
    assert token_for("0.0.0.0", "mine") == "mine"
    monkeypatch.setenv("IVFP_BT_TOKEN", "from-env")
    assert token_for("192.168.1.5", None) == "from-env"


def test_a_request_sent_before_serving_starts_is_answered_once_it_does(runs):
    """`ivfp-bt serve` prints its address before uvicorn starts: a browser that is quick must
    be queued, not refused (CI once saw ERR_CONNECTION_REFUSED)."""
    server = WebServer(ServeOptions(port=0, runs=str(runs)), hub=None)
    address = urllib.parse.urlsplit(server.url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as early:
        early.sendall(b"GET /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        server.start()
        try:
            reply = b""
            while chunk := early.recv(65536):
                reply += chunk
        finally:
            server.stop()
    assert reply.startswith(b"HTTP/1.1 200") and b"bin_1" in reply
