"""BehaviorTree.CPP v4 XML: its standard nodes read under their own names, our trees written in them.

What BehaviorTree.CPP itself makes of these files is tested in test_btcpp.py.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import py_trees
import pytest

from ivfp_bt import registry
from ivfp_bt.display.describe import kind, settings, type_name
from ivfp_bt.errors import TreeFileError
from ivfp_bt.tree.groot_palette import palette_xml
from ivfp_bt.tree.load import load_tree, validate
from ivfp_bt.tree.parse import TreeParser
from ivfp_bt.tree.xml_export import to_xml
from ivfp_bt.tree.xml_import import load_xml
from tests.conftest import REPO, TUTORIALS, tick_until_done

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
# py_trees' Retry, Repeat and Parallel are written as BT.CPP's, and read back as our copies of BT.CPP's
READ_BACK_AS = {"Retry": "RetryUntilSuccessful", "Repeat": "RepeatCycles", "Parallel": "CountingParallel"}


def types(root) -> list[str]:
    """Node types, parents before children."""
    return [type_name(root)] + [t for child in root.children for t in types(child)]


def test_round_trip_keeps_structure_parameters_wiring_and_behaviour(write):
    write("sub.yaml", SUB)
    yaml_tree = load_tree(write("t.yaml", ROUND_TRIP))
    xml_text = to_xml(TreeParser().parse("t.yaml"))
    assert "<!-- included from sub.yaml -->" in xml_text
    for btcpp_name in ("<ReactiveFallback", '<RetryUntilSuccessful name="Retry" num_attempts="2"',
                       '<RunOnce name="OneShot" then_skip="false"', '<Timeout name="Timeout" msec="5000"',
                       '<AlwaysFailure', '<SetBlackboard name="SetBlackboard" value="3" output_key="count"',
                       "value=\"'12'\""):
        assert btcpp_name in xml_text
    xml_tree = load_tree(write("t.xml", xml_text))
    assert types(xml_tree.root) == [READ_BACK_AS.get(t, t) for t in types(yaml_tree.root)]
    assert [tuple(settings(n)) for n in xml_tree.root.iterate() if kind(n) == "leaf"] == \
        [tuple(settings(n)) for n in yaml_tree.root.iterate() if kind(n) == "leaf"]
    yaml_statuses = tick_until_done(yaml_tree.root)
    py_trees.blackboard.Blackboard.clear()
    assert tick_until_done(load_tree("t.xml").root) == yaml_statuses == ["SUCCESS"]


@pytest.mark.parametrize("path", sorted([*REPO.glob("trees/*.yaml"), *TUTORIALS.glob("*.yaml")]), ids=lambda p: p.stem)
def test_every_shipped_tree_exports_and_reads_back_the_same(write, path):
    spec = TreeParser().parse(path)
    expected = [READ_BACK_AS.get(t, t) for t in types(load_tree(path).root)]
    back = load_tree(write("back.xml", to_xml(spec)))
    got = types(back.root)
    if "EternalGuard" in expected:   # written as a ReactiveSequence whose first child checks the condition
        at = expected.index("EternalGuard")
        expected[at:at + 1] = ["Sequence", "CheckBlackboard"]
    assert got == expected
    assert len(back.blackboard) == len(spec.blackboard)


def test_initial_blackboard_values_become_subtree_ports(write):
    xml_text = to_xml(TreeParser().parse(TUTORIALS / "03_blackboard.yaml"))
    assert '<SubTree ID="MainTree_body" name="initial_values" _autoremap="true" attempts_allowed="2"' in xml_text
    loaded = load_tree(write("t.xml", xml_text))
    assert loaded.blackboard == {"/initial_values/attempts_allowed": 2}
    check = [n for n in loaded.root.iterate() if n.name == "attempts left?"][0]
    assert check.port_keys == {"key": "/initial_values/attempts_allowed"}
    grasp_ok = [n for n in loaded.root.iterate() if n.name == "grasp ok?"][0]
    assert grasp_ok.port_keys == {"key": "/grasp_ok"}   # shared with the caller (_autoremap)


def test_eternal_guard_exports_as_a_reactive_sequence_checking_first(write):
    spec = TreeParser().parse(write("g.yaml", """
        tree:
          Sequence:
            memory: true
            children:
              - SetBlackboard: {key: "{ok}", value: true}
              - EternalGuard: {key: "{ok}", value: true, child: Succeed}
    """))
    xml_text = to_xml(spec)
    assert '<ReactiveSequence name="EternalGuard">' in xml_text
    assert '<CheckBlackboard name="EternalGuard condition" key="{ok}" op="==" value="true"' in xml_text
    assert tick_until_done(load_tree(write("g.xml", xml_text)).root) == ["SUCCESS"]


def _tree(body: str, extra: str = "") -> str:
    return f'<root BTCPP_format="4" main_tree_to_execute="M"><BehaviorTree ID="M">{body}</BehaviorTree>{extra}</root>'


@pytest.mark.parametrize("xml_node,ours,params", [
    ("<Sequence><AlwaysSuccess/></Sequence>", "Sequence", {"memory": True}),
    ("<ReactiveSequence><AlwaysSuccess/></ReactiveSequence>", "Sequence", {"memory": False}),
    ("<Fallback><AlwaysSuccess/></Fallback>", "Selector", {"memory": True}),
    ("<ReactiveFallback><AlwaysSuccess/></ReactiveFallback>", "Selector", {"memory": False}),
    ('<Parallel success_count="1" failure_count="2"><AlwaysSuccess/><AlwaysSuccess/></Parallel>',
     "CountingParallel", {"success_count": 1, "failure_count": 2}),
    ("<Parallel><AlwaysSuccess/></Parallel>", "CountingParallel", {"success_count": -1, "failure_count": 1}),
    ('<RetryUntilSuccessful num_attempts="3"><AlwaysSuccess/></RetryUntilSuccessful>',
     "RetryUntilSuccessful", {"num_attempts": 3}),
    ('<Repeat num_cycles="-1"><AlwaysSuccess/></Repeat>', "RepeatCycles", {"num_cycles": -1}),
    ('<Timeout msec="1500"><AlwaysSuccess/></Timeout>', "Timeout", {"duration": 1.5}),
    ('<RunOnce then_skip="false"><AlwaysSuccess/></RunOnce>', "OneShot", {"policy": "on_completion"}),
    ("<Inverter><AlwaysSuccess/></Inverter>", "Inverter", {}),
    ("<ForceSuccess><AlwaysFailure/></ForceSuccess>", "FailureIsSuccess", {}),
    ("<ForceFailure><AlwaysSuccess/></ForceFailure>", "SuccessIsFailure", {}),
    ('<Sleep msec="250"/>', "Wait", {"duration": 0.25}),
    ("<AlwaysSuccess/>", "Succeed", {}),
    ("<AlwaysFailure/>", "Fail", {}),
    ('<SetBlackboard value="0.5" output_key="speed"/>', "SetBlackboard", {"value": 0.5}),
    ('<Action ID="Log" message="hi"/>', "Log", {"message": "hi", "level": "info"}),
])
def test_btcpp_standard_nodes_read_under_their_own_names(write, xml_node, ours, params):
    spec = load_xml(write("t.xml", _tree(xml_node)))
    assert (spec.root.type, spec.root.params) == (ours, params)


def test_a_single_tree_needs_no_main_tree_to_execute(write):
    spec = load_xml(write("t.xml", '<root BTCPP_format="4"><BehaviorTree><AlwaysSuccess/></BehaviorTree></root>'))
    assert spec.root.type == "Succeed"


def test_subtrees_have_their_own_blackboard_with_remapping(write):
    write("t.xml", """<root BTCPP_format="4" main_tree_to_execute="Main">
      <BehaviorTree ID="Set"><Sequence>
        <SetBlackboard value="1" output_key="out"/><SetBlackboard value="2" output_key="private"/>
        <CheckBlackboard key="{given}" value="7"/><CheckBlackboard key="{@global}" value="g"/>
      </Sequence></BehaviorTree>
      <BehaviorTree ID="Main"><Sequence>
        <SetBlackboard value="g" output_key="global"/>
        <SubTree ID="Set" name="a" out="{result}" given="7"/>
        <SubTree ID="Set" name="a" out="{=}" given="7"/>
        <SubTree ID="Set" name="shared" _autoremap="true" given="7"/>
      </Sequence></BehaviorTree></root>""")
    loaded = load_tree("t.xml")
    writes = [n.port_keys["key"] for n in loaded.root.iterate() if type_name(n) == "SetBlackboard"]
    assert writes == ["/global", "/result", "/a/private", "/out", "/a_2/private", "/out", "/private"]
    assert loaded.blackboard == {"/a/given": 7, "/a_2/given": 7, "/shared/given": 7}
    for key, value in loaded.blackboard.items():
        py_trees.blackboard.Blackboard.set(key, value)
    assert tick_until_done(loaded.root) == ["SUCCESS"]


@pytest.mark.parametrize("body,expected", [
    ('<Parallel success_count="3"><AlwaysSuccess/><AlwaysSuccess/></Parallel>',
     "t.xml:1:70: Parallel with success_count 3 has only 2 children: it can never succeed"),
    ("<SequenceWithMemory><AlwaysSuccess/></SequenceWithMemory>",
     "t.xml:1:70: BehaviorTree.CPP's SequenceWithMemory has no py_trees counterpart"),
    ('<Sequence memory="false"><AlwaysSuccess/></Sequence>', "use ReactiveSequence"),
    ("<RunOnce><AlwaysSuccess/></RunOnce>", 'write then_skip="false"'),
    ('<AlwaysSuccess _skipIf="x == 1"/>', "_skipIf (a script run by BehaviorTree.CPP) has no py_trees counterpart"),
    ('<Delay delay_msec="5"><AlwaysSuccess/></Delay>', "Delay has no py_trees counterpart: use a Sequence with Sleep"),
    ('<Sleep msec="soon"/>', "attribute 'msec' of Sleep must be an integer, got 'soon'"),
    ("<Selector><AlwaysSuccess/></Selector>", "BehaviorTree.CPP calls it Fallback"),
    ('<SetBlackboard value="1" output_key="{k}"/>', 'output_key="name"'),
    ('<Wait duration="soon"/>', "parameter 'duration' expected float, got str 'soon'"),
    ('<Wait duratoin="1"/>', "did you mean 'duration'?"),
    ('<Wiat duration="1"/>', "unknown node type 'Wiat'; did you mean 'Wait'?"),
    ('<ClassifyGrasp video="clip"/>', "port 'video' of ClassifyGrasp takes a blackboard entry"),
    ('<Probe duration="{d}" video="{v}"/>', "cannot come from the blackboard"),
    ('<CheckBlackboard key="{x}" value="1"/>', "blackboard key '/x' is read by port 'key' but nothing writes it"),
    ('<SubTree ID="Nope"/>', "SubTree ID 'Nope' names no BehaviorTree"),
    ('<SubTree ID="Sub" x="{}"/></BehaviorTree><BehaviorTree ID="Sub"><AlwaysSuccess/>',
     "port 'x' of SubTree Sub takes a blackboard entry like \"{key}\", got '{}'"),
])
def test_what_has_no_counterpart_is_one_line_with_its_position(write, body, expected):
    write("t.xml", _tree(body))
    problems = [str(p) for p in validate("t.xml")]
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize("text,expected", [
    ('<root><BehaviorTree ID="M">\n<Wait duration="1"></BehaviorTree></root>', "t.xml:2:22: XML: mismatched tag"),
    ('<!DOCTYPE r [<!ENTITY a "aaaa">]><root/>', "XML with a DTD or entities is not accepted"),
    ('<root main_tree_to_execute="Nope"><BehaviorTree ID="M"><AlwaysSuccess/></BehaviorTree></root>',
     "t.xml:1:1: main_tree_to_execute is 'Nope', but no BehaviorTree has that ID"),
    ('<root><BehaviorTree ID="A"><AlwaysSuccess/></BehaviorTree><BehaviorTree ID="B"><AlwaysSuccess/></BehaviorTree>'
     '</root>', "several BehaviorTrees and no main_tree_to_execute: say which to run (A, B)"),
    ('<root BTCPP_format="3"><BehaviorTree><AlwaysSuccess/></BehaviorTree></root>', "only version 4 is read"),
    ('<root><BehaviorTree ID="A"><SubTree ID="A"/></BehaviorTree></root>', "SubTree 'A' includes itself"),
])
def test_bad_documents_are_reported_with_position(write, text, expected):
    write("t.xml", text)
    problems = [str(p) for p in validate("t.xml")]
    assert any(expected in p for p in problems), problems


def test_what_btcpp_cannot_express_is_refused_on_export(write):
    write("t.yaml", """
        tree:
          Sequence:
            memory: true
            children:
              - Condition: {status: success, child: Succeed}
              - Wait: {duration: 0.0005}
    """)
    with pytest.raises(TreeFileError) as error:
        to_xml(TreeParser().parse("t.yaml"))
    assert [str(p) for p in error.value.problems] == [
        "t.yaml:5:9: Condition has no BehaviorTree.CPP counterpart (Sequence > Condition)",
        "t.yaml:6:9: Wait duration of 0.0005 s is not a whole number of milliseconds (BehaviorTree.CPP counts msec) "
        "(Sequence > Wait)"]


def test_groot2_palette_lists_every_leaf_with_its_parameters_and_ports():
    model = ET.fromstring(palette_xml()).find("TreeNodesModel")
    ids = {node.get("ID"): node for node in model}
    assert set(ids) == set(registry.leaves()) - {"Wait", "Succeed", "Fail", "SetBlackboard"}
    classify = {(port.tag, port.get("name")): port for port in ids["ClassifyGrasp"]}
    assert classify[("input_port", "threshold")].attrib == {"name": "threshold", "type": "double", "default": "0.5"}
    assert ("input_port", "video") in classify and ("output_port", "p_success") in classify
    assert ids["CheckBlackboard"].tag == "Condition"


def test_btcpp_nodes_read_from_xml_show_their_settings(write):
    from ivfp_bt.display.text import tree_text

    write("t.xml", _tree('<Parallel name="both" success_count="1"><RetryUntilSuccessful num_attempts="2">'
                         '<AlwaysFailure/></RetryUntilSuccessful><Repeat num_cycles="3"><Sleep msec="10"/></Repeat>'
                         "</Parallel>"))
    assert tree_text(load_tree("t.xml").root).splitlines() == [
        "⇉ both [CountingParallel success_count=1 failure_count=1]",
        "├── ◇ [RetryUntilSuccessful num_attempts=2]",
        "│   └── • AlwaysFailure [Fail]",
        "└── ◇ Repeat [RepeatCycles num_cycles=3]",
        "    └── • Sleep [Wait duration=0.01]"]


def test_include_adds_another_files_trees(write):
    write("lib.xml", '<root BTCPP_format="4"><BehaviorTree ID="Ok"><AlwaysSuccess name="fine"/></BehaviorTree></root>')
    write("main.xml", '<root BTCPP_format="4" main_tree_to_execute="M"><include path="lib.xml"/>'
                      '<BehaviorTree ID="M"><Sequence><SubTree ID="Ok"/></Sequence></BehaviorTree></root>')
    assert tick_until_done(load_tree("main.xml").root) == ["SUCCESS"]
    write("loop.xml", '<root><include path="loop.xml"/><BehaviorTree><AlwaysSuccess/></BehaviorTree></root>')
    assert any("include cycle or too deep: loop.xml" in str(p) for p in validate("loop.xml"))
