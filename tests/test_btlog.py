"""`export btlog`: a logged run as a BehaviorTree.CPP FileLogger2 file, laid out as BT.CPP writes one."""

from __future__ import annotations

import struct
import time
import xml.etree.ElementTree as ET

import pytest

from ivfp_bt.cli.main import main
from ivfp_bt.sidecar.store import RunStore


def read_btlog(data: bytes) -> tuple[str, int, list[tuple[int, int, int]]]:
    """(XML, start time, [(usec, uid, status)]) from a FileLogger2 file."""
    assert data.startswith(b"BTCPP4-FileLogger2\x01")
    size = struct.unpack("<i", data[19:23])[0]
    xml = data[23:23 + size].decode()
    start = struct.unpack("<q", data[23 + size:31 + size])[0]
    body = data[31 + size:]
    assert len(body) % 9 == 0
    records = [(int.from_bytes(body[i:i + 6], "little"), *struct.unpack("<HB", body[i + 6:i + 9]))
               for i in range(0, len(body), 9)]
    return xml, start, records


def test_the_layout_is_the_one_btcpp_writes(tmp_path):
    """Our reading of the format, checked on BT.CPP's own FileLogger2 (through behaviortreepy)."""
    bt = pytest.importorskip("behaviortreepy")
    tree = bt.BehaviorTreeFactory().create_tree_from_text(
        '<root BTCPP_format="4"><BehaviorTree ID="M"><Sequence name="s"><AlwaysSuccess/>'
        "<Inverter><AlwaysFailure/></Inverter></Sequence></BehaviorTree></root>")
    logger = bt.FileLogger(tree, str(tmp_path / "btcpp.btlog"))
    tree.tick_while_running(1)
    time.sleep(0.1)   # its writer thread takes what is queued every 10 ms
    del logger
    xml, start, records = read_btlog((tmp_path / "btcpp.btlog").read_bytes())
    uids = {int(e.get("_uid")) for e in ET.fromstring(xml).iter() if e.get("_uid")}
    assert uids == {1, 2, 3, 4} and start > 1.6e15   # microseconds since 1970
    assert [(uid, status) for _, uid, status in records][:4] == [(1, 1), (2, 2), (3, 1), (4, 3)]


def test_a_recorded_run_exports_its_status_changes(demos_run, tmp_path, capsys):
    out = tmp_path / "run.btlog"
    assert main(["export", "btlog", str(demos_run), str(out)]) == 0
    assert "status changes of" in capsys.readouterr().out
    xml, start, records = read_btlog(out.read_bytes())
    root = ET.fromstring(xml)
    nodes = [e for e in root.find("BehaviorTree").iter() if e.get("_uid")]
    with RunStore.reader(demos_run) as store:
        shape = store.meta()["tree_nodes"]
        changes = [c for attempt in store.ids() for c in store.transitions(attempt)]
    assert [e.get("name") for e in nodes] == [entry["name"] for entry in shape]
    assert [int(e.get("_uid")) for e in nodes] == list(range(1, len(shape) + 1))
    assert [e.tag for e in nodes[:2]] == ["Sequence", "Observe"] and root.find("TreeNodesModel") is not None
    assert len(records) == len(changes) > 10
    by_path = {entry["path"]: uid for uid, entry in reversed(list(enumerate(shape, start=1)))}
    codes = {"RUNNING": 1, "SUCCESS": 2, "FAILURE": 3, "INVALID": 0}
    assert [(uid, status) for _, uid, status in records] == [(by_path[c[2]], codes[c[3]]) for c in changes]
    times = [usec for usec, _, _ in records]
    assert times == sorted(times) and times[-1] > 1e6   # the picks took seconds of robot time


def test_btcpp_loads_the_tree_in_the_file(demos_run, tmp_path):
    from tests.btcpp.harness import BtCpp, Unavailable, build_stub_library

    try:
        btcpp = BtCpp(build_stub_library())
    except Unavailable as error:
        pytest.skip(str(error))
    main(["export", "btlog", str(demos_run), str(tmp_path / "run.btlog")])
    xml, _, _ = read_btlog((tmp_path / "run.btlog").read_bytes())
    btcpp.register_palette(xml)
    btcpp.factory.create_tree_from_text(xml)


def test_the_file_must_be_named_btlog(demos_run, tmp_path, capsys):
    assert main(["export", "btlog", str(demos_run), str(tmp_path / "run.log")]) == 1
    assert "name it *.btlog" in capsys.readouterr().err
