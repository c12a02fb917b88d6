"""Typed parameter declarations for tree nodes, and checking values against them.

Leaves and control nodes declare their constant parameters as ``Param`` objects.
The same declaration checks values typed in YAML (already typed) and values
that arrive as text from BehaviorTree.CPP XML attributes.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from typing import Any

import yaml


class _Required:
    def __repr__(self) -> str:
        return "required"


REQUIRED: Any = _Required()


class BlackboardKey(str):
    """Type marker: the parameter names a blackboard key, written ``"{key}"``."""


_TYPE_NAMES = {
    bool: "bool",
    int: "int",
    float: "float",
    str: "str",
    list: "list",
    dict: "mapping",
    object: "any",
    BlackboardKey: "key",
}


@dataclass(frozen=True)
class Param:
    """One constant parameter of a node."""

    type: type = object
    default: Any = REQUIRED
    doc: str = ""
    choices: tuple[Any, ...] | None = None
    min: float | None = None
    max: float | None = None

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def type_name(self) -> str:
        if self.choices:
            return "|".join(str(c) for c in self.choices)
        return _TYPE_NAMES.get(self.type, self.type.__name__)

    def check(self, value: Any, from_text: bool = False) -> Any:
        """Return ``value`` as this parameter's type, or raise ``ValueError``.

        ``from_text`` is for values that arrive as strings (XML attributes): they
        are read as YAML scalars first, so "3", "0.5" and "true" mean what they say.
        """
        if from_text and isinstance(value, str) and self.type not in (str, BlackboardKey):
            with contextlib.suppress(yaml.YAMLError):  # not YAML: stays text, and the type check says so
                value = yaml.safe_load(value) if value.strip() else value
        value = self._coerce(value)
        if self.choices is not None and value not in self.choices:
            options = ", ".join(repr(c) for c in self.choices)
            raise ValueError(f"must be one of {options}, got {value!r}")
        if self.min is not None and value < self.min:
            raise ValueError(f"must be >= {self.min}, got {value!r}")
        if self.max is not None and value > self.max:
            raise ValueError(f"must be <= {self.max}, got {value!r}")
        return value

    def _coerce(self, value: Any) -> Any:
        expected = self.type
        if expected is object:
            return value
        # bool is an int in Python; a YAML `true` is never meant as a number.
        if expected in (int, float) and isinstance(value, bool):
            raise ValueError(f"expected {self.type_name}, got bool {value!r}")
        if expected is float and isinstance(value, int):
            return float(value)
        if expected is float and isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"expected a finite number, got {value!r}")
        if expected is BlackboardKey:
            return parse_key_reference(value)
        if not isinstance(value, expected):
            raise ValueError(f"expected {self.type_name}, got {type(value).__name__} {value!r}")
        return value


def parse_key_reference(value: Any) -> BlackboardKey:
    """Read a blackboard reference: ``"{key}"``, or the unquoted YAML slip ``{key}``.

    Unquoted, YAML reads ``{key}`` as the mapping ``{"key": None}``; that form is
    unambiguous for a reference, so it is accepted rather than punished.
    """
    if isinstance(value, dict) and len(value) == 1:
        (key, inner), = value.items()
        if inner is None and isinstance(key, str):
            value = "{" + key + "}"
    if isinstance(value, str) and len(value) > 2 and value[0] == "{" and value[-1] == "}":
        key = value[1:-1].strip()
        if key and "{" not in key and "}" not in key and not key.startswith("/"):
            return BlackboardKey(key)
    raise ValueError(f'expected a blackboard reference like "{{key}}", got {value!r}')
