"""One registry of leaves: built-ins, subclasses, and plugins through entry points."""

from __future__ import annotations

import sys

import py_trees
import pytest
from py_trees.ports import get_ports_registry

from ivfp_bt import registry
from ivfp_bt.behaviours import Leaf
from ivfp_bt.cli.behaviours_cmd import catalogue
from ivfp_bt.params import Param

PLUGIN = '''
import py_trees
from ivfp_bt.behaviours import Leaf
from ivfp_bt.params import Param

class Beep(Leaf):
    """Beep a number of times."""
    PARAMS = {"times": Param(int, 1, "how often")}
    def update(self):
        return py_trees.common.Status.SUCCESS
'''


@pytest.fixture
def plugin_dir(tmp_path, monkeypatch):
    """A package `beeper` installed the way pip would, with an ivfp_bt.behaviours entry point."""
    (tmp_path / "beeper.py").write_text(PLUGIN)
    (tmp_path / "broken_plugin.py").write_text("raise ImportError('missing driver')\n")
    info = tmp_path / "beeper-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: beeper\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[ivfp_bt.behaviours]\nbeeper = beeper\nbroken = broken_plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    sys.modules.pop("beeper", None)
    registry._leaves.pop("Beep", None)
    py_trees.ports._REGISTRY.pop("Beep", None)
    registry._loaded = False  # the next look finds the entry points without the plugin


def test_builtins_are_registered_here_and_with_py_trees():
    leaves = registry.leaves()
    for tag in ("Wait", "SetBlackboard", "CheckBlackboard", "Log", "Succeed", "Fail"):
        assert tag in leaves
        assert get_ports_registry()[tag] is leaves[tag]  # so py_trees' XML parser finds them


def test_entry_point_plugins_register_and_broken_ones_warn(plugin_dir, capsys, write):
    registry.reload_plugins()
    assert "Beep" in registry.leaves()
    assert any("broken" in e and "missing driver" in e for e in registry.plugin_errors)
    assert "failed to load" in capsys.readouterr().err
    from ivfp_bt.tree.load import load_tree

    assert load_tree(write("t.yaml", "tree:\n  Beep: {times: 2}\n")).root.times == 2
    row = [r for r in catalogue() if r["name"] == "Beep"][0]
    assert row["doc"] == "Beep a number of times." and row["params"][0]["default"] == 1


def test_a_second_class_under_a_taken_tag_is_refused():
    original = registry.leaves()["Wait"]
    with pytest.raises(ValueError, match="already registered"):
        class Wait(Leaf):  # noqa: F811
            def update(self):
                return py_trees.common.Status.SUCCESS
    assert registry.leaves()["Wait"] is original and get_ports_registry()["Wait"] is original


def test_parameter_names_must_not_shadow_behaviour_attributes():
    with pytest.raises(TypeError, match="clash"):
        class Shadow(Leaf, register=False):
            PARAMS = {"status": Param(str, "x")}


def test_catalogue_lists_params_with_types_and_defaults():
    rows = {r["name"]: r for r in catalogue()}
    wait = rows["Wait"]
    assert wait["params"] == [{"name": "duration", "type": "float", "default": 1.0, "required": False,
                               "doc": "seconds to wait"}]
    assert rows["Retry"]["kind"] == "decorator" and rows["Retry"]["params"][0]["required"]
    assert rows["CheckBlackboard"]["ports"][0]["direction"] == "in"
