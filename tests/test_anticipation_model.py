"""The failure-anticipation networks: MMD, the student's masked inputs, learnable loss weights,
the ViViT-per-modality model with late fusion, and its checkpoints."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ivfp_bt.errors import UserError
from ivfp_bt.models.anticipation import AnticipationConfig, FailureAnticipator, anticipation_config, failure_probability
from ivfp_bt.models.checkpoints import load_anticipator, save
from ivfp_bt.models.clip_window import batch, clip_window, window_indices, window_inputs
from ivfp_bt.models.distillation import LearnableWeights, mmd
from ivfp_bt.models.optical_flow import sequence_flow


def test_mmd_is_zero_for_identical_batches_and_grows_with_the_shift():
    torch.manual_seed(0)
    x = torch.randn(32, 16)
    assert abs(float(mmd(x, x.clone()))) < 1e-6
    near, far = mmd(x, torch.randn(32, 16) + 0.5), mmd(x, torch.randn(32, 16) + 3.0)
    assert 0 < float(near) < float(far)


def test_mmd_carries_gradients_to_the_student_features():
    torch.manual_seed(0)
    teacher, student = torch.randn(16, 8), (torch.randn(16, 8) + 2.0).requires_grad_()
    optimiser = torch.optim.SGD([student], lr=5.0)
    before = float(mmd(teacher, student).detach())
    for _ in range(30):
        loss = mmd(teacher, student)
        optimiser.zero_grad()
        loss.backward()
        assert student.grad is not None and student.grad.abs().sum() > 0
        optimiser.step()
    assert float(mmd(teacher, student).detach()) < before / 2


def test_learnable_weights_get_gradients_and_favour_the_smaller_loss():
    weights = LearnableWeights(("mmd", "ce"))
    optimiser = torch.optim.SGD(weights.parameters(), lr=0.1)
    for _ in range(200):
        total = weights({"mmd": torch.tensor(4.0), "ce": torch.tensor(0.25)})
        optimiser.zero_grad()
        total.backward()
        assert weights.log_variance.grad is not None
        optimiser.step()
    w = weights.weights()
    assert w["ce"] > 1.0 > w["mmd"] > 0      # exp(-s) tends to 1 / loss: 4 for ce, 0.25 for mmd
    assert w["ce"] == pytest.approx(4.0, rel=0.1) and w["mmd"] == pytest.approx(0.25, rel=0.1)


def test_equal_losses_keep_equal_weights():
    weights = LearnableWeights(("mmd", "ce"))
    optimiser = torch.optim.SGD(weights.parameters(), lr=0.1)
    for _ in range(50):
        total = weights({"mmd": torch.tensor(1.0), "ce": torch.tensor(1.0)})
        optimiser.zero_grad()
        total.backward()
        optimiser.step()
    w = weights.weights()
    assert w["mmd"] == pytest.approx(w["ce"])


def _clip(frames: int = 12, size: int = 32, rate_hz: float = 4.0):
    rng = np.random.default_rng(0)
    times = np.arange(frames) / rate_hz
    rgb = rng.integers(0, 255, (frames, size, size, 3), dtype=np.uint8)
    depth = rng.uniform(0.1, 0.6, (frames, size, size)).astype(np.float16)
    return times, rgb, depth


def test_window_slots_take_the_newest_frame_and_pad_with_the_first():
    times = np.arange(12) * 0.25                  # 4 Hz for 2.75 s
    assert window_indices(times, end=2.75, frames=4, period=1.0).tolist() == [0, 3, 7, 11]
    assert window_indices(times, end=2.6, frames=4, period=1.0).tolist() == [0, 2, 6, 10]
    assert window_indices(times, end=1.0, frames=4, period=1.0).tolist() == [0, 0, 0, 4]


@pytest.mark.parametrize("blanks", [1, 2])
def test_the_student_sees_blank_slots_where_the_future_is(blanks):
    times, rgb, depth = _clip()
    seen = clip_window(times, rgb, depth, 2.75, 8, 0.25, ("rgb", "depth", "flow"), 32, 0)
    shown = clip_window(times, rgb, depth, 2.75, 8, 0.25, ("rgb", "depth", "flow"), 32, blanks)
    for modality in ("rgb", "depth", "flow"):
        assert shown[modality].shape == seen[modality].shape
        assert torch.count_nonzero(shown[modality][-blanks:]) == 0
        assert torch.equal(shown[modality][:-blanks], seen[modality][:-blanks])
        assert torch.count_nonzero(seen[modality][-blanks:]) > 0      # the control: the teacher sees them


def test_flow_is_zero_for_a_repeated_frame_and_follows_a_shift():
    base = np.zeros((64, 64, 3), np.uint8)
    base[20:40, 20:40] = 255
    moved = np.roll(base, 3, axis=1)
    flow = sequence_flow([base, base, moved])
    assert np.abs(flow[0]).max() == 0 and np.abs(flow[1]).max() == 0
    assert flow[2, 0, 25:35, 22:38].mean() > 0.1                    # x displacement to the right


def test_depth_is_required_where_the_model_uses_it():
    times, rgb, _ = _clip()
    with pytest.raises(ValueError, match="needs depth"):
        window_inputs(list(rgb[:8]), None, ("rgb", "depth"), 32)


def test_one_encoder_per_modality_fused_late():
    config = anticipation_config("tiny", modalities=("flow", "rgb"))
    assert config.modalities == ["rgb", "flow"]                       # one canonical order
    model = FailureAnticipator(config).eval()
    assert set(model.encoders) == {"rgb", "flow"}
    times, rgb, depth = _clip()
    inputs = batch([clip_window(times, rgb, depth, 2.75, 8, 0.25, ("rgb", "flow"), 32, 0)] * 3)
    logits, features = model(inputs)
    assert logits.shape == (3, 2) and set(features) == {"rgb", "flow"}
    assert features["rgb"].shape == (3, config.hidden_size)
    p = failure_probability(logits)
    assert torch.all((p > 0) & (p < 1))
    with pytest.raises(ValueError, match="lack"):
        model({"rgb": inputs["rgb"]})
    with pytest.raises(ValueError, match="modalities"):
        AnticipationConfig(modalities=("audio",))


def test_student_horizon_is_blank_slots_times_period():
    assert anticipation_config("small", blank_frames=1).ahead_s == 1.0
    assert anticipation_config("small", blank_frames=2).ahead_s == 2.0
    assert anticipation_config("paper").tubelet_size == [4, 32, 32]


def test_checkpoint_round_trip_and_a_missing_one(tmp_path):
    model = FailureAnticipator(anticipation_config("tiny", blank_frames=1, role="student")).eval()
    save(model, tmp_path / "student")
    loaded = load_anticipator(tmp_path / "student")
    assert loaded.config.blank_frames == 1 and loaded.config.role == "student"
    times, rgb, depth = _clip()
    inputs = batch([clip_window(times, rgb, depth, 2.75, 8, 0.25, tuple(model.config.modalities), 32, 1)])
    with torch.inference_mode():
        assert torch.allclose(model(inputs)[0], loaded(inputs)[0])
    with pytest.raises(UserError, match="no failure-anticipation model here"):
        load_anticipator(tmp_path / "nothing")
