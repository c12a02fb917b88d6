"""Every schema feature of tree YAML builds the py_trees tree it describes."""

from __future__ import annotations

import py_trees
import pytest
from py_trees import common, composites, decorators

from ivfp_bt.behaviours import CheckBlackboard, SetBlackboard, Succeed, Wait
from ivfp_bt.tree.load import load_tree
from tests.conftest import tick_until_done


def one_child(write, node_yaml: str):
    path = write("t.yaml", "tree:\n" + "\n".join("  " + line for line in node_yaml.strip().splitlines()) + "\n")
    return load_tree(path).root


def test_sequence_and_selector_take_explicit_memory(write):
    root = one_child(write, """
Sequence:
  name: Pick
  memory: true
  children:
    - Fallback: {memory: false, children: [Fail, Succeed]}
""")
    assert isinstance(root, composites.Sequence) and root.memory is True and root.name == "Pick"
    selector = root.children[0]
    assert isinstance(selector, composites.Selector) and selector.memory is False
    assert tick_until_done(root) == ["SUCCESS"]


@pytest.mark.parametrize("policy,cls", [
    ("success_on_all", common.ParallelPolicy.SuccessOnAll),
    ("success_on_one", common.ParallelPolicy.SuccessOnOne),
    ("success_on_selected", common.ParallelPolicy.SuccessOnSelected),
])
def test_parallel_policies(write, policy, cls):
    root = one_child(write, f"""
Parallel:
  policy: {policy}
  selected: [a]
  children: [{{Succeed: {{name: a}}}}, {{Wait: {{name: b, duration: 0}}}}]
""")
    assert isinstance(root.policy, cls)
    if policy == "success_on_selected":
        assert [c.name for c in root.policy.children] == ["a"]


@pytest.mark.parametrize("snippet,cls,attribute,value", [
    ("Retry: {num_failures: 3, child: Fail}", decorators.Retry, "num_failures", 3),
    ("Repeat: {num_success: 2, child: Succeed}", decorators.Repeat, "num_success", 2),
    ("Timeout: {duration: 1.5, child: Succeed}", decorators.Timeout, "duration", 1.5),
    ("Inverter: {child: Succeed}", decorators.Inverter, None, None),
    ("OneShot: {policy: on_completion, child: Succeed}", decorators.OneShot, "policy",
     common.OneShotPolicy.ON_COMPLETION),
    ("Condition: {status: failure, child: Fail}", decorators.Condition, "succeed_status", common.Status.FAILURE),
    ("FailureIsSuccess: {child: Fail}", decorators.FailureIsSuccess, None, None),
    ("FailureIsRunning: {child: Fail}", decorators.FailureIsRunning, None, None),
    ("SuccessIsFailure: {child: Succeed}", decorators.SuccessIsFailure, None, None),
    ("SuccessIsRunning: {child: Succeed}", decorators.SuccessIsRunning, None, None),
    ("RunningIsFailure: {child: Succeed}", decorators.RunningIsFailure, None, None),
    ("RunningIsSuccess: {child: Succeed}", decorators.RunningIsSuccess, None, None),
    ("PassThrough: {child: Succeed}", decorators.PassThrough, None, None),
])
def test_decorators(write, snippet, cls, attribute, value):
    root = one_child(write, snippet)
    assert type(root) is cls
    if attribute:
        assert getattr(root, attribute) == value


def test_decorator_semantics_survive(write):
    assert tick_until_done(one_child(write, "Inverter: {child: Succeed}")) == ["FAILURE"]
    assert tick_until_done(one_child(write, "Retry: {num_failures: 3, child: Fail}")) == ["RUNNING"] * 2 + ["FAILURE"]


def test_eternal_guard_stops_the_child_when_the_condition_turns_false(write):
    path = write("t.yaml", """
        blackboard: {safe: true}
        tree:
          EternalGuard:
            key: "{safe}"
            value: true
            child: {Wait: {duration: 100}}
    """)
    root = load_tree(path).root
    tree = py_trees.trees.BehaviourTree(root)
    tree.setup()
    py_trees.blackboard.Blackboard.set("/safe", True)
    tree.tick()
    assert root.status == common.Status.RUNNING and root.children[0].status == common.Status.RUNNING
    py_trees.blackboard.Blackboard.set("/safe", False)
    tree.tick()
    assert root.status == common.Status.FAILURE and root.children[0].status == common.Status.INVALID


def test_status_to_blackboard_writes_the_status(write):
    root = one_child(write, 'StatusToBlackboard: {key: "{last}", child: Fail}')
    tick_until_done(root)
    assert py_trees.blackboard.Blackboard.get("/last") == common.Status.FAILURE


def test_leaves_take_typed_params_names_and_bare_strings(write):
    root = one_child(write, """
Sequence:
  memory: true
  children:
    - Wait: {name: approach, duration: 2}
    - Succeed
    - SetBlackboard: {key: "{word}", value: "true"}
""")
    wait, succeed, setter = root.children
    assert isinstance(wait, Wait) and wait.name == "approach" and wait.duration == 2.0
    assert isinstance(wait.duration, float)
    assert isinstance(succeed, Succeed) and isinstance(setter, SetBlackboard)
    assert setter.value == "true"  # a quoted YAML string stays a string


def test_ports_wire_blackboard_keys_both_quoted_and_unquoted(write):
    root = one_child(write, """
Sequence:
  memory: true
  children:
    - SetBlackboard: {key: "{verdict}", value: 0.9}
    - CheckBlackboard: {key: {verdict}, op: ">", value: 0.5}
""")
    assert root.children[1].port_keys == {"key": "/verdict"}
    assert tick_until_done(root) == ["SUCCESS"]


def test_initial_blackboard_values(write):
    path = write("t.yaml", """
        blackboard: {threshold: 0.5}
        tree:
          CheckBlackboard: {key: "{threshold}", value: 0.5}
    """)
    loaded = load_tree(path)
    assert loaded.blackboard == {"/threshold": 0.5}


def test_include_with_params_remap_and_namespace(write):
    write("sub/verify.yaml", """
        params:
          threshold: {type: float, default: 0.5}
          label: {type: str, default: grasp}
        tree:
          Sequence:
            name: verify ${label}
            memory: true
            children:
              - SetBlackboard: {key: "{scratch}", value: 1}
              - CheckBlackboard: {key: "{verdict}", op: ">=", value: "${threshold}"}
    """)
    path = write("main.yaml", """
        blackboard: {p: 0.8}
        tree:
          Selector:
            memory: true
            children:
              - Include: {file: sub/verify.yaml, name: first, with: {threshold: 0.9}, remap: {verdict: "{p}"}}
              - Include: {file: sub/verify.yaml, with: {label: again}, remap: {verdict: "{p}"}}
    """)
    loaded = load_tree(path)
    first, second = loaded.root.children
    assert first.name == "first" and second.name == "verify again"
    assert first.children[1].value == 0.9 and second.children[1].value == 0.5
    assert first.children[1].port_keys == {"key": "/p"}
    assert first.children[0].port_keys == {"key": "/first/scratch"}
    assert second.children[0].port_keys == {"key": "/verify/scratch"}
    assert loaded.spec.root.children[0].included_from.endswith("verify.yaml")


def test_root_params_can_be_set_from_the_command_line(write):
    path = write("t.yaml", """
        params: {duration: 1.0}
        tree:
          Wait: {duration: "${duration}"}
    """)
    assert load_tree(path).root.duration == 1.0
    assert load_tree(path, {"duration": "0.25"}).root.duration == 0.25


def test_every_tutorial_loads(write):
    from tests.conftest import TUTORIALS

    for path in sorted(TUTORIALS.iterdir()):
        assert load_tree(path).root is not None, path


def test_check_blackboard_compares(write):
    leaf = CheckBlackboard(name="c", params={"value": 3, "op": "<"})
    assert leaf.op == "<" and leaf.value == 3
