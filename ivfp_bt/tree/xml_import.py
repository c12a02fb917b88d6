"""Loading BehaviorTree.CPP v4 XML (written by hand, by Groot2, or by our export) as a checked tree.

BT.CPP's standard nodes are read under their own names and become the py_trees
node that behaves the same (btcpp_nodes.py); our leaves are read by their tags.
SubTrees get a blackboard namespace of their own, as BT.CPP gives each SubTree
its own blackboard: their ports remap keys (``inner="{outer}"``), set values
(``inner="text"``), and ``_autoremap="true"`` shares the rest. Whatever py_trees
cannot express is a problem with its file:line:col, never a different tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ivfp_bt import registry
from ivfp_bt.errors import Origin, Problem, TreeFileError
from ivfp_bt.params import parse_key_reference
from ivfp_bt.suggest import did_you_mean
from ivfp_bt.tree.blackboard_check import spec_accesses, unwritten_reads
from ivfp_bt.tree.btcpp_nodes import (CONTROL_TAGS, OUR_NAMES_IN_BTCPP, SCRIPT_ATTRIBUTES, UNSUPPORTED, NoCounterpart,
                                      control_attributes, control_from_btcpp, leaf_from_btcpp)
from ivfp_bt.tree.control_nodes import CONTROL_TYPES
from ivfp_bt.tree.parse import display_name
from ivfp_bt.tree.spec import NodeSpec, TreeSpec
from ivfp_bt.tree.xml_source import Element, read_xml

EXPLICIT = ("Action", "Condition", "Control", "Decorator")   # <Action ID="X"/> is the long form of <X/>
IGNORED_ATTRIBUTES = ("_description", "_uid", "_fullpath")   # Groot2's notes and BT.CPP's monitoring metadata
MAX_FILES = 16


def origin(path: Path, line: int = 0, col: int = 0) -> Origin:
    return Origin(display_name(path), line, col)


@dataclass(frozen=True)
class Scope:
    """Where keys resolve in one (sub)tree: BT.CPP gives each SubTree its own blackboard."""

    namespace: str = "/"
    remap: tuple[tuple[str, str], ...] = ()   # inner key -> absolute key
    parent: Scope | None = None   # set when _autoremap shares unmapped keys with the caller
    trees: tuple[str, ...] = ()   # the SubTree IDs above, to catch recursion
    own: frozenset[str] = frozenset()   # keys the SubTree element set to a value: always its own

    def key(self, local: str) -> str:
        if local.startswith("@"):
            return "/" + local[1:]
        mapped = dict(self.remap).get(local)
        if mapped is not None:
            return mapped
        if self.parent is not None and local not in self.own:
            return self.parent.key(local)
        return self.namespace.rstrip("/") + "/" + local


class XmlTreeReader:
    """Reads one XML file (and the files it includes) into a ``TreeSpec``; ``problems`` lists what is wrong."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path).resolve()
        self.problems: list[Problem] = []
        self.trees: dict[str, Element] = {}
        self.blackboard: dict[str, Any] = {}
        self.leaves = registry.leaves()
        self.namespaces: set[str] = set()

    def read(self) -> TreeSpec:
        document = self._load(self.path, ())
        main = self._main_tree(document)
        root = self._tree_root(main, Scope(trees=(main.attrs.get("ID", ""),)), "") if main is not None else None
        if root is not None and not self.problems:
            self.problems += unwritten_reads(spec_accesses(root), set(self.blackboard))
        if self.problems or root is None:
            raise TreeFileError(self.problems or [Problem(origin(self.path), "no tree")])
        return TreeSpec(file=display_name(self.path), root=root, blackboard=self.blackboard)

    def _problem(self, at: Origin, message: str, where: str = "") -> None:
        self.problems.append(Problem(at, message, where))

    def _load(self, path: Path, chain: tuple[Path, ...]) -> Element:
        document = read_xml(path)
        if document.tag != "root":
            raise TreeFileError([Problem(document.origin, f"the document element is <{document.tag}>, "
                                         "BehaviorTree.CPP files start with <root BTCPP_format=\"4\">")])
        version = document.attrs.get("BTCPP_format", "4")
        if version != "4":
            self._problem(document.origin, f"BTCPP_format {version!r}: only version 4 is read")
        for child in document.children:
            if child.tag == "BehaviorTree":
                self._register(child, document)
            elif child.tag == "include":
                self._include(child, path, chain)
            elif child.tag != "TreeNodesModel":
                self._problem(child.origin, f"<{child.tag}> does not belong in <root> (BehaviorTree, include "
                              "or TreeNodesModel do)")
        return document

    def _register(self, tree: Element, document: Element) -> None:
        trees_here = [c for c in document.children if c.tag == "BehaviorTree"]
        tree_id = tree.attrs.get("ID") or ("" if len(trees_here) == 1 else None)
        if tree_id is None:
            self._problem(tree.origin, "a <BehaviorTree> needs an ID when a file has several")
        elif tree_id in self.trees:
            self._problem(tree.origin, f"a second BehaviorTree with ID {tree_id!r} "
                          f"(the first is at {self.trees[tree_id].origin})")
        else:
            self.trees[tree_id] = tree

    def _include(self, element: Element, path: Path, chain: tuple[Path, ...]) -> None:
        target = element.attrs.get("path")
        if not target:
            self._problem(element.origin, "<include> needs path=\"FILE.xml\"")
            return
        if "ros_pkg" in element.attrs:
            self._problem(element.origin, "<include ros_pkg=...> needs ROS; give a path relative to this file")
            return
        included = (path.parent / target).resolve()
        if included in (*chain, path) or len(chain) >= MAX_FILES:
            self._problem(element.origin, f"include cycle or too deep: {target}")
        elif not included.is_file():
            self._problem(element.origin, f"included file {target!r} not found (looked in {display_name(path.parent)})")
        else:
            try:
                self._load(included, (*chain, path))
            except TreeFileError as error:
                self.problems += error.problems

    def _main_tree(self, document: Element) -> Element | None:
        main = document.attrs.get("main_tree_to_execute")
        if main is not None:
            if main not in self.trees:
                self._problem(document.origin, f"main_tree_to_execute is {main!r}, but no BehaviorTree has that ID"
                              + did_you_mean(main, self.trees))
            return self.trees.get(main)
        if len(self.trees) == 1:
            return next(iter(self.trees.values()))
        if not self.trees:
            self._problem(document.origin, "no <BehaviorTree> in the file")
        else:
            self._problem(document.origin, "several BehaviorTrees and no main_tree_to_execute: say which to run "
                          f"({', '.join(sorted(self.trees))})")
        return None

    def _tree_root(self, tree: Element, scope: Scope, where: str) -> NodeSpec | None:
        nodes = [child for child in tree.children]
        if len(nodes) != 1:
            self._problem(tree.origin, f"a <BehaviorTree> has exactly one root node, this one has {len(nodes)}", where)
            return None
        return self._node(nodes[0], scope, where)

    def _node(self, element: Element, scope: Scope, where: str) -> NodeSpec | None:
        tag, attrs = element.tag, dict(element.attrs)
        if tag in EXPLICIT:
            tag = attrs.pop("ID", "")
        name = attrs.pop("name", tag)
        node_where = f"{where} > {name}" if where else name
        for key in [k for k in attrs if k in IGNORED_ATTRIBUTES]:
            del attrs[key]
        scripts = [key for key in attrs if key in SCRIPT_ATTRIBUTES]
        if scripts:
            self._problem(element.origin, f"{scripts[0]} (a script run by BehaviorTree.CPP) has no py_trees "
                          "counterpart", node_where)
            return None
        try:
            if tag == "SubTree":
                return self._subtree(element, attrs, name, scope, node_where)
            if tag in CONTROL_TAGS:
                return self._control(element, tag, attrs, name, scope, node_where)
            return self._leaf(element, tag, attrs, name, scope, node_where)
        except NoCounterpart as error:
            self._problem(element.origin, str(error), node_where)
            return None

    def _control(self, element: Element, tag: str, attrs: dict[str, str], name: str, scope: Scope,
                 where: str) -> NodeSpec | None:
        for key in attrs:
            if key not in control_attributes(tag):
                known = control_attributes(tag)
                hint = ("; BehaviorTree.CPP's Sequence always remembers its running child: use ReactiveSequence "
                        "(or ReactiveFallback) for memory false" if key == "memory" else did_you_mean(key, known))
                raise NoCounterpart(f"{tag} has no attribute {key!r}{hint}")
        kind, params = control_from_btcpp(tag, attrs, len(element.children))
        control = CONTROL_TYPES[kind]
        if control.kind == "decorator" and len(element.children) != 1:
            raise NoCounterpart(f"{tag} is a decorator: it takes exactly one child, this one has {len(element.children)}")
        if control.kind == "composite" and not element.children:
            raise NoCounterpart(f"{tag} needs at least one child")
        spec = NodeSpec(kind, name, element.origin, where, scope.namespace)
        for key, param in control.params.items():
            if key in params:
                try:
                    spec.params[key] = param.check(params[key], from_text=isinstance(params[key], str))
                except ValueError as error:
                    raise NoCounterpart(f"attribute of {tag} {error}") from None
            elif not param.required:
                spec.params[key] = param.default
        spec.children = [c for c in (self._node(child, scope, where) for child in element.children) if c]
        return spec

    def _leaf(self, element: Element, tag: str, attrs: dict[str, str], name: str, scope: Scope,
              where: str) -> NodeSpec | None:
        builtin = leaf_from_btcpp(tag, attrs)
        if builtin is not None:
            tag, attrs = builtin
        elif tag not in self.leaves:
            self._unknown(element, tag, where)
            return None
        if element.children:
            raise NoCounterpart(f"{tag} is a leaf: it takes no children")
        cls = self.leaves[tag]
        ports = {**cls.INPUT_PORTS, **cls.OUTPUT_PORTS}
        spec = NodeSpec(tag, name, element.origin, where, scope.namespace)
        given = {}
        for key, text in attrs.items():
            if key in ports:
                spec.ports[key] = self._port_key(key, text, tag, scope)
            elif key in cls.PARAMS:
                if text.strip().startswith("{") and text.strip().endswith("}") and cls.PARAMS[key].type is not dict:
                    raise NoCounterpart(f"parameter {key!r} of {tag} is fixed when the tree is built; it cannot "
                                        f"come from the blackboard ({text})")
                given[key] = text
            else:
                raise NoCounterpart(f"unknown attribute {key!r} for {tag}" + did_you_mean(key, [*cls.PARAMS, *ports]))
        try:
            spec.params = cls.check_params(given, from_text=True)
        except ValueError as error:
            raise NoCounterpart(str(error).removeprefix(f"{tag}: ")) from None
        spec.given = tuple(given)
        for port, info in cls.INPUT_PORTS.items():
            if info.required and not info.has_default and port not in attrs:
                raise NoCounterpart(f'input port {port!r} of {tag} is not connected (write {port}="{{key}}")')
        return spec

    def _port_key(self, port: str, text: str, tag: str, scope: Scope) -> str:
        if text.strip() == "{=}":
            return scope.key(port)
        try:
            return scope.key(parse_key_reference(text.strip()))
        except ValueError:
            raise NoCounterpart(f'port {port!r} of {tag} takes a blackboard entry like "{{key}}", got {text!r}') from None

    def _unknown(self, element: Element, tag: str, where: str) -> None:
        if tag in UNSUPPORTED:
            hint = f": {UNSUPPORTED[tag]}" if UNSUPPORTED[tag] else ""
            self._problem(element.origin, f"BehaviorTree.CPP's {tag} has no py_trees counterpart{hint}", where)
        elif tag in OUR_NAMES_IN_BTCPP:
            self._problem(element.origin, f"unknown node type {tag!r}: BehaviorTree.CPP calls it "
                          f"{OUR_NAMES_IN_BTCPP[tag]}", where)
        else:
            known = [*self.leaves, *CONTROL_TAGS, "SubTree", "Sleep", "AlwaysSuccess", "AlwaysFailure"]
            self._problem(element.origin, f"unknown node type {tag!r}" + did_you_mean(tag, known), where)

    def _subtree(self, element: Element, attrs: dict[str, str], name: str, scope: Scope,
                 where: str) -> NodeSpec | None:
        tree_id = attrs.pop("ID", "")
        tree = self.trees.get(tree_id)
        if tree is None:
            raise NoCounterpart(f"SubTree ID {tree_id!r} names no BehaviorTree" + did_you_mean(tree_id, self.trees))
        if tree_id in scope.trees:
            raise NoCounterpart(f"SubTree {tree_id!r} includes itself")
        autoremap = attrs.pop("_autoremap", "false").strip().lower() == "true"
        namespace = self._namespace(scope.namespace.rstrip("/") + "/" + (name if name != "SubTree" else tree_id))
        remap, own = [], set()
        for inner, text in attrs.items():
            value = text.strip()
            if value == "{=}":
                remap.append((inner, scope.key(inner)))
            elif value.startswith("{") and value.endswith("}"):
                remap.append((inner, self._port_key(inner, value, f"SubTree {tree_id}", scope)))
            else:   # a value for the subtree's own entry, read as YAML like every attribute
                self.blackboard[namespace + "/" + inner] = _scalar(text)
                own.add(inner)
        inner_scope = Scope(namespace, tuple(remap), scope if autoremap else None, (*scope.trees, tree_id),
                            frozenset(own))
        root = self._tree_root(tree, inner_scope, where)
        if root is not None:
            root.included_from = f"SubTree {tree_id}"
        return root

    def _namespace(self, wanted: str) -> str:
        """A namespace no other SubTree instance uses: each has its own blackboard in BT.CPP."""
        candidate, number = wanted, 1
        while candidate in self.namespaces:
            number += 1
            candidate = f"{wanted}_{number}"
        self.namespaces.add(candidate)
        return candidate


def _scalar(text: str) -> Any:
    try:
        return yaml.safe_load(text) if text.strip() else text
    except yaml.YAMLError:
        return text


def load_xml(path: Path | str) -> TreeSpec:
    """The checked tree of a BehaviorTree.CPP XML file; raise ``TreeFileError`` listing every problem."""
    return XmlTreeReader(path).read()
