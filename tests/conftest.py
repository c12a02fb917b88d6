"""Shared fixtures: writing tree files, and a clean blackboard for every test."""

from __future__ import annotations

import os
import textwrap
import time
from pathlib import Path

import py_trees
import pytest

os.environ.setdefault("MUJOCO_GL", "egl")   # offscreen rendering on machines without a screen
import ivfp_bt.sim  # noqa: E402,F401  (before any test imports mujoco: see ivfp_bt/sim/egl_compat.py)

REPO = Path(__file__).resolve().parents[1]
TUTORIALS = REPO / "trees" / "tutorials"


def centroid_grasp_then(*leaves: str) -> str:
    """A tree file: one centroid grasp in a fresh bin, then ``leaves`` in sequence."""
    steps = ['Observe: {observation: "{observation}"}',
             'ProposeGrasps: {strategy: centroid, count: 1, observation: "{observation}", candidates: "{candidates}"}',
             'NextCandidate: {candidates: "{candidates}", remaining: "{candidates}", grasp: "{grasp}"}',
             'ExecuteGrasp: {grasp: "{grasp}", observation: "{observation}"}', *leaves]
    return "tree:\n  Sequence:\n    memory: true\n    children:\n" + "".join(f"      - {step}\n" for step in steps)


@pytest.fixture(autouse=True)
def clean_blackboard():
    py_trees.blackboard.Blackboard.clear()
    yield
    py_trees.blackboard.Blackboard.clear()


@pytest.fixture
def write(tmp_path, monkeypatch):
    """write("name.yaml", text) -> path; dedents, and runs the test from tmp_path."""
    monkeypatch.chdir(tmp_path)

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
        return path

    return _write


def tick_until_done(root: py_trees.behaviour.Behaviour, max_ticks: int = 1000, period_s: float = 0.002) -> list[str]:
    """Tick ``root`` every ``period_s`` until it leaves RUNNING; the root status after each tick."""
    tree = py_trees.trees.BehaviourTree(root)
    tree.setup()
    statuses = []
    for _ in range(max_ticks):
        tree.tick()
        statuses.append(root.status.name)
        if root.status != py_trees.common.Status.RUNNING:
            break
        time.sleep(period_s)
    return statuses


@pytest.fixture(scope="session")
def demos_run(tmp_path_factory) -> Path:
    """A run directory recorded with trees/collect_demos.yaml: 3 picks in the simulation, seed 2."""
    from ivfp_bt.runner import Executive, RunOptions
    from ivfp_bt.tree.load import load_tree

    path = tmp_path_factory.mktemp("demos") / "run"
    options = RunOptions(picks=3, tick_hz=10, seed=2, record_dir=str(path))
    summary = Executive(load_tree(REPO / "trees" / "collect_demos.yaml"), options, write=lambda line: None).run()
    assert summary.stopped == "done"
    py_trees.blackboard.Blackboard.clear()
    return path
