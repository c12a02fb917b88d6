"""A logged run as a BehaviorTree.CPP FileLogger2 file (``.btlog``), which Groot2 replays.

The layout is BT.CPP 4.8's (``loggers/bt_file_logger_v2.cpp``): the text
``BTCPP4-FileLogger2``, a protocol byte (1), the tree's XML with node uids
(int32 length first), the start time in microseconds (int64), then 9 bytes per
status change: 6 bytes of microseconds since the start, the node's uint16 uid
and its status. All little-endian. The tree is drawn from the shape the run's
records kept; status changes name their node by path, the first node of that
path takes them (as the web page's replay does).
"""

from __future__ import annotations

import struct
from pathlib import Path

from ivfp_bt.errors import UserError
from ivfp_bt.groot2 import protocol
from ivfp_bt.groot2.tree_xml import shape_tree
from ivfp_bt.sidecar.store import RunStore

MAGIC = b"BTCPP4-FileLogger2"
FORMAT_VERSION = 1


def export_btlog(run_dir: Path, out: Path) -> tuple[int, int]:
    """Write ``run_dir``'s status changes to ``out``; return (nodes, transitions) written."""
    if out.suffix != ".btlog":
        raise UserError(f"{out}: Groot2 opens FileLogger2 files by their extension: name it *.btlog")
    with RunStore.reader(run_dir) as store:
        shape = store.meta().get("tree_nodes")
        if not shape:
            raise UserError(f"{run_dir}: the run's records keep no tree shape (logged before ivfp-bt kept it)")
        changes = [change for attempt in store.ids() for change in store.transitions(attempt)]
    tree = shape_tree(shape)
    uid_of: dict[str, int] = {}
    for uid, entry in enumerate(tree.nodes, start=1):
        uid_of.setdefault(entry["path"], uid)
    xml = tree.xml.encode()
    body = [MAGIC, bytes([FORMAT_VERSION]), struct.pack("<i", len(xml)), xml, struct.pack("<q", 0)]
    written = 0
    for usec, path, status in _timeline(changes):
        if path in uid_of:
            body.append(protocol.transition(usec, uid_of[path], protocol.STATUS_NAMES.get(status, protocol.IDLE)))
            written += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(b"".join(body))
    return len(tree.nodes), written


def _timeline(changes: list[tuple[int, float, str, str]]) -> list[tuple[int, str, str]]:
    """Microseconds since the first change, never going back (a resumed run's clock starts again)."""
    timeline, offset, last_time, last_usec = [], 0.0, None, 0
    for _tick, time, path, status in changes:
        if last_time is not None and time < last_time:
            offset += last_time - time   # a new session: continue where the last one ended
        last_time = time
        usec = max(last_usec, int(round((time + offset - changes[0][1]) * 1e6)))
        timeline.append((usec, path, status))
        last_usec = usec
    return timeline
