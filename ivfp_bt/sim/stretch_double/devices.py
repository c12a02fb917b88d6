"""stretch_body's devices as the backend uses them, with their signatures, status keys, units,
clipping and queueing: steppers queue a command until ``push_command``, Dynamixels move at
once, targets beyond a joint's range are clipped without a word, speeds beyond its maximum too.
Each class names the stretch_body class it stands for; tests/test_stretch_contract.py holds
them to it.
"""

from __future__ import annotations

import math
import sys
from typing import Any

from ivfp_bt.sim.stretch_double import params as P
from ivfp_bt.sim.stretch_double.firmware import Firmware, Guard

STALL_SPEED_M_S = 0.002     # a gripper moving slower than this counts as stalled


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _profile(asked: float | None, motion: dict, key: str) -> float:
    """A speed or acceleration as stretch_body sets it: the default when none is asked for, and
    never above the maximum (``key``: vel_m, accel_m, vel, accel)."""
    return motion["default"][key] if asked is None else min(abs(asked), motion["max"][key])


class Stepper:
    """stretch_body.stepper.Stepper's status, for one motor."""

    def __init__(self) -> None:
        self.status: dict[str, Any] = {"pos": 0.0, "vel": 0.0, "effort_pct": 0.0, "guarded_event": 0,
                                       "in_guarded_event": 0, "is_moving": 0, "pos_calibrated": 1, "runstop_on": 0}


class PrismaticJoint:
    """stretch_body.lift.Lift and stretch_body.arm.Arm (PrismaticJoint)."""

    STATUS_THREAD = "stepper"

    def __init__(self, name: str, params: dict, firmware: Firmware):
        self.name, self.params, self.firmware = name, params, firmware
        self.motor = Stepper()
        self.status: dict[str, Any] = {"timestamp_pc": 0.0, "pos": 0.0, "vel": 0.0, "force": 0.0,
                                       "motor": self.motor.status}
        self._command: tuple | None = None
        firmware.listeners.append(self)

    def move_to(self, x_m, v_m=None, a_m=None, stiffness=None, contact_thresh_pos_N=None, contact_thresh_neg_N=None,
                req_calibration=True, contact_thresh_pos=None, contact_thresh_neg=None):
        if contact_thresh_pos_N is not None or contact_thresh_neg_N is not None:
            print(f"Use of parameters contact_thresh_pos_N and contact_thresh_neg_N is no longer supported\n"
                  f"In method {self.name}.move_to")
            sys.exit(1)     # as stretch_body does
        low, high = self.params["range_m"]
        motion = self.params["motion"]
        contact = self.params["contact_models"]["effort_pct"]
        default_neg, default_pos = contact["contact_thresh_default"]
        most_neg, most_pos = contact["contact_thresh_max"]
        guard = Guard(min(default_pos if contact_thresh_pos is None else contact_thresh_pos, most_pos),
                      max(default_neg if contact_thresh_neg is None else contact_thresh_neg, most_neg))
        self._command = (_clip(x_m, low, high), _profile(v_m, motion, "vel_m"), _profile(a_m, motion, "accel_m"), guard)

    def move_by(self, x_m, v_m=None, a_m=None, stiffness=None, contact_thresh_pos_N=None, contact_thresh_neg_N=None,
                req_calibration=True, contact_thresh_pos=None, contact_thresh_neg=None):
        self.move_to(self.status["pos"] + x_m, v_m, a_m, stiffness, contact_thresh_pos_N, contact_thresh_neg_N,
                     req_calibration, contact_thresh_pos, contact_thresh_neg)

    def push_command(self):
        if self._command is not None:
            target, speed, accel, guard = self._command
            self._command = None
            self.firmware.drive(self.name, target, speed, accel, guard)

    def pull_status(self):
        self.refresh()

    def refresh(self) -> None:
        sim, fw = self.firmware.sim, self.firmware
        self.status["pos"] = sim.position(self.name)     # the motor's own pos is in motor radians: not kept
        self.motor.status.update(effort_pct=sim.effort(self.name), guarded_event=fw.guarded_events[self.name],
                                 in_guarded_event=int(fw.in_guarded_event[self.name]),
                                 is_moving=int(sim.driving(self.name)), runstop_on=int(fw.runstop))
        self.status["timestamp_pc"] = fw.now()


class Base:
    """stretch_body.base.Base: translate_by adds to where the wheels are when the command runs."""

    STATUS_THREAD = "stepper"

    def __init__(self, firmware: Firmware):
        self.name, self.params, self.firmware = "base", P.BASE, firmware
        self.left_wheel, self.right_wheel = Stepper(), Stepper()
        self.status: dict[str, Any] = {"timestamp_pc": 0.0, "x": 0.0, "y": 0.0, "theta": 0.0, "x_vel": 0.0,
                                       "y_vel": 0.0, "theta_vel": 0.0, "pose_time_s": 0.0, "effort": [0.0, 0.0],
                                       "translation_force": 0.0, "rotation_torque": 0.0,
                                       "left_wheel": self.left_wheel.status, "right_wheel": self.right_wheel.status}
        self._increment: tuple | None = None
        firmware.listeners.append(self)

    def translate_by(self, x_m, v_m=None, a_m=None, stiffness=None, contact_thresh_N=None, contact_thresh=None):
        motion, contact = self.params["motion"], self.params["contact_models"]["effort_pct"]
        threshold = contact["contact_thresh_translate_default"] if contact_thresh is None else contact_thresh
        threshold = min(abs(threshold), contact["contact_thresh_translate_max"])
        self._increment = (x_m, _profile(v_m, motion, "vel_m"), _profile(a_m, motion, "accel_m"),
                           Guard(threshold, -threshold))

    def push_command(self):
        if self._increment is not None:
            dx, speed, accel, guard = self._increment
            self._increment = None
            self.firmware.drive("base", self.firmware.sim.position("base") + dx, speed, accel, guard)

    def pull_status(self):
        self.refresh()

    def refresh(self) -> None:
        sim, fw = self.firmware.sim, self.firmware
        self.status.update(x=sim.position("base"), timestamp_pc=fw.now(), pose_time_s=fw.now())
        for wheel in (self.left_wheel, self.right_wheel):
            wheel.status.update(effort_pct=sim.effort("base"), guarded_event=fw.guarded_events["base"],
                                is_moving=int(sim.driving("base")), runstop_on=int(fw.runstop))


class DynamixelJoint:
    """stretch_body.dynamixel_hello_XL430.DynamixelHelloXL430 (wrist_yaw, head_pan, head_tilt):
    a move is sent at once, clipped to the range of its ticks."""

    STATUS_THREAD = "dxl"

    def __init__(self, name: str, params: dict, firmware: Firmware, sim_joint: str | None):
        self.name, self.params, self.firmware, self.sim_joint = name, params, firmware, sim_joint
        self.status: dict[str, Any] = {"timestamp_pc": 0.0, "pos": 0.0, "vel": 0.0, "effort": 0.0, "temp": 0.0,
                                       "shutdown": 0, "hardware_error": 0, "pos_ticks": 0, "vel_ticks": 0,
                                       "effort_ticks": 0, "stalled": 0, "stall_overload": 0, "comm_errors": 0}
        self._commanded = 0.0
        firmware.listeners.append(self)

    def ticks_to_world_rad(self, t):
        return P.ticks_to_world_rad(self.params, t)

    def _range(self) -> tuple[float, float]:
        ends = [self.ticks_to_world_rad(t) for t in self.params["range_t"]]
        return min(ends), max(ends)

    def move_to(self, x_des, v_des=None, a_des=None):
        motion = self.params["motion"]
        self._commanded = _clip(x_des, *self._range())
        if self.sim_joint is not None:
            self.firmware.drive(self.sim_joint, self._commanded, _profile(v_des, motion, "vel"),
                                _profile(a_des, motion, "accel"))

    def pull_status(self, data=None):
        self.refresh()

    def refresh(self) -> None:
        sim = self.firmware.sim
        if self.sim_joint is None:      # the simulated head holds its aim: report the angle it holds
            self.status["pos"] = self._commanded
        else:
            self.status.update(pos=sim.position(self.sim_joint), effort=sim.effort(self.sim_joint))
        self.status["timestamp_pc"] = self.firmware.now()


class StretchGripper(DynamixelJoint):
    """stretch_body.stretch_gripper.StretchGripper: percent units, -100 (squeeze) to pct_max_open."""

    def __init__(self, firmware: Firmware):
        super().__init__("stretch_gripper", P.STRETCH_GRIPPER, firmware, "gripper")
        self.status.update(pos_pct=0.0, gripper_conversion={"aperture_m": 0.0, "finger_rad": 0.0,
                                                            "finger_effort": 0.0, "finger_vel": 0.0})
        self.pct_max_open = P.ticks_to_pct(self.params, self.params["range_t"][1])
        self._last = (0.0, 0.0)     # (time, aperture) at the previous refresh

    def _slope(self) -> float:
        """Metres of aperture per percent (stretch_body's GripperConversion)."""
        c = self.params["gripper_conversion"]
        return (c["open_aperture_m"] - c["closed_aperture_m"]) / (c["open_robotis"] - c["closed_robotis"])

    def _aperture(self, pct: float) -> float:
        c = self.params["gripper_conversion"]
        return self._slope() * (pct - c["closed_robotis"]) + c["closed_aperture_m"]

    def _m_per_motor_rad(self) -> float:
        pct_per_tick = 100.0 / (self.params["zero_t"] - self.params["range_t"][0])
        return self._slope() * pct_per_tick * P.TICKS_PER_TURN / (2 * math.pi)

    def move_to(self, pct, v_r=None, a_r=None):
        pct = _clip(pct, -100.0, self.pct_max_open)
        motion = self.params["motion"]
        # the servo's profile is in motor rad/s; the fingertips move this many metres a radian
        metres = self._m_per_motor_rad()
        self.firmware.drive("gripper", self._aperture(pct), _profile(v_r, motion, "vel") * metres,
                            _profile(a_r, motion, "accel") * metres)

    def refresh(self) -> None:
        sim, now = self.firmware.sim, self.firmware.now()
        aperture = sim.position("gripper")
        c = self.params["gripper_conversion"]
        then, before = self._last
        speed = abs(aperture - before) / (now - then) if now > then else 0.0
        self._last = (now, aperture)
        self.status.update(pos_pct=(aperture - c["closed_aperture_m"]) / self._slope() + c["closed_robotis"],
                           effort=sim.effort("gripper"), stalled=int(speed < STALL_SPEED_M_S), timestamp_pc=now)
        self.status["gripper_conversion"].update(aperture_m=aperture, finger_effort=self.status["effort"])


class EndOfArm:
    """stretch_body.end_of_arm_tools.ToolStretchGripper: wrist_yaw and stretch_gripper."""

    def __init__(self, firmware: Firmware):
        self.name = "tool_stretch_gripper"
        self.params = {"stow": dict(P.TOOL_STOW)}
        self.joints = ["stretch_gripper", "wrist_yaw"]
        self.motors = {"stretch_gripper": StretchGripper(firmware),
                       "wrist_yaw": DynamixelJoint("wrist_yaw", P.WRIST_YAW, firmware, "wrist_yaw")}
        self.status = {name: motor.status for name, motor in self.motors.items()}

    def get_joint(self, joint_name):
        return self.motors[joint_name]

    def move_to(self, joint, x_r, v_r=None, a_r=None):
        self.motors[joint].move_to(x_r, v_r, a_r)

    def pull_status(self):
        for motor in self.motors.values():
            motor.pull_status()


class Head:
    """stretch_body.head.Head: head_pan and head_tilt."""

    def __init__(self, firmware: Firmware, pan: float, tilt: float):
        self.joints = ["head_pan", "head_tilt"]
        self.motors = {"head_pan": DynamixelJoint("head_pan", P.HEAD_PAN, firmware, None),
                       "head_tilt": DynamixelJoint("head_tilt", P.HEAD_TILT, firmware, None)}
        self.motors["head_pan"]._commanded, self.motors["head_tilt"]._commanded = pan, tilt
        self.status = {name: motor.status for name, motor in self.motors.items()}

    def get_joint(self, joint_name):
        return self.motors[joint_name]

    def move_to(self, joint, x_r, v_r=None, a_r=None):
        self.motors[joint].move_to(x_r, v_r, a_r)


class Pimu:
    """stretch_body.pimu.Pimu: the runstop."""

    STATUS_THREAD = "stepper"

    def __init__(self, firmware: Firmware):
        self.firmware = firmware
        self.status: dict[str, Any] = {"runstop_event": False, "voltage": 12.5, "current": 2.0, "cpu_temp": 50.0,
                                       "at_cliff": [False] * 4, "cliff_event": False, "timestamp": 0.0}
        firmware.listeners.append(self)

    def runstop_event_trigger(self):
        self.firmware.press_runstop()

    def runstop_event_reset(self):
        self.firmware.release_runstop()

    def push_command(self, exiting=False):
        pass    # the real pimu sends trace and buzzer commands here; the double has none

    def pull_status(self, exiting=False):
        self.refresh()

    def refresh(self) -> None:
        self.status.update(runstop_event=self.firmware.runstop, timestamp=self.firmware.now())
