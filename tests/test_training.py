"""Training: collection, imitation, the classifier, REINFORCE iterations, resuming, and the
whole pipeline end to end on a few simulated picks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from ivfp_bt.cli.main import main
from ivfp_bt.errors import UserError
from ivfp_bt.models.checkpoints import save
from ivfp_bt.models.ivfp_classifier import build_classifier, classifier_config
from ivfp_bt.training.optimise import split_by_run
from ivfp_bt.training.optimiser_state import load_optimiser, save_optimiser
from ivfp_bt.training.probe_classifier import balanced
from ivfp_bt.training.reinforce import rl_reward


def test_optimiser_state_round_trips_without_pickles(tmp_path):
    model = torch.nn.Linear(3, 2)
    optimiser = torch.optim.Adam(model.parameters(), lr=0.1)
    for _ in range(3):
        optimiser.zero_grad()
        model(torch.ones(1, 3)).sum().backward()
        optimiser.step()
    save_optimiser(optimiser, tmp_path)
    fresh = torch.optim.Adam(model.parameters(), lr=0.1)
    assert load_optimiser(fresh, tmp_path)
    for before, after in zip(optimiser.state_dict()["state"].values(), fresh.state_dict()["state"].values()):
        assert torch.equal(before["exp_avg_sq"], after["exp_avg_sq"]) and float(before["step"]) == float(after["step"]) == 3
    assert not load_optimiser(fresh, tmp_path / "none")


def test_held_out_split_keeps_bins_whole():
    runs = [f"bin_{i // 3}" for i in range(60)]          # 20 bins of 3 attempts
    train, held = split_by_run(runs)
    assert len(held) == 6 and not {runs[i] for i in train} & {runs[i] for i in held}


def test_classifier_epochs_balance_the_classes():
    targets = torch.tensor([0] * 30 + [1] * 10)
    epoch = balanced(np.arange(40), targets)(np.random.default_rng(0))
    assert len(epoch) == 20 and int((targets[epoch] == 0).sum()) == 10 and len(set(epoch.tolist())) == 20


def test_rl_reward_comes_from_the_robot_not_the_oracle():
    assert rl_reward({"reward": 1.0, "outcome": "fail_not_picked"}) == 1.0     # the classifier's word stands
    assert rl_reward({"failure": "ExecuteGrasp: grasp: reach: arm timed out"}) == -1.0
    assert rl_reward({"failure": "ProposeGrasps: the target is not visible"}) is None


def test_the_oracle_ablation_rewards_what_the_grasp_really_did():
    from ivfp_bt.errors import UserError
    from ivfp_bt.training.reinforce import oracle_reward
    assert oracle_reward({"reward": 1.0, "outcome": "fail_not_picked"}) == -1.0
    assert oracle_reward({"reward": -1.0, "foreseen_outcome": "success"}) == 1.0     # refused, but it would have held
    assert oracle_reward({"failure": "ExecuteGrasp: grasp: reach: arm timed out"}) == -1.0
    with pytest.raises(UserError, match="simulator's outcome"):
        oracle_reward({"reward": 1.0})                                             # a robot's log has no truth


def _tiny_bandit(rewards: list[float]):
    """A tiny policy and eight logged grasps with these rewards."""
    from ivfp_bt.models.grasp_policy import GraspPolicy, GraspPolicyConfig
    from ivfp_bt.training.imitation import GraspExamples
    torch.manual_seed(0)
    policy = GraspPolicy(GraspPolicyConfig(image_size=32, patch_size=8, hidden_size=32, num_hidden_layers=2,
                                           num_attention_heads=2, intermediate_size=64, pyramid_layers=(1, 2),
                                           pyramid_channels=8))
    n = len(rewards)
    masks = torch.ones(n, 32, 32, dtype=torch.bool)
    examples = GraspExamples(torch.randn(n, 4, 32, 32).half(), masks, torch.arange(n) % 3,
                             torch.full((n, 2), 16.0), ["run"] * n, torch.tensor(rewards), torch.full((n,), 1e-3))
    return policy, examples


def test_rl_with_tune_heads_leaves_the_backbone_as_imitation_made_it():
    from ivfp_bt.training.reinforce import RLSettings, trainable, update
    policy, examples = _tiny_bandit([1.0, -1.0] * 4)
    before = {name: p.detach().clone() for name, p in policy.named_parameters()}
    settings = RLSettings(lr=1e-3, tune="heads", minibatch=4)
    optimiser = torch.optim.Adam(trainable(policy, settings.tune), lr=settings.lr)
    update(policy, optimiser, examples, settings, np.random.default_rng(0))
    moved = {name for name, p in policy.named_parameters() if not torch.equal(p, before[name])}
    assert moved and all(not name.startswith("backbone.") for name in moved)
    assert any(name.startswith("grasp_head.") for name in moved)


def test_the_kl_penalty_pulls_rl_back_towards_the_start_policy():
    import copy
    from ivfp_bt.models.grasp_policy import log_policy
    from ivfp_bt.models.losses import policy_kl
    from ivfp_bt.training.imitation import batch
    from ivfp_bt.training.reinforce import RLSettings, trainable, update
    policy, examples = _tiny_bandit([1.0] * 8)      # every reward equals the baseline: REINFORCE alone moves nothing
    reference = copy.deepcopy(policy).eval()
    with torch.no_grad():                           # a policy that has drifted from where RL started
        for p in policy.grasp_head.parameters():
            p.add_(0.3 * torch.randn_like(p))

    def drift() -> float:
        x, m, w, _ = batch(examples, np.arange(len(examples)))
        with torch.no_grad():
            mine = log_policy(*policy(x, w)[:2], m, 0.3)
            start = log_policy(*reference(x, w)[:2], m, 0.3)
        return float((policy_kl(mine[0], start[0]) + policy_kl(mine[1], start[1])).mean())

    before = drift()
    still = RLSettings(lr=1e-3, minibatch=4)
    update(policy, torch.optim.Adam(trainable(policy, "heads"), lr=1e-3), examples, still, np.random.default_rng(0),
           reference)
    assert drift() == pytest.approx(before)         # β = 0: no penalty, nothing to learn from
    penalised = RLSettings(lr=1e-3, minibatch=4, kl=1.0)
    optimiser = torch.optim.Adam(trainable(policy, "heads"), lr=1e-3)
    for step in range(5):
        update(policy, optimiser, examples, penalised, np.random.default_rng(step), reference)
    assert drift() < 0.7 * before


def test_rl_over_a_shortlist_reorders_its_grasps_by_reward():
    # each observation's shortlist holds grasp A (width 0, pixel 8, 8) and B (width 1, pixel 24, 24);
    # B, whichever was drawn, was rewarded and A was not: B must come to rank above A
    from ivfp_bt.training.reinforce import RLSettings, shortlist_log_prob, trainable, update
    policy, examples = _tiny_bandit([1.0, -1.0] * 4)
    a, b = [0, 8, 8], [1, 24, 24]
    examples.shortlists = torch.tensor([[b, a] if i % 2 == 0 else [a, b] for i in range(8)])
    examples.probabilities = torch.full((8,), 0.5)

    def b_over_a() -> float:
        with torch.no_grad():
            q_width, grids = policy.encode(examples.inputs[::2].float())
            first_b = shortlist_log_prob(policy, q_width, grids, examples.masks[::2], examples.shortlists[::2], 1.0)
        return float(first_b.exp().mean())        # B's chance among the two

    before = b_over_a()
    settings = RLSettings(lr=1e-3, minibatch=4, temperature=1.0)
    optimiser = torch.optim.Adam(trainable(policy, "all"), lr=settings.lr)
    for epoch in range(5):
        update(policy, optimiser, examples, settings, np.random.default_rng(epoch))
    assert b_over_a() > before + 0.2


def test_logged_shortlists_are_read_back_with_the_drawn_grasp_first(tmp_path):
    from ivfp_bt.models.grasp_policy import GraspPolicyConfig
    from ivfp_bt.sidecar.store import Attempt, RunStore
    from ivfp_bt.training.imitation import grasp_examples
    from ivfp_bt.training.reinforce import rl_reward
    arrays = {"rgb": np.zeros((424, 240, 3), np.uint8), "mask": np.zeros((424, 240), bool)}
    arrays["mask"][150:270, 60:180] = True
    grasps = [{"width": 0.05, "u": 100, "v": 200, "probability": 0.6}, {"width": 0.06, "u": 140, "v": 180},
              {"width": 0.05, "u": 70, "v": 160}]
    config = GraspPolicyConfig()

    def log(run: str, shortlists: list[int]) -> Path:
        with RunStore(tmp_path / run) as store:
            for length in shortlists:
                record = {"grasp": grasps[0], "candidates": grasps[:length], "reward": 1.0}
                store.write(Attempt(0.0, 1.0, {**record, "shortlist": length} if length else record, arrays))
        return tmp_path / run

    examples = grasp_examples([log("drawn", [3, 2])], config, rl_reward)
    assert examples.shortlists.shape == (2, 3, 3)
    assert examples.shortlists[:, 0, 0].tolist() == examples.width_index.tolist() == [3, 3]
    assert examples.shortlists[:, 0, 1:].float().tolist() == examples.pixels.tolist()
    assert examples.shortlists[1, 2].tolist() == [-1, -1, -1] and examples.shortlists[0, 1, 0] == 4
    assert grasp_examples([log("sampled", [0])], config, rl_reward).shortlists is None
    with pytest.raises(UserError, match="mix"):
        grasp_examples([tmp_path / "drawn", tmp_path / "sampled"], config, rl_reward)


def test_unlabelled_probes_are_scored_against_the_truth(tmp_path):
    """RL's grasps carry no label; a classifier is scored on them against the simulator's truth."""
    from ivfp_bt.sidecar.store import Attempt, RunStore
    from ivfp_bt.training.probe_classifier import video_examples
    probe = {"probe_video": np.zeros((8, 40, 40, 3), np.uint8), "probe_times": np.arange(8) / 4.0}
    labelled_wrong = {"label": "success", "outcome": "fail_not_picked", "probe_duration": 2.0}
    rl_refused = {"reward": -1.0, "foreseen_outcome": "success", "probe_duration": 2.0}
    rl_no_truth = {"reward": 1.0, "probe_duration": 2.0}
    with RunStore(tmp_path / "bin_00000") as store:
        for record in (labelled_wrong, rl_refused, rl_no_truth):
            store.write(Attempt(0.0, 1.0, record, probe))
    config = classifier_config(frames=4, image_size=32, hidden_size=32, layers=1, heads=2)
    labelled = video_examples([tmp_path / "bin_00000"], config)
    assert labelled.targets.tolist() == [0] and labelled.truth.tolist() == [False]   # trained on the label
    truth = video_examples([tmp_path / "bin_00000"], config, labelled=False)
    assert truth.targets.tolist() == [1, 0] and truth.truth.tolist() == [False, True]


def test_rl_monitoring_counts_a_refused_grasp_as_what_it_would_have_been(tmp_path):
    from ivfp_bt.sidecar.store import Attempt, RunStore
    from ivfp_bt.training.reinforce import _iteration_stats
    refused_success = {"reward": -1.0, "reward_source": "ivfp", "foreseen_outcome": "success"}
    passed_success = {"reward": 1.0, "reward_source": "ivfp", "foreseen_outcome": "success", "outcome": "success"}
    passed_failure = {"reward": 1.0, "reward_source": "ivfp", "foreseen_outcome": "fail_not_picked",
                      "outcome": "fail_not_picked"}
    unreachable = {"failure": "ExecuteGrasp: grasp: reach: arm timed out"}
    with RunStore(tmp_path / "bin_00000") as store:
        for record in (refused_success, passed_success, passed_failure, unreachable):
            store.write(Attempt(0.0, 1.0, record))
    stats = _iteration_stats([tmp_path / "bin_00000"])
    assert stats["true_success"] == 0.5                  # two of four grasps would have held
    assert stats["reward_right"] == pytest.approx(1 / 3)  # the classifier was right on one of its three
    assert stats["mean_reward"] == pytest.approx(0.0)     # -1, +1, +1 and the arm's own -1


def test_collection_resumes_by_bin_and_keeps_what_was_logged(tmp_path, monkeypatch):
    from ivfp_bt.sidecar.store import Attempt, RunStore
    from ivfp_bt.training import collect as collection
    specs = collection.bin_specs("tree.yaml", tmp_path, 5, 2, 0, "seen", {}, None)
    assert [s.picks for s in specs] == [2, 2, 1] and specs[2].record_dir.endswith("bin_00002")
    for spec, logged in zip(specs, (2, 1)):                  # bin 0 complete, bin 1 interrupted
        with RunStore(spec.record_dir) as store:
            for _ in range(logged):
                store.write(Attempt(0.0, 1.0, {"label": "success"}))
    (tmp_path / "bin_00000" / collection.DONE_MARK).write_text("done\n")
    ran = []
    monkeypatch.setattr(collection, "run_trials", lambda todo, workers, done, pool=None: ran.extend(todo))
    heard = []
    collection.collect(specs, 1, lambda result, spec: heard.append(spec.seed))
    assert [s.seed for s in ran] == [1, 2] and heard == [0]
    assert not (tmp_path / "bin_00001").exists()
    (aside,) = (tmp_path / "interrupted").iterdir()
    with RunStore(aside) as store:
        assert len(store.ids()) == 1                          # moved aside, not deleted


def test_train_commands_give_one_line_errors(tmp_path, capsys):
    assert main(["train", "policy", "--data", str(tmp_path / "none")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {tmp_path / 'none'}: no run directories here") and len(err.splitlines()) == 1
    assert main(["train", "policy", "--init", str(tmp_path / "none"), "--out", str(tmp_path / "p")]) == 1
    assert "no such directory, and not a Hugging Face hub id" in capsys.readouterr().err
    assert main(["train", "classifier", "--init", str(tmp_path / "none"), "--out", str(tmp_path / "c")]) == 1
    assert capsys.readouterr().err == (f"error: --init {tmp_path / 'none'}: no such directory, and not a Hugging "
                                       "Face hub id (organisation/name)\n")
    save(build_classifier(classifier_config(frames=4, image_size=32, hidden_size=32, layers=1, heads=2)),
         tmp_path / "binary")
    assert main(["train", "classifier", "--init", str(tmp_path / "binary"), "--four-way",
                 "--out", str(tmp_path / "c")]) == 1
    assert capsys.readouterr().err == (f"error: {tmp_path / 'binary'}: asked for a four-way classifier, but this one "
                                       "has the SUCCESS/FAIL head\n")
    assert main(["train", "rl", "--classifier", str(tmp_path / "none"), "--out", str(tmp_path / "rl")]) == 1
    assert "no IVFP classifier here" in capsys.readouterr().err
    assert main(["train", "rl", "--temperature", "0", "--out", str(tmp_path / "rl")]) == 1
    assert capsys.readouterr().err == "error: --temperature must be between 0.05 and 10\n"
    assert main(["train", "rl", "--shortlist", "1", "--out", str(tmp_path / "rl")]) == 1
    assert capsys.readouterr().err == "error: --shortlist must be 0 (off) or between 2 and 20\n"
    assert main(["train", "rl", "--scene", "bin-v9", "--out", str(tmp_path / "rl")]) == 1
    assert capsys.readouterr().err.startswith("error: unknown scene configuration 'bin-v9' (known: bin-v1, bin-v2")


def test_train_rl_collects_on_the_scene_asked_for(tmp_path, monkeypatch):
    from ivfp_bt.sim.scene_config import DEFAULT_SCENE
    from ivfp_bt.training import pipeline
    asked = []
    monkeypatch.setattr(pipeline, "make_rl", lambda policy, classifier, out, settings, *rest: asked.append(settings) or {})
    for extra, scene in (([], DEFAULT_SCENE), (["--scene", "bin-v1"], "bin-v1")):
        assert main(["train", "rl", "--out", str(tmp_path / "rl"), *extra]) == 0
        assert asked[-1].scene == scene


@pytest.mark.slow
def test_collect_train_run_end_to_end(tmp_path, capsys):
    """The whole pipeline on the tiny preset: demos collected in the simulation, both models
    trained and saved with cards, a learned pick run, one RL iteration, and a rerun that
    resumes instead of repeating."""
    out = tmp_path / "all"
    assert main(["train", "all", "--preset", "tiny", "--out", str(out), "--workers", "1"]) == 0
    for model in ("grasp_policy", "ivfp_classifier", "rl/iter_001"):
        assert (out / model / "model.safetensors").is_file()
    card = json.loads((out / "grasp_policy" / "training.json").read_text())
    assert card["command"].startswith("ivfp-bt ") and card["data"]["successful demonstrations"] > 0
    assert card["versions"]["packages"]["mujoco"] == "3.17.0"       # what the model came from
    assert {"held_out", "unseen"} <= set(json.loads((out / "ivfp_classifier" / "training.json").read_text())["metrics"])
    assert json.loads((out / "rl" / "state.json").read_text()) == {"iteration": 1}
    attempts = sorted((out / "rl" / "data").rglob("attempt_*.npz"))
    assert attempts
    # fine-tuning starts from the given policy: at a vanishing learning rate it stays that policy
    tuned = tmp_path / "tuned"
    assert main(["train", "policy", "--data", str(out / "demos_seen"), "--init", str(out / "grasp_policy"),
                 "--out", str(tuned), "--epochs", "1", "--lr", "1e-12"]) == 0
    from ivfp_bt.models.checkpoints import load_policy
    before, after = load_policy(out / "grasp_policy").state_dict(), load_policy(tuned).state_dict()
    assert all(torch.allclose(before[k].float(), after[k].float(), atol=1e-3) for k in before)
    started_from = json.loads((tuned / "training.json").read_text())["data"]["started from"]
    assert started_from == f"{out / 'grasp_policy'} (made by `{card['command']}`)"
    tuned = tmp_path / "tuned_classifier"         # and so does the classifier's
    assert main(["train", "classifier", "--data", str(out / "demos_seen"), "--init", str(out / "ivfp_classifier"),
                 "--out", str(tuned), "--epochs", "1", "--lr", "1e-12"]) == 0
    from ivfp_bt.models.checkpoints import load_classifier
    before, after = load_classifier(out / "ivfp_classifier").state_dict(), load_classifier(tuned).state_dict()
    assert all(torch.allclose(before[k].float(), after[k].float(), atol=1e-3) for k in before)
    assert json.loads((tuned / "training.json").read_text())["data"]["started from"].startswith(
        f"{out / 'ivfp_classifier'} (made by `ivfp-bt ")
    assert main(["train", "all", "--preset", "tiny", "--out", str(out), "--workers", "1"]) == 0
    assert sorted((out / "rl" / "data").rglob("attempt_*.npz")) == attempts     # resumed: nothing collected again
    assert main(["run", "trees/pick_il.yaml", "--set", f"policy={out / 'rl' / 'iter_001'}", "--picks", "1",
                 "--tick-hz", "0"]) == 0
    assert "1 pick(s)" in capsys.readouterr().out
