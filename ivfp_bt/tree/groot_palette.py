"""Our leaves as a BehaviorTree.CPP ``<TreeNodesModel>``: the palette Groot2 shows.

Every parameter and every port of a leaf is a port in BehaviorTree.CPP's terms
(it configures nodes only through ports): parameters are input ports with a
type and default, blackboard ports keep their direction. Leaves that BT.CPP has
built in (Sleep for Wait, AlwaysSuccess for Succeed, ...) are left to its own
palette.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ivfp_bt import registry
from ivfp_bt.behaviours.leaf import Leaf
from ivfp_bt.params import Param
from ivfp_bt.tree.btcpp_nodes import LEAF_TO_BTCPP
from ivfp_bt.tree.param_text import param_text

_CPP_TYPES = {bool: "bool", int: "int", float: "double", str: "std::string"}


def tree_nodes_model(leaves: dict[str, type[Leaf]] | None = None) -> ET.Element:
    """The ``<TreeNodesModel>`` element for ``leaves`` (default: every registered leaf)."""
    model = ET.Element("TreeNodesModel")
    for tag, cls in sorted((leaves if leaves is not None else registry.leaves()).items()):
        if tag in LEAF_TO_BTCPP:
            continue
        node = ET.SubElement(model, cls.BTCPP_KIND, ID=tag)
        if cls.summary():
            node.set("_description", cls.summary())
        for name, param in cls.PARAMS.items():
            _port(node, "input_port", name, param.doc, _param_attributes(param))
        for name, info in cls.INPUT_PORTS.items():
            _port(node, "input_port", name, info.description or "blackboard entry read", {})
        for name, info in cls.OUTPUT_PORTS.items():
            _port(node, "output_port", name, info.description or "blackboard entry written", {})
    return model


def _param_attributes(param: Param) -> dict[str, str]:
    attributes = {"type": _CPP_TYPES.get(param.type, "std::string")}
    if not param.required:
        attributes["default"] = param_text(param.default, param)
    return attributes


def _port(node: ET.Element, kind: str, name: str, doc: str, attributes: dict[str, str]) -> None:
    port = ET.SubElement(node, kind, name=name, **attributes)
    port.text = doc


def palette_xml() -> str:
    """A whole document holding just the palette, as Groot2 imports it."""
    root = ET.Element("root", BTCPP_format="4")
    root.append(tree_nodes_model())
    ET.indent(root)
    return ET.tostring(root, encoding="unicode") + "\n"
