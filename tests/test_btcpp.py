"""Checked by BehaviorTree.CPP itself: it loads every export and ticks it with stub leaves,
and what it does matches what py_trees does with the same tree."""

from __future__ import annotations

import os
import random

import py_trees
import pytest

from ivfp_bt.tree.load import load_tree
from ivfp_bt.tree.parse import TreeParser
from ivfp_bt.tree.xml_export import to_xml
from tests.btcpp.harness import BtCpp, Unavailable, build_stub_library
from tests.conftest import REPO as ROOT

SHIPPED = sorted([*ROOT.glob("trees/*.yaml"), *ROOT.glob("trees/tutorials/*.yaml"), ROOT / "trees/subtrees/verify_probe.yaml"])


@pytest.fixture(scope="session")
def stub_library():
    try:
        return build_stub_library()
    except Unavailable as error:
        if os.environ.get("IVFP_BT_REQUIRE_BTCPP"):
            pytest.fail(f"BehaviorTree.CPP is required here: {error}")
        pytest.skip(str(error))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_btcpp_loads_and_ticks_every_shipped_tree(stub_library, path):
    document = to_xml(TreeParser().parse(path))
    btcpp = BtCpp(stub_library)
    assert btcpp.run(document, sleep_ms=20) == "SUCCESS"
    leaves = [leaf for leaf, _, _ in btcpp.ticks]
    if "ExecuteGrasp" in leaves:   # a pick: it looks before it grasps
        assert leaves.index("Observe") < leaves.index("ExecuteGrasp")


def test_btcpp_reads_our_parameters_and_keys(stub_library):
    document = to_xml(TreeParser().parse(ROOT / "trees/pick_vitl_replan.yaml"))
    btcpp = BtCpp(stub_library)
    btcpp.run(document)
    propose = next(inputs for leaf, _, inputs in btcpp.ticks if leaf == "ProposeGrasps")
    assert propose["strategy"] == "policy" and propose["count"] == "1" and propose["avoid_px"] == "15"
    assert propose["avoid"] == "[]"   # written by BT.CPP's own SetBlackboard, read through the blackboard


def test_btcpp_runs_the_groot_tutorial(stub_library):
    btcpp = BtCpp(stub_library)
    document = (ROOT / "trees/tutorials/06_groot.xml").read_text().replace("</root>", _palette_model() + "</root>")
    assert btcpp.run(document, sleep_ms=20) == "SUCCESS"
    assert [name for _, name, _ in btcpp.ticks] == ["verdict ok", "done"]


def _palette() -> str:
    from ivfp_bt.tree.groot_palette import palette_xml

    return palette_xml()


# Behaviour: random trees over every node with a counterpart, the leaves scripted the same way on
# both sides, must tick the same leaves in the same order and end the same.
CONTROLS = ["Sequence", "ReactiveSequence", "Fallback", "ReactiveFallback", "Parallel", "Inverter",
            "ForceSuccess", "ForceFailure", "RetryUntilSuccessful", "Repeat", "RunOnce"]


def _random_tree(rng: random.Random, depth: int, counter: list[int]) -> str:
    if depth == 0 or rng.random() < 0.3:
        counter[0] += 1
        return f'<Log name="leaf{counter[0]}" message="x"/>'
    tag = rng.choice(CONTROLS)
    if tag in ("Sequence", "ReactiveSequence", "Fallback", "ReactiveFallback", "Parallel"):
        count = rng.randint(1, 3)
        children = "".join(_random_tree(rng, depth - 1, counter) for _ in range(count))
        attrs = ""
        if tag == "Parallel":
            counts = [-1, *range(1, count + 1)]
            attrs = f' success_count="{rng.choice(counts)}" failure_count="{rng.choice(counts)}"'
        return f"<{tag}{attrs}>{children}</{tag}>"
    attrs = {"RetryUntilSuccessful": f' num_attempts="{rng.randint(1, 3)}"',
             "Repeat": f' num_cycles="{rng.randint(1, 3)}"', "RunOnce": ' then_skip="false"'}.get(tag, "")
    return f"<{tag}{attrs}>{_random_tree(rng, depth - 1, counter)}</{tag}>"


def _script(seed: int):
    """A leaf's status on its n-th tick, the same on both sides."""
    def outcome(name: str, n: int) -> str:
        return random.Random(f"{seed}/{name}/{n}").choice(["SUCCESS", "FAILURE", "RUNNING"])
    return outcome


@pytest.mark.parametrize("seed", range(200))
def test_imported_btcpp_trees_behave_as_in_btcpp(stub_library, write, seed):
    rng = random.Random(seed)
    body = _random_tree(rng, 4, [0])
    document = f'<root BTCPP_format="4"><BehaviorTree ID="T">{body}</BehaviorTree>{_palette_model()}</root>'
    script = _script(seed)
    counts: dict[str, int] = {}

    def scripted(leaf: str, name: str) -> str:
        counts[name] = counts.get(name, 0) + 1
        return script(name, counts[name])

    btcpp = BtCpp(stub_library, scripted)
    theirs = btcpp.run(document, max_ticks=20)
    ours_trace, ours = _run_with_py_trees(write("t.xml", document), script, max_ticks=20)
    assert ours_trace == [name for _, name, _ in btcpp.ticks], body
    assert ours == theirs, body


def _palette_model() -> str:
    text = _palette()
    return text[text.index("<TreeNodesModel"):text.index("</root>")]


def _run_with_py_trees(path, script, max_ticks: int) -> tuple[list[str], str]:
    trace: list[str] = []
    counts: dict[str, int] = {}
    loaded = load_tree(path)
    for node in loaded.root.iterate():
        if node.children == [] and node.name.startswith("leaf"):
            def update(node=node):
                counts[node.name] = counts.get(node.name, 0) + 1
                trace.append(node.name)
                return py_trees.common.Status[script(node.name, counts[node.name])]
            node.update = update
    loaded.root.tick_once()
    for _ in range(max_ticks):
        if loaded.root.status != py_trees.common.Status.RUNNING:
            break
        loaded.root.tick_once()
    return trace, loaded.root.status.name
