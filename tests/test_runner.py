"""The executive: N picks, safe stops on Ctrl-C and on faults, resources only when needed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ivfp_bt.errors import UserError
from ivfp_bt.runner import Executive, RunOptions
from ivfp_bt.tree.load import load_tree
from tests.conftest import REPO, TUTORIALS, centroid_grasp_then
from tests.fakes import RecordingRobot


def run(path, fake=None, **options):
    factory = (lambda kind, seed: fake) if fake else None
    kwargs = {"robot_factory": factory} if factory else {}
    lines: list[str] = []
    summary = Executive(load_tree(path), RunOptions(**options), write=lines.append, **kwargs).run()
    return summary, lines


def test_runs_n_picks_of_instant_leaves_to_completion():
    summary, _ = run(TUTORIALS / "02_fallback_retry.yaml", picks=4, tick_hz=0)
    assert (summary.picks, summary.succeeded, summary.failed, summary.stopped) == (4, 4, 0, "done")
    assert summary.ticks >= 4 and "4 pick(s): 4 succeeded, 0 failed" in summary.line()


def test_failed_picks_are_counted(write):
    summary, _ = run(write("t.yaml", "tree:\n  Fail\n"), picks=3, tick_hz=0)
    assert (summary.picks, summary.succeeded, summary.failed, summary.ticks) == (3, 0, 3, 3)


def test_tick_rate_is_respected(write):
    started = time.monotonic()
    summary, _ = run(write("t.yaml", "tree:\n  Succeed\n"), picks=5, tick_hz=50)
    assert summary.ticks == 5 and time.monotonic() - started >= 4 / 50


def test_tree_log_marks_each_pick_and_prints_only_what_changed(write):
    path = write("t.yaml", "tree:\n  Sequence:\n    memory: true\n    children:\n"
                           "      - Succeed: {name: first}\n      - Wait: {duration: 0.05}\n")
    summary, lines = run(path, picks=2, tick_hz=200, tree_log=True)
    assert summary.ticks > 10
    first = lines.index("── pick 1 ──")
    second = lines.index("── pick 2 ──")
    # per pick: the header, the tick it started on, the tick it ended on, the result
    assert lines[first + 1] == "tick 1\n  Sequence: RUNNING\n    first [Succeed]: SUCCESS\n    Wait: RUNNING"
    assert lines[first + 2].endswith("\n  Sequence: SUCCESS\n    Wait: SUCCESS")
    assert lines[first + 3].startswith("pick 1/2: the tree succeeded")
    # the second pick shows all it did, the same statuses as the first's included; nothing reset is listed
    assert lines[second + 1].endswith("\n  Sequence: RUNNING\n    first [Succeed]: SUCCESS\n    Wait: RUNNING")
    assert lines[second + 3].startswith("pick 2/2: the tree succeeded") and len(lines) == second + 4


def test_a_robot_is_opened_only_for_trees_that_need_one(write):
    summary, _ = run(write("t.yaml", "tree:\n  Succeed\n"), robot="sim")
    assert summary.stopped == "done"  # no backend needed, none opened


def test_interrupt_cancels_the_motion_stops_the_robot_and_opens_the_gripper(write):
    robot = RecordingRobot()
    threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
    summary, _ = run(write("t.yaml", "tree:\n  MoveArm\n"), fake=robot, picks=1, tick_hz=50)
    assert summary.stopped == "interrupted" and summary.picks == 0
    assert robot.calls == ["move", "cancel move", "stop", "open_gripper", "close"]


def test_a_fault_in_a_leaf_stops_everything_safely(write):
    robot = RecordingRobot()
    path = write("t.yaml", "tree:\n  Parallel:\n    policy: success_on_all\n    children: [MoveArm, Explode]\n")
    summary, _ = run(path, fake=robot, tick_hz=0)
    assert summary.stopped == "fault" and "sensor cable unplugged" in summary.fault
    assert robot.calls == ["move", "cancel move", "stop", "open_gripper", "close"]


def test_a_failing_safety_step_does_not_skip_the_others(write):
    robot = RecordingRobot()
    robot.stop = lambda: (_ for _ in ()).throw(RuntimeError("bus timeout"))
    threading.Timer(0.1, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
    summary, lines = run(write("t.yaml", "tree:\n  MoveArm\n"), fake=robot, tick_hz=50)
    assert robot.calls == ["move", "cancel move", "open_gripper", "close"]
    assert any("could not stop the robot: bus timeout" in line for line in lines)


def test_missing_robot_is_a_user_error(write, monkeypatch):
    monkeypatch.delenv("HELLO_FLEET_PATH", raising=False)
    summary, _ = run(write("t.yaml", "tree:\n  MoveArm\n"), robot="stretch")
    assert summary.stopped == "fault" and isinstance(summary.fault_error, UserError)
    assert str(summary.fault_error).startswith("no Stretch found: HELLO_FLEET_PATH")


def test_a_recorded_run_resumes_without_repeating_a_pick_or_mixing_runs(write, tmp_path):
    from ivfp_bt.sidecar.store import RunStore

    record = str(tmp_path / "run")
    tree = TUTORIALS / "01_sequence.yaml"
    first, _ = run(tree, picks=2, tick_hz=0, seed=3, record_dir=record)
    assert first.picks == 2 and RunStore.reader(record).picks_done() == 2
    resumed, lines = run(tree, picks=3, tick_hz=0, seed=3, record_dir=record)
    assert resumed.picks == 1 and lines[0].startswith(f"resuming {record}: 2 of 3 picks recorded")
    assert lines[1].startswith("pick 3/3: the tree succeeded")
    again, lines = run(tree, picks=3, tick_hz=0, seed=3, record_dir=record)
    assert again.picks == 0 and lines == [f"{record}: all 3 picks are recorded already"]
    other, _ = run(TUTORIALS / "02_fallback_retry.yaml", picks=5, tick_hz=0, seed=3, record_dir=record)
    assert other.stopped == "fault" and isinstance(other.fault_error, UserError)
    assert "holds a run of" in str(other.fault_error) and "01_sequence.yaml" in str(other.fault_error)
    assert RunStore.reader(record).meta()["tree"].endswith("01_sequence.yaml")   # history kept


def test_a_leaf_that_calls_sys_exit_is_a_fault_with_a_safe_stop(write):
    robot = RecordingRobot()
    summary, _ = run(write("t.yaml", "tree:\n  Parallel:\n    policy: success_on_all\n    children: [MoveArm, Exit]\n"),
                     fake=robot, tick_hz=0)
    assert summary.stopped == "fault" and summary.fault == "SystemExit: 3"
    assert robot.calls == ["move", "cancel move", "stop", "open_gripper", "close"]


def test_the_safe_stop_sees_the_gripper_open_before_closing_the_robot(write):
    """A fault with an item in the closed gripper: the robot is closed only once the gripper has
    opened (it used to be closed while the gripper was still moving)."""
    from ivfp_bt.robot import open_robot

    opened = []

    def factory(kind, seed):
        robot = open_robot(kind, seed)
        close = robot.close
        robot.close = lambda: (opened.append(robot.positions()["gripper"]), close())
        return robot

    path = write("t.yaml", centroid_grasp_then("Explode"))
    lines: list[str] = []
    summary = Executive(load_tree(path), RunOptions(picks=1, tick_hz=10, seed=1001), write=lines.append,
                        robot_factory=factory).run()
    assert summary.stopped == "fault" and not [line for line in lines if line.startswith("warning")]
    assert opened and opened[0] > 0.09          # open (0.10 m), not on its way there


def _wait_for_handlers(pid: int, timeout_s: float = 30.0) -> None:
    """Until the run has installed its signal handlers (it catches SIGTERM, which Python alone
    does not): a fixed sleep sent the signal during imports on a busy machine."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():   # not Linux: start-up takes about a second
        time.sleep(1.5)
        return
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        mask = next(line for line in status.read_text().splitlines() if line.startswith("SigCgt:")).split()[1]
        caught = int(mask, 16)
        if caught & (1 << (signal.SIGTERM - 1)):
            return
        time.sleep(0.05)
    raise AssertionError(f"the run did not install its signal handlers within {timeout_s} s")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_on_the_command_line_exits_cleanly_with_a_summary(sig):
    process = subprocess.Popen(
        [sys.executable, "-m", "ivfp_bt", "run", str(TUTORIALS / "05_parallel_guard.yaml"), "--picks", "100"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    _wait_for_handlers(process.pid)
    process.send_signal(sig)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 130, err
    assert "stopped: interrupted" in out
    assert "Traceback" not in err


def test_a_signal_during_the_safe_stop_is_noted_not_obeyed(write):
    """Ctrl-C, then SIGTERM 50 ms later (a supervisor's follow-up): the safe stop finishes, the
    summary is printed and the run exits 130, not killed with 143 halfway through."""
    path = write("t.yaml", "tree:\n  SlowStop\n")      # its stop takes 0.5 s
    for _ in range(3):
        process = subprocess.Popen([sys.executable, "-c", "import tests.fakes, ivfp_bt.cli.main as m, sys; "
                                    f"sys.exit(m.main(['run', '{path}', '--picks', '5', '--tick-hz', '0']))"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
        _wait_for_handlers(process.pid)
        time.sleep(0.3)
        process.send_signal(signal.SIGINT)
        time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
        assert process.returncode == 130, err
        assert "slow stop finished" in out and "stopped: interrupted" in out
