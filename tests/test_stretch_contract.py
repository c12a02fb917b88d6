"""The stretch_body double held to the real hello-robot-stretch-body (the `stretch` extra): every
method and argument the double offers the backend exists in the real classes with the same
names, every status key it fills is one the real status has, its parameters are the RE1's, and
it clips, counts and exits where the real code does. The real side runs in a process of its
own (tests/stretch_contract_probe.py), built from an RE1 fleet written from its own templates.

Skipped where stretch_body is not installed, except under IVFP_BT_REQUIRE_STRETCH_BODY=1 (CI).
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

if importlib.util.find_spec("stretch_body") is None:
    if os.environ.get("IVFP_BT_REQUIRE_STRETCH_BODY"):
        pytest.fail("stretch_body is not installed (pip install -e '.[stretch]')", pytrace=False)
    pytest.skip("stretch_body is not installed", allow_module_level=True)


def probe(tmp_path_factory, migrated: bool) -> dict:
    fleet = tmp_path_factory.mktemp("fleet")
    done = subprocess.run([sys.executable, str(REPO / "tests" / "stretch_contract_probe.py"), str(fleet),
                           "migrated" if migrated else "unmigrated"], capture_output=True, text=True, timeout=120,
                          env={k: v for k, v in os.environ.items() if not k.startswith("HELLO_FLEET")})
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    return probe(tmp_path_factory, migrated=True)


@pytest.fixture(scope="module")
def double():
    from tests.test_stretch_backend import double_body
    return double_body()[0]


def names(method) -> list[str]:
    return list(inspect.signature(method).parameters)


def test_every_method_the_double_offers_has_the_real_signature(real, double):
    grip, yaw = double.end_of_arm.get_joint("stretch_gripper"), double.end_of_arm.get_joint("wrist_yaw")
    ours = {"lift.move_to": double.lift.move_to, "arm.move_to": double.arm.move_to,
            "lift.pull_status": double.lift.pull_status, "base.translate_by": double.base.translate_by,
            "base.pull_status": double.base.pull_status, "end_of_arm.move_to": double.end_of_arm.move_to,
            "end_of_arm.get_joint": double.end_of_arm.get_joint, "head.move_to": double.head.move_to,
            "head.get_joint": double.head.get_joint, "stretch_gripper.move_to": grip.move_to,
            "stretch_gripper.pull_status": grip.pull_status, "wrist_yaw.pull_status": yaw.pull_status,
            "wrist_yaw.ticks_to_world_rad": yaw.ticks_to_world_rad,
            "pimu.runstop_event_trigger": double.pimu.runstop_event_trigger,
            "pimu.runstop_event_reset": double.pimu.runstop_event_reset, "pimu.pull_status": double.pimu.pull_status,
            "robot.startup": double.startup, "robot.push_command": double.push_command, "robot.stop": double.stop,
            "robot.is_homed": double.is_homed}
    assert set(ours) == set(real["signatures"])
    for name, method in ours.items():
        assert names(method) == real["signatures"][name], name


def test_every_status_key_the_double_fills_is_a_real_one(real, double):
    grip, yaw = double.end_of_arm.get_joint("stretch_gripper"), double.end_of_arm.get_joint("wrist_yaw")
    ours = {"lift": double.lift.status, "lift.motor": double.lift.motor.status, "base": double.base.status,
            "pimu": double.pimu.status, "stretch_gripper": grip.status, "wrist_yaw": yaw.status,
            "head_pan": double.head.get_joint("head_pan").status}
    for device, status in ours.items():
        assert set(status) <= set(real["status_keys"][device]), (device, set(status) - set(real["status_keys"][device]))


def test_the_doubles_parameters_are_the_re1s(real, double):
    grip, yaw = double.end_of_arm.get_joint("stretch_gripper"), double.end_of_arm.get_joint("wrist_yaw")
    for device, params in (("lift", double.lift.params), ("arm", double.arm.params), ("base", double.base.params),
                           ("stretch_gripper", grip.params), ("wrist_yaw", yaw.params)):
        for key, theirs in real["params"][device].items():
            mine = params[key]
            if key == "motion":     # the profiles the backend uses: default and max
                assert {k: mine[k] for k in ("default", "max")} == {k: theirs[k] for k in ("default", "max")}
            elif key == "contact_models":
                effort = theirs["effort_pct"]
                assert {k: mine["effort_pct"][k] for k in effort if k != "contact_thresh_calibration_margin"} == \
                    {k: v for k, v in effort.items() if k != "contact_thresh_calibration_margin"}, device
            else:
                assert mine == theirs, (device, key)


def test_the_double_clips_and_converts_as_stretch_body_does(real, double):
    grip, yaw = double.end_of_arm.get_joint("stretch_gripper"), double.end_of_arm.get_joint("wrist_yaw")
    assert grip.pct_max_open == pytest.approx(real["gripper_pct_max_open"])
    assert sorted(yaw.ticks_to_world_rad(t) for t in yaw.params["range_t"]) == pytest.approx(real["wrist_yaw_range"])
    double.lift.move_to(2.0, v_m=1.0)
    target, speed, _, _ = double.lift._command
    assert (target, speed) == pytest.approx((real["lift_clipped_to_m"], real["lift_speed_clipped_to_m_s"]))
    assert real["base_translate_is_incremental"]


def test_stretch_bodys_side_effects_are_the_ones_the_backend_undoes(real, tmp_path_factory):
    assert real["logger_disabled_by_import"] and real["startup_takes_sigint"]
    assert real["sigint_raises"] == "ThreadServiceExit"
    assert probe(tmp_path_factory, migrated=False)["unmigrated_move_exits"]
