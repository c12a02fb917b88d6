"""Loading BehaviorTree.CPP v4 XML (e.g. from Groot2) with py_trees' own parser and our leaves.

py_trees 2.6 does the building. Before it runs, one pass with expat checks what
it cannot point at: unknown tags and leaf attributes, and ill-typed parameters,
each with its line and column. Documents with a DTD or entities are refused
(BehaviorTree.CPP never writes them, and they are how entity bombs get in).
"""

from __future__ import annotations

import xml.parsers.expat
from pathlib import Path

from py_trees.behaviour import Behaviour
from py_trees.parsers.behaviour_tree_xml import DECORATOR_NODES, parse_behaviour_tree_xml

from ivfp_bt import registry
from ivfp_bt.errors import Origin, Problem, TreeFileError
from ivfp_bt.suggest import did_you_mean
from ivfp_bt.tree.blackboard_check import built_accesses, unwritten_reads
from ivfp_bt.tree.build import Origins
from ivfp_bt.tree.parse import display_name
from ivfp_bt.tree.yaml_source import MAX_BYTES, MAX_DEPTH

STRUCTURE_TAGS = {"root", "BehaviorTree", "SubTree", "SubTreePlus", "Import", "Include", "TreeNodesModel"}
CONTROL_TAGS = {"sequence", "selector", "fallback", "parallel", *DECORATOR_NODES}


def origin(path: Path, line: int = 0, col: int = 0) -> Origin:
    return Origin(display_name(path), line, col)


def load_xml(path: Path) -> tuple[Behaviour, Origins]:
    """Build the main tree of a BehaviorTree.CPP XML file; raise ``TreeFileError`` on any problem."""
    lines, given = _precheck(path)
    leaves = registry.leaves()
    try:
        root = parse_behaviour_tree_xml(str(path), node_registry=dict(leaves))
    except Exception as error:  # py_trees raises many types for bad files; all are the file's fault
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise TreeFileError([Problem(origin(path), f"XML: {message}")]) from None
    origins: Origins = {}
    for node in root.iterate():
        short = node.name.rsplit(".", 1)[-1]
        if short in lines:
            origins[node.id] = (origin(path, *lines[short]), node.name)
        if short in given:
            node.given_params = given[short]   # what the file set, as a YAML tree's leaves keep it
    problems = unwritten_reads(built_accesses(root, origins, display_name(path)), set())
    if problems:
        raise TreeFileError(problems)
    return root, origins


def _precheck(path: Path) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[str, ...]]]:
    """Check tags and leaf attributes with line numbers; return {node name: (line, col)} and
    {leaf name: the params its attributes set}."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TreeFileError([Problem(origin(path), f"cannot read: {error.strerror}")]) from None
    if len(data) > MAX_BYTES:
        raise TreeFileError([Problem(origin(path), f"file is {len(data)} bytes; tree files are limited to {MAX_BYTES}")])
    problems: list[Problem] = []
    names: dict[str, tuple[int, int]] = {}
    given: dict[str, tuple[str, ...]] = {}
    stack: list[str] = []
    leaves = registry.leaves()
    parser = xml.parsers.expat.ParserCreate()

    def refuse(*_args: object) -> None:
        raise TreeFileError([Problem(origin(path, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1),
                                     "XML with a DTD or entities is not accepted")])

    def start(tag: str, attrs: dict[str, str]) -> None:
        where = origin(path, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        stack.append(tag)
        if len(stack) > MAX_DEPTH:
            raise TreeFileError([Problem(where, f"nested deeper than {MAX_DEPTH} levels")])
        if "TreeNodesModel" in stack[:-1]:
            return  # Groot's palette of node models: documentation, not tree
        if "name" in attrs:
            names[attrs["name"]] = (where.line, where.col)
        if tag in leaves:
            _check_leaf(leaves[tag], attrs, where, problems)
            given[attrs.get("name", tag)] = tuple(key for key in attrs if key in leaves[tag].PARAMS)
        elif tag not in STRUCTURE_TAGS and tag.lower() not in CONTROL_TAGS:
            problems.append(Problem(where, f"unknown node type {tag!r}" + did_you_mean(tag, [*leaves, *STRUCTURE_TAGS])))

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: stack.pop()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as error:
        message = xml.parsers.expat.ErrorString(error.code)
        raise TreeFileError([Problem(origin(path, error.lineno, error.offset + 1), f"XML: {message}")]) from None
    if problems:
        raise TreeFileError(problems)
    return names, given


def _check_leaf(cls: type, attrs: dict[str, str], where: Origin, problems: list[Problem]) -> None:
    ports = {**cls.INPUT_PORTS, **cls.OUTPUT_PORTS}
    for key, value in attrs.items():
        if key == "name" or key in ports:
            continue
        if key not in cls.PARAMS:
            problems.append(Problem(where, f"unknown attribute {key!r} for {cls.TAG}"
                                    + did_you_mean(key, [*cls.PARAMS, *ports])))
            continue
        try:
            cls.PARAMS[key].check(value, from_text=True)
        except ValueError as error:
            problems.append(Problem(where, f"attribute {key!r} of {cls.TAG} {error}"))
    for key, param in cls.PARAMS.items():
        if param.required and key not in attrs:
            problems.append(Problem(where, f"{cls.TAG} needs attribute {key!r}"))
