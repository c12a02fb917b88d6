"""Parameter values as XML attribute text, read back by ``Param.check(from_text=True)``."""

from __future__ import annotations

import math
from typing import Any

import yaml

from ivfp_bt.params import Param


def plain(value: Any) -> Any:
    """``value`` with YAML-source containers (which remember line numbers) made plain lists and dicts."""
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def param_text(value: Any, param: Param | None) -> str:
    """The attribute text for ``value``: strings as they are, the rest as one line of YAML."""
    if isinstance(value, str) and (param is None or param.type is str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    # YAML flow style keeps lists, and strings that look like numbers, readable as one attribute.
    text = yaml.safe_dump(plain(value), default_flow_style=True, width=1 << 16).strip()
    return text.removesuffix("...").strip()
