"""The versions that decide results are pinned, recorded with every result, and a mismatch is said."""

from __future__ import annotations

import json

from ivfp_bt import versions
from ivfp_bt.cli.main import main
from ivfp_bt.sidecar.store import RunStore
from tests.conftest import TUTORIALS


def test_the_physics_and_the_robot_model_are_pinned_exactly():
    pins = versions.pinned()
    assert pins["mujoco"] == "3.17.0" and pins["hello-robot-stretch-urdf"] == "0.1.2"
    assert {"torch", "transformers", "numpy"} <= set(pins)


def test_the_installed_versions_are_the_pinned_ones():
    """A fresh install from setup.cfg gets exactly the pins (what CI and the README's commands do)."""
    assert versions.mismatches() == []
    assert versions.warning() == ""


def test_a_mismatch_is_reported_by_the_commands_that_measure(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(versions, "installed", lambda: {"mujoco": "4.0.1", "numpy": "2.4.6"})
    monkeypatch.setattr(versions, "pinned", lambda: {"mujoco": "3.17.0", "numpy": "2.4.6"})
    assert versions.mismatches() == ["mujoco 4.0.1 (ivfp-bt pins 3.17.0)"]
    assert main(["run", str(TUTORIALS / "01_sequence.yaml"), "--tick-hz", "0"]) == 0
    assert "warning: mujoco 4.0.1 (ivfp-bt pins 3.17.0) installed" in capsys.readouterr().err
    assert main(["validate", str(TUTORIALS / "01_sequence.yaml")]) == 0
    assert "warning" not in capsys.readouterr().err      # nothing measured, nothing to warn about


def test_every_logged_run_records_its_versions(tmp_path, capsys):
    assert main(["run", str(TUTORIALS / "01_sequence.yaml"), "--tick-hz", "0", "--record", str(tmp_path / "r")]) == 0
    meta = RunStore(tmp_path / "r").meta()
    assert meta["versions"]["packages"]["mujoco"] == "3.17.0" and meta["versions"]["mismatches"] == []
    json.dumps(meta)   # stays plain data


def test_an_evaluation_says_which_versions_its_figures_came_from():
    from ivfp_bt.evaluation.report import markdown_table

    text = markdown_table([], "seen", "bin-v2")
    assert "Measured with mujoco 3.17.0, hello-robot-stretch-urdf 0.1.2, torch 2.13.0" in text
