"""BehaviorTree.CPP v4 XML: our leaves run in it, and our YAML trees export to it and back."""

from __future__ import annotations

import pytest

from ivfp_bt.display.describe import kind, settings, type_name
from ivfp_bt.errors import TreeFileError
from ivfp_bt.tree.load import load_tree, validate
from ivfp_bt.tree.parse import TreeParser
from ivfp_bt.tree.xml_export import to_xml
from tests.conftest import TUTORIALS, tick_until_done


def shape(root):
    """Structure without names (py_trees' parser prefixes names with their parents')."""
    out = []

    def walk(node, depth):
        out.append((depth, kind(node), type_name(node), tuple(settings(node))))
        for child in node.children:
            walk(child, depth + 1)

    walk(root, 0)
    return out


ROUND_TRIP = """
tree:
  Sequence:
    name: Pick
    memory: true
    children:
      - SetBlackboard: {key: "{count}", value: 3}
      - Selector:
          memory: false
          children:
            - CheckBlackboard: {key: "{count}", op: "<", value: 2}
            - Retry: {num_failures: 2, child: {Inverter: {child: Fail}}}
      - OneShot: {policy: on_completion, child: {Timeout: {duration: 5, child: Succeed}}}
      - Log: {message: "done: 1.5 s"}
      - Include: {file: sub.yaml, with: {word: "12"}, remap: {out: "{result}"}}
      - CheckBlackboard: {key: "{result}", value: "12"}
"""
SUB = """
params: {word: {type: str}}
tree:
  SetBlackboard: {key: "{out}", value: "${word}"}
"""


def test_round_trip_keeps_structure_parameters_wiring_and_behaviour(write):
    write("sub.yaml", SUB)
    yaml_tree = load_tree(write("t.yaml", ROUND_TRIP))
    xml_text = to_xml(TreeParser().parse("t.yaml"))
    assert "<!-- included from sub.yaml -->" in xml_text
    xml_tree = load_tree(write("t.xml", xml_text))
    assert shape(xml_tree.root) == shape(yaml_tree.root)
    yaml_statuses = tick_until_done(yaml_tree.root)
    import py_trees

    py_trees.blackboard.Blackboard.clear()
    assert tick_until_done(load_tree("t.xml").root) == yaml_statuses == ["SUCCESS"]


def test_eternal_guard_exports_as_a_memoryless_guarded_sequence(write):
    spec = TreeParser().parse(write("g.yaml", """
        tree:
          Sequence:
            memory: true
            children:
              - SetBlackboard: {key: "{ok}", value: true}
              - EternalGuard: {key: "{ok}", value: true, child: Succeed}
    """))
    xml_text = to_xml(spec)
    assert '<Sequence name="EternalGuard" memory="false">' in xml_text
    assert tick_until_done(load_tree(write("g.xml", xml_text)).root) == ["SUCCESS"]


def test_tutorial_xml_runs_with_our_leaves_and_subtree_remapping():
    loaded = load_tree(TUTORIALS / "06_groot.xml")
    assert tick_until_done(loaded.root, 500)[-1] == "SUCCESS"
    check = [n for n in loaded.root.iterate() if n.name.endswith("verdict ok")][0]
    assert check.port_keys == {"key": "/grasp_ok"}


def test_initial_blackboard_values_have_no_xml_form():
    with pytest.raises(TreeFileError, match="initial blackboard values"):
        to_xml(TreeParser().parse(TUTORIALS / "03_blackboard.yaml"))


@pytest.mark.parametrize("text,expected", [
    ('<root main_tree_to_execute="M"><BehaviorTree ID="M">\n  <Wiat duration="1"/></BehaviorTree></root>',
     "t.xml:2:3: unknown node type 'Wiat'; did you mean 'Wait'?"),
    ('<root main_tree_to_execute="M"><BehaviorTree ID="M">\n<Wait duration="soon"/></BehaviorTree></root>',
     "t.xml:2:1: attribute 'duration' of Wait expected float, got str 'soon'"),
    ('<root main_tree_to_execute="M"><BehaviorTree ID="M"><Wait duraton="1"/></BehaviorTree></root>',
     "did you mean 'duration'?"),
    ('<root main_tree_to_execute="M"><BehaviorTree ID="M">\n<Wait duration="1"></BehaviorTree></root>',
     "t.xml:2:22: XML: mismatched tag"),
    ('<!DOCTYPE r [<!ENTITY a "aaaa">]><root/>', "XML with a DTD or entities is not accepted"),
    ('<root main_tree_to_execute="Nope"><BehaviorTree ID="M"><Succeed/></BehaviorTree></root>',
     "t.xml: XML: BehaviorTree with ID 'Nope' not found."),
    ('<root main_tree_to_execute="M"><BehaviorTree ID="M"><CheckBlackboard key="{x}" value="1"/></BehaviorTree></root>',
     "blackboard key '/x' is read by port 'key' but nothing writes it"),
])
def test_bad_xml_is_reported_with_position(write, text, expected):
    write("t.xml", text)
    problems = [str(p) for p in validate("t.xml")]
    assert any(expected in p for p in problems), problems
