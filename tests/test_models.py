"""The grasp policy, the IVFP classifier and their objectives, on small configurations."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from ivfp_bt.errors import UserError  # noqa: E402
from ivfp_bt.models.checkpoints import load_classifier, load_policy, save  # noqa: E402
from ivfp_bt.models.grasp_policy import GraspPolicy, GraspPolicyConfig, log_policy  # noqa: E402
from ivfp_bt.models.ivfp_classifier import (build_classifier, classifier_config, label_index,  # noqa: E402
                                            success_probability, video_tensor)
from ivfp_bt.models.losses import imitation_loss, importance_weights, policy_kl, reinforce_loss  # noqa: E402
from ivfp_bt.models.policy_io import PolicyGrasp, draw_from_shortlist, letterbox, policy_input, propose  # noqa: E402

SMALL = dict(image_size=64, patch_size=8, hidden_size=32, num_hidden_layers=3, num_attention_heads=2,
             intermediate_size=64, pyramid_layers=(1, 2, 3), pyramid_channels=16)


@pytest.fixture
def policy():
    torch.manual_seed(0)
    return GraspPolicy(GraspPolicyConfig(**SMALL))


def test_policy_gives_width_values_and_a_dense_map_at_image_size(policy):
    q_width, q_grasp, widths = policy(torch.randn(2, 4, 64, 64))
    assert q_width.shape == (2, 11) and q_grasp.shape == (2, 64, 64) and widths.shape == (2,)
    _, other, _ = policy(torch.randn(2, 4, 64, 64), width_index=torch.tensor([0, 10]))
    assert other.shape == (2, 64, 64)


def test_the_pixel_distribution_lives_on_the_target_mask(policy):
    q_width, q_grasp, _ = policy(torch.randn(1, 4, 64, 64))
    mask = torch.zeros(1, 64, 64, dtype=torch.bool)
    mask[0, 20:30, 10:40] = True
    log_width, log_pixel = log_policy(q_width, q_grasp, mask)
    assert torch.isclose(log_width.exp().sum(), torch.tensor(1.0))
    p = log_pixel.exp()
    assert torch.isclose(p.sum(), torch.tensor(1.0)) and p[~mask].sum() == 0


def test_imitation_pulls_the_map_to_the_demonstrated_pixel(policy):
    torch.manual_seed(1)
    x = torch.randn(4, 4, 64, 64)
    width = torch.tensor([2, 5, 7, 2])
    pixels = torch.tensor([[10, 50], [40, 20], [32, 32], [55, 5]])    # (u, v)
    optimiser = torch.optim.Adam(policy.parameters(), lr=3e-3)
    losses = []
    for _ in range(40):
        q_width, q_grasp, _ = policy(x, width_index=width)
        loss, _ = imitation_loss(q_width, q_grasp, width, pixels)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    assert losses[-1] < 0.6 * losses[0]
    q_width, q_grasp, _ = policy(x, width_index=width)
    assert (q_width.argmax(1) == width).all()
    best = q_grasp.flatten(1).argmax(1)
    found = torch.stack([best % 64, best // 64], dim=1)
    assert (found - pixels).abs().max() <= 6      # within the target Gaussian's sigma


def test_reinforce_raises_the_probability_of_rewarded_actions():
    # a contextual bandit with one context and two arms; the logs come from a uniform behaviour policy
    logits = torch.zeros(2, requires_grad=True)
    actions = torch.tensor([0, 1, 0, 1])
    reward = torch.tensor([1.0, -1.0, 1.0, -1.0])
    behaviour = torch.full((4,), 0.5)
    log_prob = torch.log_softmax(logits, 0)[actions]
    reinforce_loss(log_prob, behaviour, reward, baseline=reward.mean()).backward()
    assert logits.grad[0] < 0 < logits.grad[1]         # descending the loss favours arm 0
    # with the rewards swapped, the gradient turns round
    logits.grad = None
    log_prob = torch.log_softmax(logits, 0)[actions]
    reinforce_loss(log_prob, behaviour, -reward, baseline=0.0).backward()
    assert logits.grad[0] > 0 > logits.grad[1]


def test_importance_weights_are_clipped_and_carry_no_gradient():
    log_prob = torch.log(torch.tensor([0.9, 0.5, 0.01])).requires_grad_()
    behaviour = torch.tensor([0.01, 0.5, 0.5])
    w = importance_weights(log_prob, behaviour, clip=10.0)
    assert torch.allclose(w, torch.tensor([10.0, 1.0, 0.02])) and not w.requires_grad


def test_policy_kl_is_the_divergence_over_the_unmasked_pixels_with_a_finite_gradient():
    logits = torch.tensor([[0.0, 1.0, float("-inf")], [2.0, 0.0, float("-inf")]], requires_grad=True)
    reference = torch.log_softmax(torch.tensor([[0.0, 0.0, float("-inf")], [2.0, 0.0, float("-inf")]]), dim=1)
    log_p = torch.log_softmax(logits, dim=1)
    kl = policy_kl(log_p, reference)
    p = log_p[0, :2].exp()
    assert torch.allclose(kl[0], (p * (p / 0.5).log()).sum()) and kl[1].abs() < 1e-6
    kl.sum().backward()
    assert torch.isfinite(logits.grad).all()
    assert logits.grad[0, 1] > 0 > logits.grad[0, 0]      # descending the KL evens out the first row, as the reference


def test_policy_round_trips_through_safetensors(policy, tmp_path):
    save(policy, tmp_path / "policy")
    assert sorted(p.name for p in (tmp_path / "policy").iterdir()) == ["config.json", "model.safetensors"]
    loaded = load_policy(tmp_path / "policy")
    x = torch.randn(1, 4, 64, 64)
    policy.eval()
    with torch.no_grad():
        for a, b in zip(policy(x), loaded(x)):
            assert torch.allclose(a.float(), b.float(), atol=1e-6)
    assert loaded.config.widths == policy.config.widths


def test_halved_checkpoint_is_half_the_size_and_loads_as_float32(policy, tmp_path):
    from ivfp_bt.models.checkpoints import halve
    save(policy, tmp_path / "full")
    (tmp_path / "full" / "README.md").write_text("card")
    halve(tmp_path / "full", tmp_path / "half")
    sizes = [(tmp_path / d / "model.safetensors").stat().st_size for d in ("full", "half")]
    assert sizes[1] < 0.55 * sizes[0] and (tmp_path / "half" / "README.md").read_text() == "card"
    loaded = load_policy(tmp_path / "half")
    assert next(loaded.parameters()).dtype == torch.float32
    x = torch.randn(1, 4, 64, 64)
    policy.eval()
    with torch.no_grad():
        assert torch.allclose(policy(x)[0], loaded(x)[0], atol=1e-2)


def test_missing_or_wrong_checkpoints_are_one_line_errors(policy, tmp_path):
    with pytest.raises(UserError, match="no grasp policy here"):
        load_policy(tmp_path / "nothing")
    save(policy, tmp_path / "policy")
    with pytest.raises(UserError, match="not a IVFP classifier"):
        load_classifier(tmp_path / "policy")
    (tmp_path / "policy" / "model.safetensors").write_bytes(b"not a tensor file")
    with pytest.raises(UserError, match="cannot load"):
        load_policy(tmp_path / "policy")


def test_letterbox_maps_pixels_there_and_back():
    box = letterbox(424, 240, 224)
    for u, v in ((0, 0), (239, 423), (120, 211)):
        uu, vv = box.to_input(u, v)
        assert box.to_image(int(round(uu)), int(round(vv))) == pytest.approx((u, v), abs=1)
    color = np.zeros((424, 240, 3), np.uint8)
    mask = np.zeros((424, 240), bool)
    mask[200:260, 100:150] = True
    x, input_mask, _ = policy_input(color, mask, 224)
    assert x.shape == (4, 224, 224) and 0.2 < input_mask.float().sum() / (mask.sum() * box.scale ** 2) < 1.5


def test_proposals_are_on_the_mask_with_their_probabilities(policy):
    color = np.random.default_rng(0).integers(0, 255, (424, 240, 3), dtype=np.uint8)
    mask = np.zeros((424, 240), bool)
    mask[200:260, 100:150] = True
    policy.eval()
    ranked = propose(policy, color, mask, k=5)
    assert len(ranked) == 5 and all(mask[g.v, g.u] for g in ranked)
    assert [g.log_prob for g in ranked] == sorted((g.log_prob for g in ranked), reverse=True)
    sampled = propose(policy, color, mask, k=8, rng=np.random.default_rng(1))
    assert len(sampled) == 8 and all(0 < g.probability <= 1 and mask[g.v, g.u] for g in sampled)
    assert all(g.width in policy.config.widths for g in sampled)


def test_tempered_sampling_stays_nearer_the_mode_and_logs_what_it_drew_from(policy, monkeypatch):
    size = policy.config.image_size
    rows, cols = torch.meshgrid(torch.arange(size), torch.arange(size), indexing="ij")
    hill = -((rows - size / 2) ** 2 + (cols - size / 2) ** 2).float() / 20    # Q_grasp peaks mid-mask
    monkeypatch.setattr(policy, "grasp_values", lambda grids, width: hill[None])
    color = np.zeros((424, 240, 3), np.uint8)
    mask = np.zeros((424, 240), bool)
    mask[150:270, 60:180] = True
    policy.eval()
    best = propose(policy, color, mask, k=1)[0]

    def draws(temperature: float) -> list:
        return propose(policy, color, mask, k=300, rng=np.random.default_rng(2), temperature=temperature)

    def spread(grasps: list) -> float:
        return float(np.mean([np.hypot(g.u - best.u, g.v - best.v) for g in grasps]))

    broad, sharp = draws(1.0), draws(0.25)
    assert spread(sharp) < 0.6 * spread(broad)
    # each draw carries the probability of the distribution it came from: sharper, so larger
    assert np.median([g.probability for g in sharp]) > 2 * np.median([g.probability for g in broad])
    assert all(mask[g.v, g.u] and 0 < g.probability <= 1 for g in sharp)


def _square_target(policy):
    """A dark head image with a square target; the policy (in eval mode)'s input for it."""
    color = np.zeros((424, 240, 3), np.uint8)
    mask = np.zeros((424, 240), bool)
    mask[150:270, 60:180] = True
    policy.eval()
    return color, mask, policy_input(color, mask, policy.config.image_size)


def test_rl_scores_a_tempered_draw_with_the_probability_it_was_logged_with(policy):
    # off-policy REINFORCE improves the tempered policy it samples from; before any update the
    # importance weight π_θ / π_behaviour of every logged draw must therefore be 1
    color, mask, (x, input_mask, box) = _square_target(policy)
    for temperature in (1.0, 0.3):
        for g in propose(policy, color, mask, k=5, rng=np.random.default_rng(3), temperature=temperature):
            w = policy.config.widths.index(g.width)
            with torch.no_grad():
                q_width, q_grasp, _ = policy(x[None], torch.tensor([w]))
                log_width, log_pixel = log_policy(q_width, q_grasp, input_mask[None], temperature)
            u, v = (round(c) for c in box.to_input(g.u, g.v))
            scored = float(torch.exp(log_width[0, w] + log_pixel[0, v, u]))
            assert scored == pytest.approx(g.probability, rel=1e-4)


def test_a_shortlist_draw_picks_each_grasp_as_often_as_its_tempered_chance():
    ranked = [PolicyGrasp(0.05, u, 10, float(np.exp(lp)), lp) for u, lp in ((1, -1.0), (2, -2.0), (3, -3.0))]
    rng = np.random.default_rng(0)
    draws = [draw_from_shortlist(ranked, rng, temperature=0.5) for _ in range(3000)]
    chance = np.exp([-2.0, -4.0, -6.0]) / np.exp([-2.0, -4.0, -6.0]).sum()
    frequency = np.bincount([d[0].u - 1 for d in draws], minlength=3) / len(draws)
    assert frequency == pytest.approx(chance, abs=0.02)
    for drawn in draws[:20]:                     # the drawn first, then the others in rank order
        assert [g.u for g in drawn[1:]] == [g.u for g in ranked if g.u != drawn[0].u]
        assert drawn[0].probability == pytest.approx(chance[drawn[0].u - 1])
        assert sum(g.probability for g in drawn) == pytest.approx(1.0)


def test_rl_scores_a_shortlist_draw_with_the_chance_it_was_drawn_with(policy):
    # as for tempered draws: before any update the importance weight of a logged draw must be 1
    from ivfp_bt.training.reinforce import shortlist_log_prob
    color, mask, (x, input_mask, box) = _square_target(policy)
    ranked = propose(policy, color, mask, k=4)
    for temperature, seed in ((1.0, 0), (0.3, 1), (0.3, 2)):
        drawn = draw_from_shortlist(ranked, np.random.default_rng(seed), temperature)
        shortlist = torch.tensor([[policy.config.widths.index(g.width), *(round(c) for c in box.to_input(g.u, g.v))]
                                  for g in drawn])
        with torch.no_grad():
            q_width, grids = policy.encode(x[None])
            log_prob = shortlist_log_prob(policy, q_width, grids, input_mask[None], shortlist[None], temperature)
        assert float(log_prob.exp()) == pytest.approx(drawn[0].probability, rel=1e-4)


def test_classifier_reads_a_probe_video_and_learns_a_tiny_batch(tmp_path):
    torch.manual_seed(0)
    config = classifier_config(frames=4, image_size=32, hidden_size=32, layers=2, heads=2)
    model = build_classifier(config)
    video = np.random.default_rng(0).integers(0, 255, (17, 48, 48, 3), dtype=np.uint8)
    x = video_tensor(video, config)
    assert x.shape == (4, 3, 32, 32)
    # frames are spread over the whole probe: first and last included
    assert torch.allclose(video_tensor(video[[0, 5, 11, 16]], config), x)
    bright, dark = torch.full((4, 3, 32, 32), 1.5), torch.full((4, 3, 32, 32), -1.5)
    batch = torch.stack([bright, dark, bright, dark])
    labels = torch.tensor([label_index("success", config), label_index("fail_multipick", config)] * 2)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(30):
        loss = model(pixel_values=batch, labels=labels).loss
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    model.eval()
    p = success_probability(model(pixel_values=batch).logits)
    assert p[0] > 0.8 and p[1] < 0.2
    save(model, tmp_path / "clf")
    again = load_classifier(tmp_path / "clf")
    assert torch.allclose(success_probability(again(pixel_values=batch).logits), p, atol=1e-5)
