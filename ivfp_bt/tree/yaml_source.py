"""Reading tree YAML safely, keeping the line and column of every value.

Built on ``yaml.SafeLoader`` (never the full loader). Mappings and sequences come
back as ``MarkedMap`` / ``MarkedList``, which remember where each key, value and
item was written, so later checks can point at ``file:line:col``.

Hostile or broken input fails fast with one ``Problem``: binary data, files over
``MAX_BYTES``, nesting deeper than ``MAX_DEPTH``, duplicate keys, and alias bombs
(anchors whose expansion would exceed ``MAX_NODES`` values).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ivfp_bt.errors import Origin, Problem, TreeFileError

MAX_BYTES = 1 << 20
MAX_DEPTH = 64
MAX_NODES = 50_000


class MarkedMap(dict):
    """A dict that knows where it, each key and each value were written."""

    def __init__(self, origin: Origin, key_origins: dict[Any, Origin] | None = None,
                 value_origins: dict[Any, Origin] | None = None):
        super().__init__()
        self.origin = origin
        self.key_origins = {} if key_origins is None else key_origins
        self.value_origins = {} if value_origins is None else value_origins

    def key_origin(self, key: Any) -> Origin:
        return self.key_origins.get(key, self.origin)

    def value_origin(self, key: Any) -> Origin:
        return self.value_origins.get(key, self.origin)


class MarkedList(list):
    """A list that knows where it and each item were written."""

    def __init__(self, items: Any, origin: Origin, item_origins: list[Origin]):
        super().__init__(items)
        self.origin = origin
        self.item_origins = item_origins

    def item_origin(self, index: int) -> Origin:
        return self.item_origins[index] if index < len(self.item_origins) else self.origin


class _LimitExceeded(yaml.MarkedYAMLError):
    """A size limit was hit while composing; reported like any YAML error, with its mark."""


class _MarkedLoader(yaml.SafeLoader):
    """SafeLoader that counts expanded nodes and depth, and keeps marks."""

    def __init__(self, stream: str, file: str):
        super().__init__(stream)
        self.file = file
        self._depth = 0
        self._expanded = 0
        self._sizes: dict[int, int] = {}

    def origin(self, node: yaml.Node) -> Origin:
        mark = node.start_mark
        return Origin(self.file, mark.line + 1, mark.column + 1)

    def compose_node(self, parent: Any, index: Any) -> yaml.Node:
        is_alias = self.check_event(yaml.AliasEvent)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _LimitExceeded(problem=f"nested deeper than {MAX_DEPTH} levels", problem_mark=self.peek_event().start_mark)
        before = self._expanded
        node = super().compose_node(parent, index)
        self._depth -= 1
        if is_alias:
            self._expanded += self._sizes.get(id(node), 1)
        else:
            self._expanded += 1
            self._sizes[id(node)] = self._expanded - before
        if self._expanded > MAX_NODES:
            raise _LimitExceeded(
                problem=f"expands to more than {MAX_NODES} values (an alias bomb?)", problem_mark=node.start_mark
            )
        return node

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> MarkedMap:
        self.flatten_mapping(node)
        result = MarkedMap(self.origin(node))
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise yaml.constructor.ConstructorError(
                    None, None, "mapping keys must be plain values", key_node.start_mark
                )
            if key in result:
                first = result.key_origins[key]
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first at line {first.line})", key_node.start_mark
                )
            result[key] = self.construct_object(value_node, deep=True)
            result.key_origins[key] = self.origin(key_node)
            result.value_origins[key] = self.origin(value_node)
        return result

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> MarkedList:
        return MarkedList((self.construct_object(child, deep=True) for child in node.value), self.origin(node),
                          [self.origin(child) for child in node.value])


_MarkedLoader.add_constructor("tag:yaml.org,2002:map", _MarkedLoader.construct_mapping)
_MarkedLoader.add_constructor("tag:yaml.org,2002:seq", _MarkedLoader.construct_sequence)


def read_yaml(path: Path | str, display_name: str | None = None) -> MarkedMap:
    """Read one YAML document whose top level is a mapping; raise ``TreeFileError`` otherwise."""
    name = display_name or str(path)
    text = _read_text(Path(path), name)
    loader = _MarkedLoader(text, name)
    try:
        if not loader.check_node():
            raise TreeFileError([Problem(Origin(name, 1, 1), "the file is empty")])
        data = loader.construct_document(loader.get_node())
        if loader.check_node():
            mark = loader.peek_event().start_mark
            raise TreeFileError([Problem(Origin(name, mark.line + 1, mark.column + 1), "more than one YAML document")])
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        origin = Origin(name, mark.line + 1, mark.column + 1) if mark else Origin(name)
        problem = " ".join(part for part in (error.context, error.problem) if part) or "invalid YAML"
        raise TreeFileError([Problem(origin, f"YAML: {problem}")]) from None
    except yaml.YAMLError as error:  # reader errors: control characters and the like
        raise TreeFileError([Problem(Origin(name), f"YAML: {error}".replace("\n", " "))]) from None
    except RecursionError:
        raise TreeFileError([Problem(Origin(name), f"nested deeper than {MAX_DEPTH} levels")]) from None
    finally:
        loader.dispose()
    if not isinstance(data, MarkedMap):
        raise TreeFileError([Problem(Origin(name, 1, 1), f"the top level must be a mapping, not {type(data).__name__}")])
    return data


def _read_text(path: Path, name: str) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise TreeFileError([Problem(Origin(name), f"file is {size} bytes; tree files are limited to {MAX_BYTES}")])
        data = path.read_bytes()
    except FileNotFoundError:
        raise TreeFileError([Problem(Origin(name), "no such file")]) from None
    except IsADirectoryError:
        raise TreeFileError([Problem(Origin(name), "is a directory, not a tree file")]) from None
    except OSError as error:
        raise TreeFileError([Problem(Origin(name), f"cannot read: {error.strerror}")]) from None
    if b"\x00" in data:
        raise TreeFileError([Problem(Origin(name), "binary data, not a YAML text file")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise TreeFileError([Problem(Origin(name, line, 1), "not UTF-8 text (binary file?)")]) from None
