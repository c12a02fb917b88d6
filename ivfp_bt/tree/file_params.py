"""A tree file's own parameters: declaring them, binding values, and ``${name}`` substitution.

Included subtrees take parameters from the ``with:`` of the include; the root
file takes them from ``--set name=value`` on the command line.
"""

from __future__ import annotations

import re
from typing import Any

from ivfp_bt.errors import Origin, Problem
from ivfp_bt.params import Param
from ivfp_bt.suggest import did_you_mean
from ivfp_bt.tree.yaml_source import MarkedList, MarkedMap

TYPES = {"bool": bool, "int": int, "float": float, "str": str, "list": list, "mapping": dict, "any": object}
_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class _Unresolved:
    """A value that could not be had (a bad ``--set``, an undefined ``${name}``): its problem is
    already reported, so whatever it feeds stays quiet instead of adding follow-on errors."""

    def __repr__(self) -> str:
        return "<unresolved>"


UNRESOLVED = _Unresolved()


def declare(raw: Any, origin: Origin, problems: list[Problem]) -> dict[str, Param]:
    """Read a ``params:`` section: ``name: {type:, default:, doc:}`` or ``name: default``."""
    if raw is None:
        return {}
    if not isinstance(raw, MarkedMap):
        problems.append(Problem(origin, "params must be a mapping of name: declaration"))
        return {}
    declared = {}
    for name, decl in raw.items():
        if not isinstance(decl, MarkedMap):
            declared[name] = Param(type(decl) if decl is not None else object, decl)
            continue
        unknown = set(decl) - {"type", "default", "doc"}
        for key in sorted(unknown, key=str):
            problems.append(Problem(decl.key_origin(key), f"unknown field {key!r} in declaration of param {name!r}"
                                    + did_you_mean(key, ["type", "default", "doc"])))
        type_name = decl.get("type", "any")
        if type_name not in TYPES:
            problems.append(Problem(decl.value_origin("type"), f"unknown param type {type_name!r}"
                                    + did_you_mean(type_name, TYPES)))
            continue
        param = Param(TYPES[type_name], doc=str(decl.get("doc", "")))
        if "default" in decl:
            try:
                param = Param(param.type, param.check(decl["default"]), param.doc)
            except ValueError as error:
                problems.append(Problem(decl.value_origin("default"), f"default of param {name!r} {error}"))
                continue
        declared[name] = param
    return declared


def bind(declared: dict[str, Param], given: dict[str, Any], given_origins: dict[str, Origin], at: Origin,
         problems: list[Problem], from_text: bool = False) -> dict[str, Any]:
    """Values for every declared param: given ones checked, the rest from defaults."""
    values = {}
    for name, value in given.items():
        origin = given_origins.get(name, at)
        if name not in declared:
            known = ", ".join(declared) or "none"
            problems.append(Problem(origin, f"unknown param {name!r} (this tree takes: {known})"
                                    + did_you_mean(name, declared)))
            continue
        if value is UNRESOLVED:   # an include's `with:` that took a bad value: reported already
            values[name] = UNRESOLVED
            continue
        try:
            values[name] = declared[name].check(value, from_text=from_text)
        except ValueError as error:
            problems.append(Problem(origin, f"param {name!r} {error}"))
            values[name] = UNRESOLVED
    for name, param in declared.items():
        if name not in values and name not in given:
            if param.required:
                problems.append(Problem(at, f"param {name!r} is required but not given"))
                values[name] = UNRESOLVED
            else:
                values[name] = param.default
    return values


def substitute(raw: Any, values: dict[str, Any], declared: tuple[str, ...], origin: Origin,
               problems: list[Problem]) -> Any:
    """Replace ``${name}`` in every string; a string that is only ``${name}`` takes the value's type.

    A declared param without a value was already reported by ``bind``; only undeclared names are reported here.
    """
    if isinstance(raw, MarkedMap):
        out = MarkedMap(raw.origin, raw.key_origins, raw.value_origins)
        for key, value in raw.items():
            out[key] = substitute(value, values, declared, raw.value_origin(key), problems)
        return out
    if isinstance(raw, MarkedList):
        items = (substitute(v, values, declared, raw.item_origin(i), problems) for i, v in enumerate(raw))
        return MarkedList(items, raw.origin, raw.item_origins)
    if not isinstance(raw, str) or "${" not in raw:
        return raw

    def lookup(name: str) -> Any:
        if name not in values and name not in declared:
            problems.append(Problem(origin, f"${{{name}}} is not a param of this file" + did_you_mean(name, declared)))
        return values.get(name, UNRESOLVED)

    whole = _REFERENCE.fullmatch(raw)
    if whole:
        return lookup(whole.group(1))
    parts = [lookup(m.group(1)) for m in _REFERENCE.finditer(raw)]
    if any(part is UNRESOLVED for part in parts):
        return UNRESOLVED
    return _REFERENCE.sub(lambda m: str(values[m.group(1)]), raw)
