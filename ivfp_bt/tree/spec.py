"""The checked description of a tree, between the YAML text and the py_trees nodes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ivfp_bt.errors import Origin


@dataclass
class NodeSpec:
    """One node: its type, name, checked parameters and resolved blackboard wiring."""

    type: str
    name: str
    origin: Origin
    where: str  # the path of names from the root, for messages
    namespace: str = "/"  # blackboard namespace of the file it came from
    params: dict[str, Any] = field(default_factory=dict)
    given: tuple[str, ...] = ()  # the params written in the file (the rest are defaults)
    ports: dict[str, str] = field(default_factory=dict)  # port -> absolute blackboard key
    children: list[NodeSpec] = field(default_factory=list)
    included_from: str = ""  # set on the root node of an included file

    def iterate(self):
        """This node and all below it, depth first."""
        yield self
        for child in self.children:
            yield from child.iterate()


@dataclass
class TreeSpec:
    """A whole tree file with its includes resolved."""

    file: str
    root: NodeSpec
    description: str = ""
    blackboard: dict[str, Any] = field(default_factory=dict)  # absolute key -> initial value
