"""The Groot2 monitoring protocol of BehaviorTree.CPP 4.8 (``loggers/groot2_protocol.h``).

A request is a ZeroMQ multipart message whose first frame is a 6-byte header:
protocol id (2), request type (an ASCII letter), a little-endian uint32 id. The
reply's first frame echoes the header followed by the tree's 16-byte UUID; the
frames after it carry the answer. Node statuses travel as 3 bytes per node:
uint16 uid, then the status (IDLE 0, RUNNING 1, SUCCESS 2, FAILURE 3; 10 + the
last status for a node that went back to IDLE).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import py_trees

PROTOCOL_ID = 2
DEFAULT_PORT = 1667   # BT.CPP's Groot2Publisher's; the PUB socket takes the next one
HEADER = struct.Struct("<BBI")
FULLTREE, STATUS, BLACKBOARD = ord("T"), ord("S"), ord("B")
HOOK_INSERT, HOOK_REMOVE, BREAKPOINT_UNLOCK = ord("I"), ord("R"), ord("U")
REMOVE_ALL_HOOKS, DISABLE_ALL_HOOKS, HOOKS_DUMP = ord("A"), ord("D"), ord("H")
TOGGLE_RECORDING, GET_TRANSITIONS = ord("O"), ord("P")

IDLE, RUNNING, SUCCESS, FAILURE = 0, 1, 2, 3
_CODES = {py_trees.common.Status.RUNNING: RUNNING, py_trees.common.Status.SUCCESS: SUCCESS,
          py_trees.common.Status.FAILURE: FAILURE, py_trees.common.Status.INVALID: IDLE}
STATUS_NAMES = {"RUNNING": RUNNING, "SUCCESS": SUCCESS, "FAILURE": FAILURE, "INVALID": IDLE}


def status_code(status: py_trees.common.Status) -> int:
    return _CODES[status]


@dataclass(frozen=True)
class Request:
    type: int
    id: int

    @classmethod
    def decode(cls, frame: bytes) -> Request | None:
        """The request in ``frame``, or None when it is not a Groot2 header."""
        if len(frame) != HEADER.size:
            return None
        protocol, kind, request_id = HEADER.unpack(frame)
        return cls(kind, request_id)

    def reply_header(self, tree_uuid: bytes) -> bytes:
        return HEADER.pack(PROTOCOL_ID, self.type, self.id) + tree_uuid


def status_buffer(codes: list[tuple[int, int]]) -> bytes:
    """``(uid, status)`` pairs as Groot2's status frame."""
    return b"".join(struct.pack("<HB", uid, code) for uid, code in codes)


def transition(usec: int, uid: int, code: int) -> bytes:
    """One 9-byte transition, as GET_TRANSITIONS and FileLogger2 write them: 6-byte time, uid, status."""
    return struct.pack("<Q", usec)[:6] + struct.pack("<HB", uid, code)
