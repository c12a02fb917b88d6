"""The tree as Groot2 wants it: BehaviorTree.CPP XML whose nodes carry ``_uid`` (and ``_fullpath``).

A live run is exported from its checked tree (BT.CPP's names, parameters and
ports); each element is tied to the py_trees node whose status it shows. A
logged run has only the shape its records kept (types and names), and is
drawn from that.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from py_trees.behaviour import Behaviour

from ivfp_bt.tree.btcpp_nodes import LEAF_TO_BTCPP
from ivfp_bt.tree.groot_palette import tree_nodes_model
from ivfp_bt.tree.load import LoadedTree
from ivfp_bt.tree.xml_export import export

MAIN_TREE = "MainTree"
# Our types by the BT.CPP tag Groot2 should draw, for shapes kept in run records.
_SHAPE_TAGS = {"Retry": "RetryUntilSuccessful", "RetryUntilSuccessful": "RetryUntilSuccessful", "Repeat": "Repeat",
               "RepeatCycles": "Repeat", "Parallel": "Parallel", "CountingParallel": "Parallel", "Timeout": "Timeout",
               "Inverter": "Inverter", "OneShot": "RunOnce", "FailureIsSuccess": "ForceSuccess",
               "SuccessIsFailure": "ForceFailure", **LEAF_TO_BTCPP}


@dataclass
class MonitoredTree:
    """The XML text, and for uid ``i`` (from 1) the node ``nodes[i - 1]`` whose status it shows."""

    xml: str
    nodes: list[Any]


def _preorder(node: Behaviour) -> Iterator[Behaviour]:
    yield node
    for child in node.children:
        yield from _preorder(child)


def _finish(root: ET.Element, elements: list[ET.Element]) -> str:
    for uid, element in enumerate(elements, start=1):
        element.set("_uid", str(uid))
    for tree in root.iter("BehaviorTree"):
        tree.set("_fullpath", "" if tree.get("ID") == MAIN_TREE else tree.get("ID", ""))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode")


def live_tree(loaded: LoadedTree) -> MonitoredTree:
    """The running tree's XML, its elements tied to ``loaded.root``'s nodes."""
    assert loaded.spec is not None, "trees run from files always have their checked spec"
    exported = export(loaded.spec, MAIN_TREE)
    # build() makes one behaviour per spec node, children in order: pre-orders match one to one
    pairs = zip(loaded.spec.root.iterate(), _preorder(loaded.root), strict=True)
    behaviour_of = {id(spec): node for spec, node in pairs}
    elements = [element for element, _, _ in exported.nodes]
    nodes = [behaviour_of[id(spec)] for _, spec, _ in exported.nodes]
    return MonitoredTree(_finish(exported.root, elements), nodes)


def shape_tree(shape: list[dict[str, Any]]) -> MonitoredTree:
    """XML drawn from a run record's tree shape (``display.shape.tree_nodes``); nodes are the shape's entries."""
    root = ET.Element("root", BTCPP_format="4", main_tree_to_execute=MAIN_TREE)
    main = ET.SubElement(root, "BehaviorTree", ID=MAIN_TREE)
    elements: list[ET.Element] = []
    for entry in shape:
        parent = main if entry["parent"] < 0 else elements[entry["parent"]]
        elements.append(ET.SubElement(parent, _shape_tag(entry), name=entry["name"]))
    root.append(tree_nodes_model())
    return MonitoredTree(_finish(root, elements), list(shape))


def _shape_tag(entry: dict[str, Any]) -> str:
    kind, memory = entry["type"], "memory" in entry.get("settings", [])
    if kind == "Sequence":
        return "Sequence" if memory else "ReactiveSequence"
    if kind == "Selector":
        return "Fallback" if memory else "ReactiveFallback"
    return _SHAPE_TAGS.get(kind, kind)
