"""`run --groot2`: a running py_trees tree seen through Groot2's protocol, by btview's own client."""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import time

import py_trees
import pytest

from ivfp_bt.groot2.server import PLAIN_USER, Groot2Server
from ivfp_bt.tree.load import load_tree
from tests.conftest import REPO, TUTORIALS

pytest.importorskip("zmq")
btview_client = pytest.importorskip("btview.client")


def _free_port() -> int:
    """A port whose successor is free too (Groot2 uses PORT and PORT + 1)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with socket.socket() as second:
            try:
                second.bind(("127.0.0.1", port + 1))
                return port
            except OSError:
                continue
    raise RuntimeError("no two free ports in a row")


@pytest.fixture
def served(write):
    loaded = load_tree(write("t.yaml", """
        tree:
          Sequence:
            name: pick
            memory: true
            children:
              - SetBlackboard: {name: classify, key: "{verdict}", value: 0.75}
              - EternalGuard:
                  key: "{verdict}"
                  op: ">"
                  value: 0.5
                  child: {Wait: {name: probe, duration: 10}}
    """))
    server = Groot2Server(loaded, _free_port())
    tree = py_trees.trees.BehaviourTree(loaded.root)
    tree.setup()
    yield server, tree
    server.close()


def test_btview_reads_the_tree_statuses_and_blackboard(served):
    server, tree = served
    tree.tick()
    server.ticked(tree)
    client = btview_client.Groot2Client(port=server.port, timeout_ms=3000)
    try:
        model = client.fetch_tree()
        names = {node.uid: (node.registration, node.name) for node in model.walk()}
        assert names == {1: ("Sequence", "pick"), 2: ("SetBlackboard", "classify"),
                         3: ("ReactiveSequence", "EternalGuard"), 4: ("CheckBlackboard", "EternalGuard condition"),
                         5: ("Sleep", "probe")}
        statuses = {uid: state.status.name for uid, state in client.poll().statuses.items()}
        assert statuses == {1: "RUNNING", 2: "SUCCESS", 3: "RUNNING", 4: "RUNNING", 5: "RUNNING"}
        assert client.fetch_blackboard()["MainTree"] == {"verdict": 0.75}
        py_trees.blackboard.Blackboard.set("/verdict", 0.25)   # the guard fails, the probe is stopped
        tree.tick()
        server.ticked(tree)
        statuses = {uid: state.status.name for uid, state in client.poll().statuses.items()}
        assert statuses[1] == "FAILURE" and statuses[5] == "IDLE"
        assert client.poll().statuses[5].previous.name == "RUNNING"   # idle again, after running
    finally:
        client.close()


def test_recording_returns_transitions_and_breakpoints_are_refused(served):
    import zmq

    server, tree = served
    request = zmq.Context.instance().socket(zmq.REQ)
    request.RCVTIMEO = 3000
    request.connect(f"tcp://127.0.0.1:{server.port}")
    try:
        def ask(kind: str, *frames: bytes) -> list[bytes]:
            request.send_multipart([struct.pack("<BBI", 2, ord(kind), 7), *frames])
            return request.recv_multipart()

        assert ask("O", b"start")[1].isdigit()
        tree.tick()
        server.ticked(tree)
        transitions = ask("P")[1]
        assert len(transitions) == 9 * 5   # every node changed: 6-byte time, uint16 uid, status
        assert [struct.unpack("<HB", transitions[i + 6:i + 9]) for i in range(0, len(transitions), 9)][0] == (1, 1)
        assert ask("I", b'{"uid": 1, "position": 0}')[0] == b"error"
        assert ask("Z")[:2] == [b"error", b"Request not recognized"]
    finally:
        request.close(linger=0)


def test_other_hosts_need_the_token(write):
    import zmq

    loaded = load_tree(TUTORIALS / "01_sequence.yaml")
    port = _free_port()
    server = Groot2Server(loaded, port, host="0.0.0.0", token="s3cret")
    context = zmq.Context.instance()
    try:
        for password, answered in ((None, False), ("wrong", False), ("s3cret", True)):
            request = context.socket(zmq.REQ)
            request.RCVTIMEO = 1500
            if password:
                request.plain_username, request.plain_password = PLAIN_USER.encode(), password.encode()
            request.connect(f"tcp://127.0.0.1:{port}")
            request.send_multipart([struct.pack("<BBI", 2, ord("T"), 1)])
            try:
                reply = request.recv_multipart()
                assert answered and b"MainTree" in reply[1]
            except zmq.Again:
                assert not answered
            finally:
                request.close(linger=0)
    finally:
        server.close()


@pytest.mark.skipif(not os.path.exists(os.path.join(os.path.dirname(sys.executable), "btview")),
                    reason="btview's command is not installed")
def test_btview_attaches_to_a_running_ivfp_bt(tmp_path):
    port = _free_port()
    run = subprocess.Popen([sys.executable, "-m", "ivfp_bt", "run", str(TUTORIALS / "04_include.yaml"),
                            "--groot2", str(port), "--picks", "200", "--tick-hz", "20"],
                           cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert "Groot2 can attach to 127.0.0.1" in run.stdout.readline()
        btview = os.path.join(os.path.dirname(sys.executable), "btview")
        deadline, shown = time.monotonic() + 20, None
        while time.monotonic() < deadline:
            shown = subprocess.run([btview, "snapshot", "--port", str(port), "--no-color"], capture_output=True,
                                   text=True, timeout=20)
            if shown.returncode == 0:
                break
        assert shown.returncode == 0, shown.stdout + shown.stderr
        assert "verify second" in shown.stdout and "live" in shown.stdout
        board = subprocess.run([btview, "blackboard", "--port", str(port), "--json"], capture_output=True,
                               text=True, timeout=20)
        assert '"p_first": 0.3' in board.stdout, board.stdout + board.stderr
    finally:
        run.terminate()
        run.wait(timeout=20)
