"""The page's messages to a live run, checked field by field; anything malformed is refused
with a message saying what, and nothing reaches the robot."""

from __future__ import annotations

import json
import math
from typing import Any

from ivfp_bt.pick.teleop_click import ClickRefused


class MessageError(ValueError):
    """A message the page should not have sent; the reply says what is wrong with it."""


def handle_message(text: str, operator: Any) -> dict:
    """Carry out one message from the page; the reply to send back."""
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):   # RecursionError: nested deeper than the parser goes
        raise MessageError("not JSON") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise MessageError('a message is a JSON object with a "type"')
    kind = message["type"]
    if kind == "ping":
        return {"type": "pong"}
    if kind not in ("grasp", "label", "target", "reset_by_hand"):
        raise MessageError(f"unknown message type {kind!r}")
    if operator is None:
        raise MessageError("this run takes no teleop (start it with --teleop)")
    try:
        if kind == "reset_by_hand":
            operator.reset_by_hand()
            return {"type": "accepted", "what": kind}
        request = _field(message, "request", int)
        if kind == "target":
            pixels = operator.answer_target(request, _field(message, "u", float), _field(message, "v", float))
            return {"type": "accepted", "what": kind, "request": request, "pixels": pixels}
        if kind == "label":
            operator.answer_label(request, _field(message, "label", str))
            return {"type": "accepted", "what": kind, "request": request}
        grasp = operator.answer_grasp(request, _field(message, "u", float), _field(message, "v", float),
                                      _field(message, "width", float))
    except ClickRefused as error:
        return {"type": "refused", "what": kind, "message": str(error)}
    return {"type": "accepted", "what": kind, "request": request, "grasp": grasp.to_record()}


def _field(message: dict, name: str, kind: type) -> Any:
    value = message.get(name)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool) or (kind is float and not math.isfinite(value)):
        raise MessageError(f"{name!r} must be {'a number' if kind is float else 'a whole number' if kind is int else 'text'}")
    return value
