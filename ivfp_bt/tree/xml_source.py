"""Reading an XML tree file safely into elements that remember their line and column.

expat does the parsing. Documents with a DTD or entities are refused
(BehaviorTree.CPP never writes them, and they are how entity bombs get in), as
are files over the size and depth limits that YAML trees have.
"""

from __future__ import annotations

import xml.parsers.expat
from dataclasses import dataclass, field
from pathlib import Path

from ivfp_bt.errors import Origin, Problem, TreeFileError
from ivfp_bt.tree.parse import display_name
from ivfp_bt.tree.yaml_source import MAX_BYTES, MAX_DEPTH


@dataclass
class Element:
    """One XML element: tag, attributes, child elements and where it starts."""

    tag: str
    attrs: dict[str, str]
    origin: Origin
    children: list[Element] = field(default_factory=list)


def read_xml(path: Path) -> Element:
    """The document element of ``path``; raise ``TreeFileError`` with the position of what is wrong."""
    shown = display_name(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TreeFileError([Problem(Origin(shown), f"cannot read: {error.strerror}")]) from None
    if len(data) > MAX_BYTES:
        raise TreeFileError([Problem(Origin(shown), f"file is {len(data)} bytes; tree files are limited to {MAX_BYTES}")])
    parser = xml.parsers.expat.ParserCreate()
    stack: list[Element] = []
    top: list[Element] = []

    def here() -> Origin:
        return Origin(shown, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)

    def refuse(*_args: object) -> None:
        raise TreeFileError([Problem(here(), "XML with a DTD or entities is not accepted")])

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = Element(tag, attrs, here())
        (stack[-1].children if stack else top).append(element)
        stack.append(element)
        if len(stack) > MAX_DEPTH:
            raise TreeFileError([Problem(element.origin, f"nested deeper than {MAX_DEPTH} levels")])

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: stack.pop()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as error:
        message = xml.parsers.expat.ErrorString(error.code)
        raise TreeFileError([Problem(Origin(shown, error.lineno, error.offset + 1), f"XML: {message}")]) from None
    return top[0]
