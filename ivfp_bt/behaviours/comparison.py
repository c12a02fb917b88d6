"""Named comparison operators for blackboard checks (a whitelist: trees never eval)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda value, expected: value in expected,
}


def compare(value: Any, op: str, expected: Any) -> bool:
    """``value <op> expected``; values that cannot be compared are simply unequal."""
    try:
        return bool(OPERATORS[op](value, expected))
    except TypeError:
        return False
