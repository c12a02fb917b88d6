"""Every class of tree-file error is reported, all at once, as file:line:col: what (where)."""

from __future__ import annotations

import pytest

from ivfp_bt.tree.load import validate

CASES = [
    # (tree body under `tree:`, expected message fragment, expected line:col)
    ("  Wiat: {duration: 1}", "unknown node type 'Wiat'; did you mean 'Wait'?", "2:3"),
    ("  Wait: {duraton: 1}", "unknown parameter 'duraton' for Wait; did you mean 'duration'?", "2:10"),
    ("  Wait: {duration: soon}", "parameter 'duration' of Wait expected float, got str 'soon'", "2:20"),
    ("  Wait: {duration: -1}", "must be >= 0.0", "2:20"),
    ("  Log: {level: loud, message: hi}", "must be one of", "2:16"),
    ("  Log: {}", "Log needs parameter 'message'", "2:3"),
    ("  Sequence: {children: [Succeed]}", "Sequence needs parameter 'memory'", "2:3"),
    ("  Sequence: {memory: true, children: []}", "needs a non-empty list of `children`", "2:38"),
    ("  Retry: {num_failures: 2}", "it needs exactly one `child`", "2:3"),
    ("  Retry: {num_failures: 2, child: [Succeed, Fail]}", "takes exactly one child, got a list of 2", "2:35"),
    ("  Inverter: {children: [Succeed]}", "Inverter is a decorator", "2:14"),
    ("  Sequence: {memory: true, child: Succeed}", "Sequence is a composite", "2:28"),
    ("  Retry: {num_failures: 0, child: Succeed}", "must be >= 1", "2:25"),
    ("  CheckBlackboard: {key: grasp, value: 1}", "expected a blackboard reference like \"{key}\"", "2:26"),
    ("  CheckBlackboard: {value: 1}", "input port 'key' of CheckBlackboard is not connected", "2:3"),
    ('  CheckBlackboard: {key: "{grasp}", value: 1}', "blackboard key '/grasp' is read by port 'key' but nothing writes it",
     "2:3"),
    ("  Wait: 3", "the fields of Wait must be a mapping", "2:9"),
    ("  [Wait, Fail]", "a node is a mapping with one key", "2:3"),
    ("  Include: {file: nowhere.yaml}", "included file 'nowhere.yaml' not found", "2:19"),
    ("  Include: {fil: x.yaml}", "unknown field 'fil' for Include; did you mean 'file'?", "2:13"),
    ("  Parallel: {policy: success_on_selected, selected: [b], children: [{Succeed: {name: a}}]}",
     "selected child 'b' is not a child", "2:53"),
]


@pytest.mark.parametrize("body,message,position", CASES, ids=[c[1][:40] for c in CASES])
def test_error_class(write, body, message, position):
    write("t.yaml", "tree:\n" + body + "\n")
    problems = [str(p) for p in validate("t.yaml")]
    assert any(message in p and p.startswith(f"t.yaml:{position}:") for p in problems), problems


def test_all_problems_are_reported_in_order_with_tree_paths(write):
    write("t.yaml", """
        tre: 1
        tree:
          Sequence:
            name: Pick
            memory: true
            children:
              - Wiat: {}
              - Wait: {name: approach, duraton: 1}
              - CheckBlackboard: {name: "ok?", key: "{verdit}", value: 1}
              - SetBlackboard: {key: "{verdict}", value: 1}
    """)
    problems = [str(p) for p in validate("t.yaml")]
    assert problems == [
        "t.yaml:1:1: unknown top-level key 'tre'; did you mean 'tree'?",
        "t.yaml:7:9: unknown node type 'Wiat'; did you mean 'Wait'? (Pick)",
        "t.yaml:8:32: unknown parameter 'duraton' for Wait; did you mean 'duration'? (Pick > approach)",
        "t.yaml:9:9: blackboard key '/verdit' is read by port 'key' but nothing writes it; "
        "did you mean '/verdict'? (Pick > ok?)",
    ]


def test_include_cycle_is_reported_where_it_closes(write):
    write("a.yaml", "tree:\n  Include: {file: b.yaml}\n")
    write("b.yaml", "tree:\n  Include: {file: a.yaml}\n")
    assert [str(p) for p in validate("a.yaml")] == ["b.yaml:2:19: include cycle: a.yaml -> b.yaml -> a.yaml (b > a)"]


def test_problems_inside_included_files_name_that_file(write):
    write("sub.yaml", "params: {d: {type: float}}\ntree:\n  Wait: {duration: '${d}', extra: 1}\n")
    write("main.yaml", "tree:\n  Include: {file: sub.yaml, with: {d: 1, e: 2}}\n")
    problems = [str(p) for p in validate("main.yaml")]
    assert "main.yaml:2:45: unknown param 'e' (this tree takes: d)" in problems
    assert "sub.yaml:3:28: unknown parameter 'extra' for Wait (sub > Wait)" in problems


def test_missing_include_param_and_unknown_substitution(write):
    write("sub.yaml", "params: {d: {type: float}}\ntree:\n  Wait: {duration: '${dd}'}\n")
    write("main.yaml", "tree:\n  Include: {file: sub.yaml}\n")
    problems = [str(p) for p in validate("main.yaml")]
    assert "main.yaml:2:3: param 'd' is required but not given" in problems
    assert any("${dd} is not a param of this file; did you mean 'd'?" in p for p in problems)


def test_a_bad_value_is_reported_once_without_follow_on_errors(write):
    """A wrong --set type or an undefined ${name} is one problem, not one per node that uses it."""
    write("t.yaml", "params: {n: {type: int, default: 2}}\ntree:\n  Retry:\n    num_failures: '${n}'\n"
                    "    child: {Wait: {duration: '${n}'}}\n")
    assert [str(p) for p in validate("t.yaml", {"n": "three"})] == ["t.yaml: param 'n' expected int, got str 'three'"]
    write("u.yaml", "tree:\n  Retry:\n    num_failures: '${m}'\n    child: {Log: {message: 'tried ${m}'}}\n")
    assert [str(p) for p in validate("u.yaml")] == ["u.yaml:3:19: ${m} is not a param of this file",
                                                    "u.yaml:4:28: ${m} is not a param of this file"]
    write("sub.yaml", "params: {d: {type: float}}\ntree:\n  Wait: {duration: '${d}'}\n")
    write("main.yaml", "tree:\n  Include: {file: sub.yaml, with: {d: '${x}'}}\n")
    assert [str(p) for p in validate("main.yaml")] == ["main.yaml:2:39: ${x} is not a param of this file"]


def test_tutorials_are_valid():
    from tests.conftest import TUTORIALS

    for path in sorted(TUTORIALS.iterdir()):
        assert validate(path) == [], path
