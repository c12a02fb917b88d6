"""Run in a process of its own (importing stretch_body reconfigures logging and reads the fleet
once per process): builds the real stretch_body 0.7.31 Robot from an RE1 fleet written from its
own templates, without hardware, and prints as JSON what the contract tests compare."""

from __future__ import annotations

import copy
import inspect
import json
import logging
import os
import signal
import sys
from pathlib import Path


def write_fleet(root: Path, migrated: bool) -> None:
    import yaml
    import stretch_body.robot_params_RE1V0 as re1   # reads no fleet on import

    fleet = root / "stretch-re1-1001"
    fleet.mkdir(parents=True, exist_ok=True)
    config = copy.deepcopy(re1.configuration_params_template)
    if migrated:    # what RE1_migrate_contacts.py leaves: effort-percent thresholds, no legacy keys
        for joint, default in (("arm", [-90.0, 90.0]), ("lift", [-100.0, 100.0])):
            for key in ("contact_thresh_N", "contact_thresh_max_N", "homing_force_N"):
                config[joint].pop(key, None)
            config[joint]["contact_models"] = {"effort_pct": {"contact_thresh_default": default,
                                                              "contact_thresh_homing": default}}
    config.setdefault("robot", {}).update(model_name="RE1V0", serial_no="stretch-re1-1001", tool="tool_stretch_gripper")
    (fleet / "stretch_configuration_params.yaml").write_text(yaml.safe_dump(config))
    (fleet / "stretch_user_params.yaml").write_text(yaml.safe_dump(copy.deepcopy(re1.user_params_template)))
    os.environ["HELLO_FLEET_PATH"], os.environ["HELLO_FLEET_ID"] = str(root) + "/", "stretch-re1-1001"


def signature(method) -> list[str]:
    return [name for name in inspect.signature(method).parameters]


def probe(root: Path, migrated: bool) -> dict:
    write_fleet(root, migrated)
    ours = logging.getLogger("ivfp_bt.probe")
    import stretch_body.hello_utils as hu
    import stretch_body.robot as robot_module
    body = robot_module.Robot()
    grip, yaw = body.end_of_arm.get_joint("stretch_gripper"), body.end_of_arm.get_joint("wrist_yaw")
    out: dict = {"logger_disabled_by_import": ours.disabled}
    if not migrated:
        body.lift.motor.status["pos_calibrated"] = 1
        try:
            body.lift.move_to(0.5)
            out["unmigrated_move_exits"] = False
        except SystemExit:
            out["unmigrated_move_exits"] = True
        return out
    out["signatures"] = {
        "lift.move_to": signature(body.lift.move_to), "arm.move_to": signature(body.arm.move_to),
        "lift.pull_status": signature(body.lift.pull_status), "base.translate_by": signature(body.base.translate_by),
        "base.pull_status": signature(body.base.pull_status), "end_of_arm.move_to": signature(body.end_of_arm.move_to),
        "end_of_arm.get_joint": signature(body.end_of_arm.get_joint), "head.move_to": signature(body.head.move_to),
        "head.get_joint": signature(body.head.get_joint), "stretch_gripper.move_to": signature(grip.move_to),
        "stretch_gripper.pull_status": signature(grip.pull_status), "wrist_yaw.pull_status": signature(yaw.pull_status),
        "wrist_yaw.ticks_to_world_rad": signature(yaw.ticks_to_world_rad),
        "pimu.runstop_event_trigger": signature(body.pimu.runstop_event_trigger),
        "pimu.runstop_event_reset": signature(body.pimu.runstop_event_reset),
        "pimu.pull_status": signature(body.pimu.pull_status), "robot.startup": signature(body.startup),
        "robot.push_command": signature(body.push_command), "robot.stop": signature(body.stop),
        "robot.is_homed": signature(body.is_homed)}
    out["status_keys"] = {"lift": sorted(body.lift.status), "lift.motor": sorted(body.lift.motor.status),
                          "base": sorted(body.base.status), "pimu": sorted(body.pimu.status),
                          "stretch_gripper": sorted(grip.status), "wrist_yaw": sorted(yaw.status),
                          "head_pan": sorted(body.head.get_joint("head_pan").status)}
    out["params"] = {"lift": {k: body.lift.params[k] for k in ("range_m", "motion", "contact_models")},
                     "arm": {k: body.arm.params[k] for k in ("range_m", "motion", "contact_models")},
                     "base": {k: body.base.params[k] for k in ("motion", "contact_models")},
                     "stretch_gripper": {k: grip.params[k] for k in ("range_t", "zero_t", "gripper_conversion",
                                                                      "flip_encoder_polarity", "gr", "motion")},
                     "wrist_yaw": {k: yaw.params[k] for k in ("range_t", "zero_t", "flip_encoder_polarity", "gr",
                                                              "motion")}}
    out["gripper_pct_max_open"] = grip.pct_max_open
    out["wrist_yaw_range"] = sorted(yaw.ticks_to_world_rad(t) for t in yaw.params["range_t"])
    body.lift.motor.status["pos_calibrated"] = 1
    body.lift.move_to(2.0, v_m=1.0)         # beyond the range, faster than the maximum: both clipped
    command = body.lift.motor._command
    out["lift_clipped_to_m"] = command["x_des"] / body.lift.translate_m_to_motor_rad(1.0)
    out["lift_speed_clipped_to_m_s"] = command["v_des"] / body.lift.translate_m_to_motor_rad(1.0)
    body.base.translate_by(0.1)
    wheel = body.base.left_wheel
    out["base_translate_is_incremental"] = wheel._command["mode"] == wheel.MODE_POS_TRAJ_INCR
    # startup() without hardware spends minutes retrying serial ports: read what it installs instead
    out["startup_takes_sigint"] = "signal.signal(signal.SIGINT, hello_utils.thread_service_shutdown)" in \
        inspect.getsource(robot_module.Robot.startup)
    try:
        hu.thread_service_shutdown(signal.SIGINT, None)
    except hu.ThreadServiceExit:
        out["sigint_raises"] = "ThreadServiceExit"
    return out


if __name__ == "__main__":
    print(json.dumps(probe(Path(sys.argv[1]), migrated=sys.argv[2] == "migrated")))
    sys.stdout.flush()
    os._exit(0)     # stretch_body's threads would otherwise keep the process alive
