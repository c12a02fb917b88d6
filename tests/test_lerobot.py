"""`export lerobot`, checked by LeRobot 0.6.1 itself: its loader, a DataLoader with
delta_timestamps, and one `lerobot-train` step. LeRobot needs Python >= 3.12 and its own torch,
so it lives in a venv of its own, named by IVFP_BT_LEROBOT_PYTHON (.ci/run makes it)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from ivfp_bt.cli.main import main
from tests.conftest import REPO

PYTHON = os.environ.get("IVFP_BT_LEROBOT_PYTHON", "")
OFFLINE = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


@pytest.fixture(scope="module")
def lerobot_python() -> Path:
    if not PYTHON or not Path(PYTHON).is_file():
        if os.environ.get("IVFP_BT_REQUIRE_LEROBOT"):
            pytest.fail(f"LeRobot is required here, but IVFP_BT_LEROBOT_PYTHON={PYTHON!r} is no interpreter")
        pytest.skip("no LeRobot venv (set IVFP_BT_LEROBOT_PYTHON to its python)")
    return Path(PYTHON)


@pytest.fixture(scope="module")
def dataset(demos_run, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("lerobot") / "ds"
    assert main(["export", "lerobot", str(demos_run), str(out)]) == 0
    return out


def test_lerobots_loader_reads_the_export(lerobot_python, dataset):
    info = json.loads((dataset / "meta/info.json").read_text())
    checked = subprocess.run([str(lerobot_python), str(REPO / "tests/lerobot/check_dataset.py"), str(dataset)],
                             capture_output=True, text=True, env=OFFLINE, timeout=600)
    assert checked.returncode == 0, checked.stderr[-3000:]
    report = json.loads(checked.stdout.strip().splitlines()[-1])
    assert report["task"] == "pick the target item from the bin"
    assert report["seen"] == report["frames"] == info["total_frames"] and report["fps"] == 8
    assert report["state"][1:] == [2, 5] and report["state_pad"][1:] == [2]
    assert report["action"][1:] == [3, 6] and report["action_dtype"] == "torch.float32"
    assert report["wrist"][1:] == [2, 3, 224, 224] and report["wrist_mean_shape"] == [3, 1, 1]
    assert {"observation.images.wrist", "observation.images.head", "observation.state", "action"} <= set(
        report["stats_keys"])


def test_one_lerobot_train_step_runs_on_the_export(lerobot_python, dataset, tmp_path):
    train = lerobot_python.parent / "lerobot-train"
    # a small ACT, its ResNet initialised here (no download), one step on the CPU
    command = [str(train), "--dataset.repo_id=local/ivfp-bt", f"--dataset.root={dataset}",
               "--dataset.video_backend=pyav", "--policy.type=act", "--policy.device=cpu",
               "--policy.push_to_hub=false", "--policy.pretrained_backbone_weights=null", "--policy.chunk_size=4",
               "--policy.n_action_steps=4", "--policy.dim_model=64", "--policy.n_heads=2",
               "--policy.dim_feedforward=128", "--policy.n_encoder_layers=1", "--policy.n_decoder_layers=1",
               "--steps=1", "--batch_size=2", "--num_workers=0", "--save_checkpoint=false", "--log_freq=1",
               "--wandb.enable=false", f"--output_dir={tmp_path / 'train'}"]
    trained = subprocess.run(command, capture_output=True, text=True, env=OFFLINE, timeout=900)
    output = trained.stdout + trained.stderr
    assert trained.returncode == 0, output[-3000:]
    assert "step:1 " in output and "End of training" in output
