"""Loading a tree file (YAML, or BehaviorTree.CPP XML) into runnable py_trees behaviours."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from py_trees.behaviour import Behaviour

from ivfp_bt.behaviours.leaf import Leaf
from ivfp_bt.errors import Problem, TreeFileError
from ivfp_bt.tree import xml_import
from ivfp_bt.tree.build import Origins, build
from ivfp_bt.tree.parse import TreeParser
from ivfp_bt.tree.spec import TreeSpec

XML_SUFFIXES = (".xml",)


@dataclass
class LoadedTree:
    """A built tree, ready to set up and tick."""

    file: str
    root: Behaviour
    spec: TreeSpec | None  # None for trees built in code
    origins: Origins = field(default_factory=dict)

    @property
    def blackboard(self) -> dict[str, Any]:
        """Initial blackboard values by absolute key."""
        return self.spec.blackboard if self.spec else {}

    @property
    def description(self) -> str:
        return self.spec.description if self.spec else ""

    @property
    def requires(self) -> set[str]:
        """The resources the tree's leaves need at setup ("robot", "models", ...)."""
        return {need for node in self.root.iterate() if isinstance(node, Leaf) for need in node.REQUIRES}


def load_tree(path: Path | str, overrides: dict[str, str] | None = None) -> LoadedTree:
    """Parse, check and build ``path``; raise ``TreeFileError`` listing every problem."""
    path = Path(path)
    if path.suffix.lower() in XML_SUFFIXES:
        if overrides:
            raise TreeFileError([Problem(xml_import.origin(path), "--set applies to YAML trees only")])
        spec = xml_import.load_xml(path)
    else:
        spec = TreeParser().parse(path, overrides)
    origins: Origins = {}
    root = build(spec.root, origins)
    return LoadedTree(spec.file, root, spec, origins)


def validate(path: Path | str, overrides: dict[str, str] | None = None) -> list[Problem]:
    """Every problem with ``path`` given ``overrides`` of its params (an empty list when it is a valid tree)."""
    try:
        load_tree(path, overrides)
    except TreeFileError as error:
        return error.problems
    return []
