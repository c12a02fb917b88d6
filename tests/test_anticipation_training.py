"""Training the anticipation networks from recorded clips: the CLI, its one-line errors, and
that teacher and student learn what the clips show (synthetic clips, tiny networks)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ivfp_bt.cli.main import main
from ivfp_bt.models.anticipation import anticipation_config
from ivfp_bt.sidecar.store import Attempt, RunStore
from ivfp_bt.training.anticipation import split_bins, train_student, train_teacher
from ivfp_bt.training.clip_data import load_clips
from ivfp_bt.training.pipeline import calibrate_monitor

SIZE, RATE_HZ, SECONDS = 32, 4.0, 8.0


def synthetic_clip(rng: np.random.Generator, failed: bool, moment: float) -> dict[str, np.ndarray]:
    """A grey scene with texture; a failing clip shows a red warning from 2.5 s before its
    failure and goes dark from the failure on."""
    times = np.arange(int(SECONDS * RATE_HZ)) / RATE_HZ
    rgb = np.repeat(rng.integers(60, 160, (1, SIZE, SIZE, 3), dtype=np.uint8), len(times), axis=0)
    if failed:
        rgb[(times >= moment - 2.5) & (times < moment), :, :, 0] = 250
        rgb[times >= moment] = 0
    depth = np.full((len(times), SIZE, SIZE), 0.3, np.float16)
    return {"clip_times": times, "clip_rgb": rgb, "clip_depth": depth}


def write_clips(root: Path, bins: int = 10, per_bin: int = 6, failures_per_bin: int = 3, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    for b in range(bins):
        with RunStore(root / f"bin_{b:05d}") as store:
            for i in range(per_bin):
                failed = i < failures_per_bin
                moment = float(rng.uniform(4.0, 7.5)) if failed else None
                record = {"outcome": "fail_not_picked" if failed else "success", "clip_rate_hz": RATE_HZ,
                          "failure_time": moment, "failure_kind": "slipped" if failed else None}
                store.write(Attempt(float(i), float(i) + 1, record, synthetic_clip(rng, failed, moment or 0.0)))
    return root


def test_clips_load_with_their_failure_moment(tmp_path):
    clips = load_clips(sorted((write_clips(tmp_path / "clips", bins=2)).iterdir()))
    assert len(clips) == 12 and sum(c.failed for c in clips) == 6
    assert all(c.moment == c.end for c in clips if not c.failed)
    assert all(4.0 <= c.moment <= 7.5 for c in clips if c.failed)
    split = split_bins(load_clips(sorted(write_clips(tmp_path / "ten").iterdir())))
    assert (len(split.train), len(split.validation), len(split.test)) == (42, 6, 12)   # 7 / 1 / 2 bins


@pytest.mark.slow
def test_teacher_detects_and_student_foresees_a_visible_failure(tmp_path):
    clips = load_clips(sorted(write_clips(tmp_path / "clips", bins=10, per_bin=8, failures_per_bin=4).iterdir()))
    split = split_bins(clips)
    config = anticipation_config("tiny", modalities=("rgb",), frame_period_s=1.0)
    teacher, metrics = train_teacher(clips, split, config, epochs=12, batch_size=8, lr=3e-3, seed=0)
    assert metrics["test"]["f1"] >= 0.9
    student, metrics = train_student(clips, split, teacher, blanks=1, epochs=12, batch_size=8, lr=3e-3, seed=0)
    assert metrics["test"]["f1"] >= 0.9 and metrics["ahead_s"] == 1.0
    assert set(metrics["loss_weights"]) == {"mmd", "ce"}
    calibrated = calibrate_monitor(student, clips, split)                # watching whole clips live
    monitor = {**calibrated["test"], "consecutive": calibrated["consecutive"]}
    assert monitor["recall"] >= 0.9 and monitor["false_alarms"] <= 1 and monitor["lead_s"] >= 0.5
    assert (student.config.alarm_threshold, student.config.alarm_consecutive) == (monitor["threshold"],
                                                                                monitor["consecutive"])


def test_train_anticipation_saves_teacher_and_students_with_cards(tmp_path, capsys):
    data = write_clips(tmp_path / "clips")
    out = tmp_path / "models"
    code = main(["train", "anticipation", "--data", str(data), "--out", str(out), "--preset", "tiny",
                 "--epochs", "1", "--batch", "4", "--ahead", "1", "2"])
    assert code == 0
    for name in ("teacher", "student_1s", "student_2s"):
        assert (out / name / "model.safetensors").is_file() and (out / name / "README.md").is_file()
    card = json.loads((out / "student_2s" / "training.json").read_text())
    assert card["metrics"]["ahead_s"] == 2.0 and card["data"]["clips"] == 60
    config = json.loads((out / "student_2s" / "config.json").read_text())
    monitor = card["metrics"]["monitor"]
    assert config["blank_frames"] == 2 and config["alarm_threshold"] == monitor["threshold"]
    assert config["alarm_consecutive"] == monitor["consecutive"]
    assert card["metrics"]["monitor"]["test"]["clips"] == 12                    # two test bins, replayed
    out = capsys.readouterr().out
    assert "anticipation:" in out and "student_2s test F1" in out and "as a monitor" in out


@pytest.mark.parametrize("args, message", [
    (["--modalities", "rgb,audio"], "--modalities takes rgb, depth and flow, not audio"),
    (["--ahead", "9"], "--ahead must be 1 to 7 frame periods"),
    (["--batch", "1"], "--batch at least 2"),
])
def test_bad_training_options_are_one_line_errors(tmp_path, capsys, args, message):
    data = write_clips(tmp_path / "clips", bins=2)
    code = main(["train", "anticipation", "--data", str(data), "--out", str(tmp_path / "m"), "--preset", "tiny",
                 *args])
    err = capsys.readouterr().err
    assert code != 0 and message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_clips_without_failures_are_refused(tmp_path, capsys):
    data = write_clips(tmp_path / "clips", bins=2, failures_per_bin=0)
    code = main(["train", "anticipation", "--data", str(data), "--out", str(tmp_path / "m"), "--preset", "tiny"])
    err = capsys.readouterr().err
    assert code != 0 and "12 clips with 0 failure(s)" in err and "Traceback" not in err


def test_students_of_a_saved_teacher(tmp_path):
    data = write_clips(tmp_path / "clips")
    first = tmp_path / "first"
    assert main(["train", "anticipation", "--data", str(data), "--out", str(first), "--preset", "tiny",
                 "--epochs", "1", "--batch", "4", "--ahead", "1"]) == 0
    more = tmp_path / "more"
    assert main(["train", "anticipation", "--data", str(data), "--out", str(more), "--teacher", str(first / "teacher"),
                 "--epochs", "1", "--batch", "4", "--ahead", "2"]) == 0
    assert (more / "student_2s" / "model.safetensors").is_file() and not (more / "teacher").exists()
    card = json.loads((more / "student_2s" / "training.json").read_text())
    assert card["data"]["teacher"] == str(first / "teacher")
