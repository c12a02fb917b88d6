"""Writing a YAML tree as BehaviorTree.CPP v4 XML that py_trees' parser (and Groot2) read.

Includes are written inline, marked by a comment; blackboard keys are written
as ``{key}`` with their absolute path, so the wiring survives exactly.
EternalGuard has no XML tag: it is written as what it means, a Sequence without
memory whose first child checks the condition.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from typing import Any

import yaml

from ivfp_bt import registry
from ivfp_bt.errors import Problem, TreeFileError
from ivfp_bt.params import Param
from ivfp_bt.tree.control_nodes import CONTROL_TYPES
from ivfp_bt.tree.spec import NodeSpec, TreeSpec

_ENUM_PARAMS = {("OneShot", "policy"), ("Condition", "status")}


def to_xml(tree: TreeSpec, tree_id: str = "MainTree") -> str:
    """The whole tree as an XML document string."""
    if tree.blackboard:
        keys = ", ".join(sorted(tree.blackboard))
        raise TreeFileError([Problem(tree.root.origin, f"initial blackboard values ({keys}) have no XML form; "
                                     "set them with SetBlackboard nodes to export this tree")])
    root = ET.Element("root", BTCPP_format="4", main_tree_to_execute=tree_id)
    main = ET.SubElement(root, "BehaviorTree", ID=tree_id)
    main.append(_element(tree.root))
    _make_names_unique(main)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode") + "\n"


def _make_names_unique(tree: ET.Element) -> None:
    """py_trees' parser refuses two nodes of one name under the same parents: number repeats."""
    seen: dict[str, int] = {}
    for element in tree.iter():
        name = element.get("name")
        if name is None or element.tag == "BehaviorTree":
            continue
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            element.set("name", f"{name} ({seen[name]})")


def _key(absolute: str) -> str:
    return "{" + absolute.lstrip("/") + "}"


def _text(value: Any, param: Param | None) -> str:
    if isinstance(value, str) and (param is None or param.type is str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    # YAML flow style keeps lists, and strings that look like numbers, readable as one attribute.
    return yaml.safe_dump(value, default_flow_style=True, width=1 << 16).strip().removesuffix("...").strip()


def _element(spec: NodeSpec) -> ET.Element:
    control = CONTROL_TYPES.get(spec.type)
    if spec.type == "EternalGuard":
        element = _eternal_guard(spec)
    elif control is not None:
        element = _control(spec, control.params)
    else:
        cls = registry.leaves()[spec.type]
        element = ET.Element(spec.type, name=spec.name)
        for key, value in spec.params.items():
            if key in spec.given:   # defaults stay defaults: the file says what its author set
                element.set(key, _text(value, cls.PARAMS[key]))
        for port, key in spec.ports.items():
            element.set(port, _key(key))
    for child in spec.children if spec.type != "EternalGuard" else []:
        if child.included_from:
            element.append(ET.Comment(f" included from {child.included_from} "))
        element.append(_element(child))
    return element


def _control(spec: NodeSpec, params: dict[str, Param]) -> ET.Element:
    element = ET.Element(spec.type, name=spec.name)
    for key, value in spec.params.items():
        if spec.type == "Parallel":
            continue
        if key == "key":
            element.set("variable_name", value)
        elif (spec.type, key) in _ENUM_PARAMS:
            element.set(key, str(value).upper())
        else:
            element.set(key, _text(value, params[key]))
    if spec.type == "Parallel":
        policy, synchronise = spec.params["policy"], spec.params["synchronise"]
        if policy == "success_on_selected" or (policy == "success_on_all" and not synchronise):
            raise TreeFileError([Problem(spec.origin, f"Parallel with policy {policy} and synchronise "
                                         f"{synchronise} has no form py_trees' XML parser reads", spec.where)])
        element.set("policy", policy)
    return element


def _eternal_guard(spec: NodeSpec) -> ET.Element:
    element = ET.Element("Sequence", name=spec.name, memory="false")
    check = ET.SubElement(element, "CheckBlackboard", name=f"{spec.name} condition",
                          key=_key(spec.params["key"]), op=spec.params["op"])
    check.set("value", _text(spec.params["value"], None))
    element.append(ET.Comment(" an EternalGuard: the condition above is checked before every tick "))
    element.append(_element(spec.children[0]))
    return element
