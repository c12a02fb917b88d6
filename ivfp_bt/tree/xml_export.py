"""Writing a checked tree as BehaviorTree.CPP v4 XML, in BT.CPP's own node names.

Controls take BT.CPP's names and attributes (btcpp_nodes.py says which is which),
our leaves keep theirs and are described in a ``<TreeNodesModel>`` so BT.CPP and
Groot2 know their ports. Includes are written inline, marked by a comment;
blackboard keys are written ``{key}`` with their absolute path, so the wiring
survives exactly. EternalGuard is written as what it means: a ReactiveSequence
whose first child checks the condition. Initial blackboard values become the
ports of a SubTree that runs the tree.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from ivfp_bt import registry
from ivfp_bt.errors import Problem, TreeFileError
from ivfp_bt.params import Param
from ivfp_bt.tree.btcpp_nodes import NoCounterpart, control_to_btcpp, leaf_to_btcpp
from ivfp_bt.tree.control_nodes import CONTROL_TYPES
from ivfp_bt.tree.groot_palette import tree_nodes_model
from ivfp_bt.tree.param_text import param_text
from ivfp_bt.tree.spec import NodeSpec, TreeSpec

GUARD = "guard"   # the role of the condition written for an EternalGuard
SUBTREE = "subtree"   # the role of the SubTree that sets initial blackboard values
BODY = "_body"
INITIAL_VALUES = "initial_values"
ANY = Param(object)   # values of any type: strings that read as something else are quoted
_XML_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")


@dataclass
class ExportedTree:
    """The XML document, and which element stands for which node (in document order)."""

    root: ET.Element
    nodes: list[tuple[ET.Element, NodeSpec, str]] = field(default_factory=list)   # (element, spec, role)

    def text(self) -> str:
        ET.indent(self.root)
        return ET.tostring(self.root, encoding="unicode") + "\n"


def to_xml(tree: TreeSpec, tree_id: str = "MainTree") -> str:
    """The whole tree as a BehaviorTree.CPP v4 document; ``TreeFileError`` names what has no counterpart."""
    return export(tree, tree_id).text()


def export(tree: TreeSpec, tree_id: str = "MainTree") -> ExportedTree:
    """The tree as an element tree, keeping track of which element is which node."""
    root = ET.Element("root", BTCPP_format="4", main_tree_to_execute=tree_id)
    if tree.description:
        root.append(ET.Comment(f" {tree.description} "))
    exported = ExportedTree(root)
    writer = _Writer(exported)
    main = ET.SubElement(root, "BehaviorTree", ID=tree_id)
    if tree.blackboard:
        main.append(_initial_values(tree, tree_id, exported))
        main = ET.SubElement(root, "BehaviorTree", ID=f"{tree_id}{BODY}")
    main.append(writer.element(tree.root))
    if writer.problems:
        raise TreeFileError(writer.problems)
    root.append(tree_nodes_model())
    return exported


def _initial_values(tree: TreeSpec, tree_id: str, exported: ExportedTree) -> ET.Element:
    """BT.CPP has no initial blackboard values; a SubTree's ports set values in its own blackboard, and
    ``_autoremap`` shares every other entry with the caller: the tree runs as that SubTree."""
    nested = [key for key in tree.blackboard if key.count("/") > 1 or not _XML_NAME.fullmatch(key[1:])]
    if nested:
        raise TreeFileError([Problem(tree.root.origin, f"initial blackboard value {nested[0]} cannot be a SubTree "
                                     "port (only top-level keys whose names are XML names can); set it with "
                                     "SetBlackboard to export this tree")])
    values = {key[1:]: param_text(value, ANY) for key, value in sorted(tree.blackboard.items())}
    element = ET.Element("SubTree", ID=f"{tree_id}{BODY}", name=INITIAL_VALUES, _autoremap="true", **values)
    exported.nodes.append((element, tree.root, SUBTREE))
    return element


def _key(absolute: str) -> str:
    return "{" + absolute.lstrip("/") + "}"


class _Writer:
    def __init__(self, exported: ExportedTree) -> None:
        self.exported = exported
        self.problems: list[Problem] = []

    def element(self, spec: NodeSpec) -> ET.Element:
        try:
            element = self._node(spec)
        except NoCounterpart as error:
            self.problems.append(Problem(spec.origin, str(error), spec.where))
            element = ET.Element(spec.type)
        for child in spec.children if spec.type != "EternalGuard" else []:
            if child.included_from:
                element.append(ET.Comment(f" included from {child.included_from} "))
            element.append(self.element(child))
        return element

    def _new(self, tag: str, spec: NodeSpec, attrs: dict[str, str], role: str = "node") -> ET.Element:
        element = ET.Element(tag, name=spec.name if role == "node" else f"{spec.name} condition")
        element.attrib.update(attrs)
        self.exported.nodes.append((element, spec, role))
        return element

    def _node(self, spec: NodeSpec) -> ET.Element:
        if spec.type == "EternalGuard":
            return self._eternal_guard(spec)
        if spec.type in CONTROL_TYPES:
            tag, attrs = control_to_btcpp(spec.type, spec.params, len(spec.children))
            return self._new(tag, spec, attrs)
        cls = registry.leaves()[spec.type]
        key = spec.ports.get("key")
        builtin = leaf_to_btcpp(spec.type, spec.params, key.lstrip("/") if key else None)
        if builtin is not None:
            tag, attrs = builtin
            if spec.type == "SetBlackboard":
                attrs = {"value": param_text(spec.params["value"], ANY), **attrs}
            return self._new(tag, spec, attrs)
        attrs = {k: param_text(v, cls.PARAMS[k]) for k, v in spec.params.items()
                 if k in spec.given}   # defaults stay defaults: the file says what its author set
        attrs.update({port: _key(absolute) for port, absolute in spec.ports.items()})
        return self._new(spec.type, spec, attrs)

    def _eternal_guard(self, spec: NodeSpec) -> ET.Element:
        element = self._new("ReactiveSequence", spec, {})
        condition = self._new("CheckBlackboard", spec, {"key": _key(spec.params["key"]), "op": spec.params["op"],
                                                        "value": param_text(spec.params["value"], ANY)}, GUARD)
        element.append(condition)
        element.append(ET.Comment(" an EternalGuard: the condition above is checked before every tick "))
        element.append(self.element(spec.children[0]))
        return element
