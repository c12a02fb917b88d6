"""Tick overhead of trees built by our loader vs the same tree hand-built in plain py_trees.

The tree is pick-shaped, 40 nodes of instant leaves: observe, propose, then a
selector over 4 candidates, each: check, choose, retry(probe), classify, and a
parallel extract-while-monitoring. Candidates 1-3 fail classification, so every
tick visits the whole tree. The plain tree uses py_trees' own behaviours
(SetBlackboardVariable, CheckBlackboardVariableValue, Success).

    python bench/tick_overhead.py [--ticks 3000] [--repeats 7]

Target (issue 2): ours / plain <= 1.2 in time per tick.
"""

from __future__ import annotations

import argparse
import operator
import statistics
import tempfile
import time
from pathlib import Path

import py_trees
from py_trees import behaviours, common, composites, decorators

from ivfp_bt.runner import Executive, RunOptions
from ivfp_bt.tree.load import load_tree

CANDIDATES = 4


def pick_yaml() -> str:
    lines = ["blackboard: {threshold: 0.5}", "tree:", "  Sequence:", "    name: pick", "    memory: false",
             "    children:",
             '      - SetBlackboard: {name: observe, key: "{observation}", value: 1}',
             '      - SetBlackboard: {name: propose, key: "{candidates}", value: 4}',
             "      - Selector:", "          name: try candidates", "          memory: false", "          children:"]
    for i in range(1, CANDIDATES + 1):
        verdict = 0.9 if i == CANDIDATES else 0.1
        lines += [
            "            - Sequence:", f"                name: candidate {i}", "                memory: false",
            "                children:",
            f'                  - CheckBlackboard: {{name: "has {i}", key: "{{candidates}}", op: ">=", value: {i}}}',
            f'                  - SetBlackboard: {{name: "choose {i}", key: "{{verdict}}", value: {verdict}}}',
            f"                  - Retry: {{name: retry {i}, num_failures: 2, child: {{Succeed: {{name: probe {i}}}}}}}",
            f'                  - CheckBlackboard: {{name: "classify {i}", key: "{{verdict}}", op: ">=", value: 0.5}}',
            "                  - Parallel:", f"                      name: extract {i}",
            "                      policy: success_on_all",
            f"                      children: [{{Succeed: {{name: pull {i}}}}}, {{Succeed: {{name: monitor {i}}}}}]",
        ]
    return "\n".join(lines) + "\n"


def plain_tree() -> py_trees.behaviour.Behaviour:
    def setter(name: str, key: str, value: object) -> py_trees.behaviour.Behaviour:
        return behaviours.SetBlackboardVariable(name=name, variable_name=key, variable_value=value, overwrite=True)

    def check(name: str, key: str, op, value: object) -> py_trees.behaviour.Behaviour:
        expression = common.ComparisonExpression(variable=key, value=value, operator=op)
        return behaviours.CheckBlackboardVariableValue(name=name, check=expression)

    candidates = []
    for i in range(1, CANDIDATES + 1):
        verdict = 0.9 if i == CANDIDATES else 0.1
        extract = composites.Parallel(name=f"extract {i}", policy=common.ParallelPolicy.SuccessOnAll(),
                                      children=[behaviours.Success(f"pull {i}"), behaviours.Success(f"monitor {i}")])
        candidates.append(composites.Sequence(name=f"candidate {i}", memory=False, children=[
            check(f"has {i}", "/candidates", operator.ge, i),
            setter(f"choose {i}", "/verdict", verdict),
            decorators.Retry(name=f"retry {i}", child=behaviours.Success(f"probe {i}"), num_failures=2),
            check(f"classify {i}", "/verdict", operator.ge, 0.5),
            extract,
        ]))
    return composites.Sequence(name="pick", memory=False, children=[
        setter("observe", "/observation", 1), setter("propose", "/candidates", 4),
        composites.Selector(name="try candidates", memory=False, children=candidates),
    ])


def ticks_per_second(root: py_trees.behaviour.Behaviour, ticks: int) -> float:
    tree = py_trees.trees.BehaviourTree(root)
    tree.setup()
    py_trees.blackboard.Blackboard.set("/threshold", 0.5)
    for _ in range(100):  # warm up
        tree.tick()
    assert root.status == common.Status.SUCCESS, "the benchmark tree should pick every tick"
    started = time.perf_counter()
    for _ in range(ticks):
        tree.tick()
    return ticks / (time.perf_counter() - started)


def executive_ticks_per_second(path: Path, ticks: int) -> float:
    loaded = load_tree(path)
    summary = Executive(loaded, RunOptions(picks=ticks, tick_hz=0), write=lambda _: None).run()
    return summary.ticks / summary.wall_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pick40.yaml"
        path.write_text(pick_yaml())
        nodes = len(list(load_tree(path).root.iterate()))
        assert nodes == len(list(plain_tree().iterate())) == 40, nodes
        ours, plain, executive = [], [], []
        for _ in range(args.repeats):  # interleaved, so machine noise hits both alike
            plain.append(ticks_per_second(plain_tree(), args.ticks))
            ours.append(ticks_per_second(load_tree(path).root, args.ticks))
            executive.append(executive_ticks_per_second(path, args.ticks))
    ours_rate, plain_rate, exec_rate = (statistics.median(x) for x in (ours, plain, executive))
    print(f"tree: {nodes} nodes, pick-shaped, every node visited each tick; {args.ticks} ticks x {args.repeats}")
    print(f"plain py_trees (hand-built):     {plain_rate:9.0f} ticks/s  ({1e6 / plain_rate:6.1f} us/tick)")
    print(f"ivfp-bt loader (same tree):      {ours_rate:9.0f} ticks/s  ({1e6 / ours_rate:6.1f} us/tick)")
    print(f"ivfp-bt executive (run loop):    {exec_rate:9.0f} ticks/s  ({1e6 / exec_rate:6.1f} us/tick)")
    print(f"overhead, loader vs plain:       {plain_rate / ours_rate:.2f}x  (target <= 1.20x)")
    print(f"overhead, executive vs plain:    {plain_rate / exec_rate:.2f}x")


if __name__ == "__main__":
    main()
