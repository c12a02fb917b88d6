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
