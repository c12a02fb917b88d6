"""From tree YAML to a checked ``TreeSpec``, collecting every problem on the way.

A node is a mapping with one key, its type, whose value holds the node's fields:
``Wait: {duration: 0.5}``. A leaf with no fields may be a bare string (``- Succeed``).
See docs/trees.md for the whole schema.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ivfp_bt import registry
from ivfp_bt.errors import Origin, Problem, TreeFileError
from ivfp_bt.params import BlackboardKey, Param, parse_key_reference
from ivfp_bt.suggest import did_you_mean
from ivfp_bt.tree import file_params
from ivfp_bt.tree.blackboard_check import spec_accesses, unwritten_reads
from ivfp_bt.tree.control_nodes import ALIASES, CONTROL_TYPES, INCLUDE, ControlType
from ivfp_bt.tree.spec import NodeSpec, TreeSpec
from ivfp_bt.tree.yaml_source import MarkedList, MarkedMap, read_yaml

TOP_LEVEL_KEYS = ("version", "description", "params", "blackboard", "tree")
INCLUDE_FIELDS = ("file", "name", "with", "remap")
MAX_INCLUDE_DEPTH = 16


@dataclass(frozen=True)
class Scope:
    """Where names in one file resolve: its blackboard namespace and remapped keys."""

    file: Path
    namespace: str = "/"
    remap: tuple[tuple[str, str], ...] = ()  # local key -> absolute key
    chain: tuple[Path, ...] = ()  # the include chain, for cycle detection

    def key(self, local: str) -> str:
        """The absolute blackboard key a local ``{key}`` reference means here."""
        return dict(self.remap).get(local) or self.namespace.rstrip("/") + "/" + local


def display_name(path: Path) -> str:
    """A path as the user would like to read it: relative to the working directory when below it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


class TreeParser:
    """Parses one root file and its includes; ``problems`` lists all that is wrong."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.blackboard: dict[str, Any] = {}
        self.leaves = registry.leaves()

    def parse(self, path: Path | str, overrides: dict[str, str] | None = None) -> TreeSpec:
        """Parse ``path``; raise ``TreeFileError`` with every problem if there are any."""
        path = Path(path).resolve()
        scope = Scope(file=path, chain=(path,))
        at = Origin(display_name(path))
        document = self._document(scope, overrides or {}, {}, at, where="", from_text=True)
        if document is not None:
            self.problems += unwritten_reads(spec_accesses(document[0]), set(self.blackboard))
        if self.problems or document is None:
            problems = sorted(self.problems, key=lambda p: (p.origin.file, p.origin.line, p.origin.col))
            raise TreeFileError(problems or [Problem(at, "no tree")])
        root, description = document
        return TreeSpec(file=display_name(path), root=root, description=description, blackboard=self.blackboard)

    def _problem(self, origin: Origin, message: str, where: str = "") -> None:
        self.problems.append(Problem(origin, message, where))

    def _document(self, scope: Scope, given: dict, given_origins: dict, at: Origin, where: str,
                  from_text: bool = False) -> tuple[NodeSpec, str] | None:
        try:
            data = read_yaml(scope.file, display_name(scope.file))
        except TreeFileError as error:
            self.problems.extend(error.problems)
            return None
        for key in data:
            if key not in TOP_LEVEL_KEYS:
                self._problem(data.key_origin(key), f"unknown top-level key {key!r}" + did_you_mean(key, TOP_LEVEL_KEYS))
        if data.get("version", 1) != 1:
            self._problem(data.value_origin("version"), f"unsupported version {data['version']!r} (this is version 1)")
        declared = file_params.declare(data.get("params"), data.value_origin("params"), self.problems)
        values = file_params.bind(declared, given, given_origins, at, self.problems, from_text=from_text)
        names = tuple(declared)
        self._blackboard(file_params.substitute(data.get("blackboard"), values, names, data.origin, self.problems),
                         data.value_origin("blackboard"), scope)
        if "tree" not in data:
            self._problem(data.origin, "missing 'tree:' (the root node)")
            return None
        tree = file_params.substitute(data["tree"], values, names, data.value_origin("tree"), self.problems)
        root = self._node(tree, data.value_origin("tree"), scope, where)
        description = data.get("description", "")
        return (root, str(description)) if root is not None else None

    def _blackboard(self, raw: Any, origin: Origin, scope: Scope) -> None:
        if raw is None:
            return
        if not isinstance(raw, MarkedMap):
            self._problem(origin, "blackboard must be a mapping of key: initial value")
            return
        for key, value in raw.items():
            local = str(key).strip("{}")
            self.blackboard[scope.key(local)] = value

    def _node(self, raw: Any, origin: Origin, scope: Scope, where: str) -> NodeSpec | None:
        if isinstance(raw, str):
            type_name, fields = raw, MarkedMap(origin)
        elif isinstance(raw, MarkedMap) and len(raw) == 1:
            (type_name, fields), = raw.items()
            origin = raw.key_origin(type_name)
            if fields is None:
                fields = MarkedMap(origin)
            elif not isinstance(fields, MarkedMap):
                self._problem(raw.value_origin(type_name), f"the fields of {type_name} must be a mapping", where)
                return None
        else:
            found = f"a mapping with {len(raw)} keys" if isinstance(raw, dict) else type(raw).__name__
            self._problem(origin, f"a node is a mapping with one key, its type (like `Wait: {{duration: 1}}`), "
                          f"not {found}", where)
            return None
        default_name = Path(str(fields.get("file", type_name))).stem if type_name == INCLUDE else type_name
        name = fields.get("name", default_name)
        if not isinstance(name, str) or not name.strip():
            self._problem(fields.value_origin("name"), "name must be a non-empty string", where)
            name = str(type_name)
        node_where = f"{where} > {name}" if where else name
        type_name = ALIASES.get(type_name, type_name)
        if type_name == INCLUDE:
            return self._include(fields, origin, scope, node_where)
        if type_name in CONTROL_TYPES:
            return self._control(CONTROL_TYPES[type_name], name, fields, origin, scope, node_where)
        if type_name in self.leaves:
            return self._leaf(type_name, name, fields, origin, scope, node_where)
        known = [*self.leaves, *CONTROL_TYPES, *ALIASES, INCLUDE]
        self._problem(origin, f"unknown node type {type_name!r}" + did_you_mean(type_name, known), where)
        return None

    def _check_params(self, declared: dict[str, Param], given: dict[str, Any], fields: MarkedMap,
                      scope: Scope, where: str, type_name: str, origin: Origin) -> dict[str, Any]:
        values = {}
        for key, value in given.items():
            if value is file_params.UNRESOLVED:
                continue   # its problem is already reported where the value came from
            try:
                checked = declared[key].check(value)
                values[key] = scope.key(checked) if declared[key].type is BlackboardKey else checked
            except ValueError as error:
                self._problem(fields.value_origin(key), f"parameter {key!r} of {type_name} {error}", where)
        for key, param in declared.items():
            if key not in given:
                if param.required:
                    self._problem(origin, f"{type_name} needs parameter {key!r} ({param.type_name}: {param.doc})",
                                  where)
                else:
                    values[key] = param.default
        return values

    def _control(self, ctype: ControlType, name: str, fields: MarkedMap, origin: Origin, scope: Scope,
                 where: str) -> NodeSpec | None:
        spec = NodeSpec(ctype.name, name, origin, where, scope.namespace)
        child_field, wrong_field = ("children", "child") if ctype.kind == "composite" else ("child", "children")
        given = {}
        for key, value in fields.items():
            if key == "name" or key == child_field:
                continue
            if key == wrong_field:
                hint = "a list of nodes under `children`" if ctype.kind == "composite" else "exactly one node under `child`"
                self._problem(fields.key_origin(key), f"{ctype.name} is a {ctype.kind}: it takes {hint}", where)
            elif key not in ctype.params:
                self._problem(fields.key_origin(key), f"unknown parameter {key!r} for {ctype.name}"
                              + did_you_mean(key, [*ctype.params, child_field, "name"]), where)
            else:
                given[key] = value
        spec.params = self._check_params(ctype.params, given, fields, scope, where, ctype.name, origin)
        spec.children = self._children(ctype, fields, origin, scope, where)
        if ctype.name == "Parallel" and spec.params.get("policy") == "success_on_selected":
            names = {child.name for child in spec.children}
            for missing in [n for n in spec.params.get("selected", []) if n not in names]:
                self._problem(fields.value_origin("selected"), f"selected child {missing!r} is not a child of {name}"
                              + did_you_mean(missing, names), where)
        return spec

    def _children(self, ctype: ControlType, fields: MarkedMap, origin: Origin, scope: Scope,
                  where: str) -> list[NodeSpec]:
        if ctype.kind == "decorator":
            raw = fields.get("child")
            if raw is None and "children" in fields:
                return []  # already reported as the wrong field
            if raw is None:
                self._problem(origin, f"{ctype.name} is a decorator: it needs exactly one `child`", where)
                return []
            if isinstance(raw, list):
                self._problem(fields.value_origin("child"),
                              f"{ctype.name} takes exactly one child, got a list of {len(raw)}", where)
                return []
            child = self._node(raw, fields.value_origin("child"), scope, where)
            return [child] if child else []
        raw = fields.get("children")
        if not isinstance(raw, MarkedList) or not raw:
            at = fields.value_origin("children") if "children" in fields else origin
            self._problem(at, f"{ctype.name} needs a non-empty list of `children`", where)
            return []
        nodes = [self._node(item, raw.item_origin(i), scope, where) for i, item in enumerate(raw)]
        return [node for node in nodes if node is not None]

    def _leaf(self, type_name: str, name: str, fields: MarkedMap, origin: Origin, scope: Scope,
              where: str) -> NodeSpec:
        cls = self.leaves[type_name]
        spec = NodeSpec(type_name, name, origin, where, scope.namespace)
        ports = {**cls.INPUT_PORTS, **cls.OUTPUT_PORTS}
        given = {}
        for key, value in fields.items():
            if key == "name":
                continue
            if key in ports:
                if value is file_params.UNRESOLVED:
                    continue
                try:
                    spec.ports[key] = scope.key(parse_key_reference(value))
                except ValueError as error:
                    self._problem(fields.value_origin(key), f"port {key!r} of {type_name} {error}", where)
            elif key in cls.PARAMS:
                given[key] = value
            else:
                self._problem(fields.key_origin(key), f"unknown parameter {key!r} for {type_name}"
                              + did_you_mean(key, [*cls.PARAMS, *ports, "name"]), where)
        spec.params = self._check_params(cls.PARAMS, given, fields, scope, where, type_name, origin)
        spec.given = tuple(given)
        for port, info in cls.INPUT_PORTS.items():
            if info.required and not info.has_default and port not in fields:
                self._problem(origin, f'input port {port!r} of {type_name} is not connected (write {port}: "{{key}}")',
                              where)
        return spec

    def _include(self, fields: MarkedMap, origin: Origin, scope: Scope, where: str) -> NodeSpec | None:
        for key in fields:
            if key not in INCLUDE_FIELDS:
                self._problem(fields.key_origin(key), f"unknown field {key!r} for Include"
                              + did_you_mean(key, INCLUDE_FIELDS), where)
        file = fields.get("file")
        if not isinstance(file, str) or not file:
            self._problem(origin, "Include needs `file:`, the tree file to include", where)
            return None
        path = (scope.file.parent / file).resolve()
        if not path.is_file():
            self._problem(fields.value_origin("file"), f"included file {file!r} not found "
                          f"(looked in {display_name(scope.file.parent)})", where)
            return None
        if path in scope.chain:
            cycle = " -> ".join(display_name(p) for p in (*scope.chain[scope.chain.index(path):], path))
            self._problem(fields.value_origin("file"), f"include cycle: {cycle}", where)
            return None
        if len(scope.chain) >= MAX_INCLUDE_DEPTH:
            self._problem(fields.value_origin("file"), f"includes nested deeper than {MAX_INCLUDE_DEPTH}", where)
            return None
        name = fields.get("name", path.stem)
        inner = Scope(path, scope.namespace.rstrip("/") + "/" + str(name), self._remap(fields, scope, where),
                      (*scope.chain, path))
        given = fields.get("with") or MarkedMap(origin)
        if not isinstance(given, MarkedMap):
            self._problem(fields.value_origin("with"), "`with` must be a mapping of param: value", where)
            return None
        document = self._document(inner, dict(given), given.value_origins, origin, where)
        if document is None:
            return None
        root = document[0]
        root.included_from = display_name(path)
        if "name" in fields:
            root.name = str(name)
        return root

    def _remap(self, fields: MarkedMap, scope: Scope, where: str) -> tuple[tuple[str, str], ...]:
        raw = fields.get("remap")
        if raw is None:
            return ()
        if not isinstance(raw, MarkedMap):
            self._problem(fields.value_origin("remap"), '`remap` maps the subtree\'s keys to ours: {inner: "{outer}"}',
                          where)
            return ()
        pairs = []
        for inner, outer in raw.items():
            try:
                pairs.append((str(inner).strip("{}"), scope.key(parse_key_reference(outer))))
            except ValueError as error:
                self._problem(raw.value_origin(inner), f"remap of {inner!r} {error}", where)
        return tuple(pairs)
