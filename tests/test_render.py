"""Showing trees: unicode text with types and parameters, DOT, SVG and PNG."""

from __future__ import annotations

import shutil

import pytest

from ivfp_bt.display import dot as dot_module
from ivfp_bt.display.dot import render, tree_dot
from ivfp_bt.display.text import tree_text
from ivfp_bt.errors import UserError
from ivfp_bt.tree.load import load_tree
from tests.conftest import TUTORIALS


def test_text_shows_structure_types_and_key_parameters():
    text = tree_text(load_tree(TUTORIALS / "03_blackboard.yaml").root)
    assert text.splitlines() == [
        "→ Pick [Sequence memory]",
        "├── • classify [SetBlackboard value=True key→/grasp_ok]",
        "├── • grasp ok? [CheckBlackboard value=True key←/grasp_ok]",
        "└── • attempts left? [CheckBlackboard value=0 op='>' key←/attempts_allowed]",
    ]


def test_text_shows_decorator_and_parallel_settings():
    text = tree_text(load_tree(TUTORIALS / "05_parallel_guard.yaml").root)
    assert "◇ unless runstopped [EternalGuard guard=/runstop]" in text
    assert "⇉ extract while monitoring [Parallel SuccessOnOne]" in text
    assert "◇ extract, at most 2 s [Timeout duration=2.0]" in text


def test_dot_has_every_node_and_edge():
    root = load_tree(TUTORIALS / "02_fallback_retry.yaml").root
    source = tree_dot(root, "t")
    nodes = list(root.iterate())
    assert source.count("label=") == len(nodes)
    assert source.count("->") == len(nodes) - 1
    assert 'shape=octagon, fillcolor=cyan' in source  # the selector, as py_trees draws it


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")
def test_svg_and_png_through_graphviz():
    source = tree_dot(load_tree(TUTORIALS / "01_sequence.yaml").root)
    assert b"<svg" in render(source, "svg")
    assert render(source, "png").startswith(b"\x89PNG")


def test_missing_graphviz_is_one_clear_message(monkeypatch):
    monkeypatch.setattr(dot_module.shutil, "which", lambda name: None)
    with pytest.raises(UserError, match="needs Graphviz's `dot` program.*apt-get install graphviz"):
        render("digraph {}", "svg")


def test_an_old_pyopengl_gets_the_egl_device_type_mujoco_names(monkeypatch):
    """Issue 29, defect 10: stretch_body's pyrender pins PyOpenGL 3.1.0, whose EGL module lacks
    EGLDeviceEXT, and `import mujoco` under MUJOCO_GL=egl then fails."""
    import ctypes
    import sys
    import types

    import OpenGL

    from ivfp_bt.sim.egl_compat import patch_pyopengl_egl
    old = types.ModuleType("OpenGL.EGL")
    monkeypatch.setitem(sys.modules, "OpenGL.EGL", old)
    monkeypatch.setattr(OpenGL, "EGL", old, raising=False)
    monkeypatch.setenv("MUJOCO_GL", "egl")
    assert patch_pyopengl_egl() and old.EGLDeviceEXT is ctypes.c_void_p
    assert not patch_pyopengl_egl()      # once is enough
