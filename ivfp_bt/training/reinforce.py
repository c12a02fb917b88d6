"""Stage 3 of the first paper: the policy improves from its own grasps, rewarded by IVFP.

Each iteration samples ``batch`` grasps from the current policy with collect_rl.yaml (the
classifier's verdict is the reward, ±1; a grasp the arm could not reach is -1, which the robot
knows without anyone's help; no oracle), then updates the policy with off-policy REINFORCE for a
contextual bandit over the last ``replay`` iterations' grasps: each weighted by π_θ / π_behaviour
(clipped), a baseline subtracted. With a sampling temperature T, the policy improved is the one
sampled from, softmax(log π_θ / T), so the importance weights compare like with like and the
updates lean on grasps near π's mode, the ones the trees execute (ranked, not sampled); at T = 1
it is π_θ itself. With a ``shortlist`` of K, each grasp is drawn instead among the policy's K
best-ranked, π_θ^(1/T) renormalised over them, and REINFORCE improves that draw: rewards then
reorder the grasps a ranked pick tries, the first of which is the one it executes. With ``kl``
> 0 the loss adds β · KL(π_θ || π_start) on the replayed observations (both tempered, the
width and the pixel map at the logged width), which keeps the policy near imitation's where
the rewards say little. After every iteration the policy, the optimiser and the iteration
count are saved under OUT, so an interrupted run resumes where it stopped; chosen iterations
are kept as checkpoints (iter_020, iter_050).
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ivfp_bt.errors import UserError
from ivfp_bt.models import device
from ivfp_bt.evaluation.trials import worker_pool
from ivfp_bt.models.checkpoints import load_classifier, load_policy, save
from ivfp_bt.models.grasp_policy import GraspPolicy, log_policy
from ivfp_bt.models.losses import policy_kl, reinforce_loss
from ivfp_bt.sidecar.dataset import find_runs
from ivfp_bt.sidecar.store import RunStore
from ivfp_bt.training.collect import TREES, bin_specs, collect
from ivfp_bt.training.imitation import GraspExamples, batch, grasp_examples
from ivfp_bt.training.optimiser_state import load_optimiser, save_optimiser

COLLECT_TREE = TREES / "collect_rl.yaml"


@dataclass(frozen=True)
class RLSettings:
    iterations: int = 50
    batch: int = 64
    per_bin: int = 8
    replay: int = 4
    minibatch: int = 16
    lr: float = 1e-5             # with tune="all", 3e-5 undid imitation within 20 iterations of 16 grasps
    clip: float = 10.0
    temperature: float = 0.3     # collect_rl samples from, and REINFORCE improves, softmax(log π / temperature)
    seed: int = 5000
    workers: int = 1
    keep: tuple[int, ...] = (20, 50)
    scene: str | None = None     # the work-cell's scene version; None: the current default
    tune: str = "heads"          # the ViT backbone keeps imitation's features, only Q_width and Q_grasp learn; or "all"
    kl: float = 0.0              # β of the penalty KL(π_θ || π_start); 0: none
    reward: str = "ivfp"         # "oracle": the simulator's truth instead (an ablation, never the method)
    shortlist: int = 0           # K > 0: draw among the policy's K best-ranked grasps, and improve that draw


def rl_reward(record: dict) -> float | None:
    """The robot's own reward for a logged grasp: the classifier's, or -1 for an arm that could
    not reach it; None for attempts that never got that far (no target seen)."""
    if record.get("reward") is not None:
        return float(record["reward"])
    return -1.0 if str(record.get("failure", "")).startswith("ExecuteGrasp") else None


def true_outcome(record: dict) -> str | None:
    """What the grasp really did, from the simulator: the extraction's outcome, or for a grasp
    let go after the probe, what extracting it would have done; None on a robot."""
    return record.get("outcome") or record.get("foreseen_outcome")


def oracle_reward(record: dict) -> float | None:
    """The simulator's truth for a probed grasp instead of the classifier's verdict: an ablation
    that shows what RL could gain with a perfect classifier (simulation only)."""
    if record.get("reward") is None:
        return rl_reward(record)
    truth = true_outcome(record)
    if truth is None:
        raise UserError("--reward oracle needs the simulator's outcome of each grasp, and these grasps have none "
                        "(collected on a robot?)")
    return 1.0 if truth == "success" else -1.0


REWARDS = {"ivfp": rl_reward, "oracle": oracle_reward}


def checkpoint(out: Path, iteration: int) -> Path:
    return out / f"iter_{iteration:03d}"


def train_rl(start_policy: Path, classifier: Path, out: Path, settings: RLSettings,
             report: Callable[[str, dict], None] = lambda event, info: None, cluster: Any = None) -> Path:
    """Run (or resume) RL training; returns the last iteration's checkpoint. Collection runs in
    local worker processes, or on ``cluster`` (a RayPool) when given."""
    load_classifier(classifier)          # a missing one is reported now, not by the first worker
    out.mkdir(parents=True, exist_ok=True)
    state = out / "state.json"
    done = json.loads(state.read_text())["iteration"] if state.is_file() else 0
    if done == 0:
        save(load_policy(start_policy), checkpoint(out, 0))
    policy = load_policy(checkpoint(out, done))
    optimiser = torch.optim.Adam(trainable(policy, settings.tune), lr=settings.lr)
    load_optimiser(optimiser, checkpoint(out, done))
    reference = load_policy(checkpoint(out, 0)).eval() if settings.kl > 0 else None
    report("resume", {"iteration": done})
    bins = -(-settings.batch // settings.per_bin)
    with contextlib.nullcontext(cluster) if cluster is not None else worker_pool(settings.workers) as pool:
        for iteration in range(done, settings.iterations):
            _iterate(policy, reference, optimiser, classifier, out, settings, iteration, bins, pool, report)
    return checkpoint(out, settings.iterations)


def trainable(policy: GraspPolicy, tune: str) -> list[torch.nn.Parameter]:
    """The parameters RL updates: all, or (``heads``) the width and grasp heads, the backbone
    frozen; a few hundred grasps move a few heads' weights without unlearning the features."""
    if tune not in ("all", "heads"):
        raise ValueError(f"tune must be 'all' or 'heads', not {tune!r}")
    if tune == "heads":
        policy.backbone.requires_grad_(False)
    return [p for p in policy.parameters() if p.requires_grad]


def _iterate(policy: GraspPolicy, reference: GraspPolicy | None, optimiser: torch.optim.Optimizer,
             classifier: Path, out: Path, settings: RLSettings, iteration: int, bins: int, pool,
             report: Callable[[str, dict], None]) -> None:
    """Collect one batch with the current policy, update it, save everything."""
    current = checkpoint(out, iteration)
    specs = bin_specs(str(COLLECT_TREE), out / "data" / f"iter_{iteration:03d}", settings.batch, settings.per_bin,
                      settings.seed + iteration * bins, "seen",
                      {"policy": str(current.resolve()), "classifier": str(classifier.resolve()),
                       "temperature": str(settings.temperature), "shortlist": str(settings.shortlist)}, settings.scene)
    collect(specs, settings.workers, lambda result, spec: report("bin", {"picks": spec.picks}), pool)
    stats = _iteration_stats([Path(s.record_dir) for s in specs])
    replay = [out / "data" / f"iter_{i:03d}" for i in range(max(0, iteration + 1 - settings.replay), iteration + 1)]
    examples = grasp_examples(find_runs(replay), policy.config, REWARDS[settings.reward])
    stats["loss"] = update(policy, optimiser, examples, settings, np.random.default_rng(settings.seed + iteration),
                           reference)
    save(policy, checkpoint(out, iteration + 1))
    save_optimiser(optimiser, checkpoint(out, iteration + 1))
    (out / "state.json").write_text(json.dumps({"iteration": iteration + 1}))
    if iteration not in settings.keep and iteration > 0:
        shutil.rmtree(current, ignore_errors=True)
    report("iteration", {"iteration": iteration + 1, **stats})


def update(policy: GraspPolicy, optimiser: torch.optim.Optimizer, examples: GraspExamples, settings: RLSettings,
           rng: np.random.Generator, reference: GraspPolicy | None = None) -> float:
    """One pass of off-policy REINFORCE over ``examples``, penalised by settings.kl times the KL
    to ``reference`` when both are given; the mean loss."""
    policy.train()
    baseline = float(examples.rewards.mean())
    losses = []
    order = rng.permutation(len(examples))
    for start in range(0, len(examples), settings.minibatch):
        index = order[start:start + settings.minibatch]
        idx = torch.as_tensor(index)
        on = device.of(policy)
        x, m, w, px = device.to(on, *batch(examples, index))
        probabilities, rewards = device.to(on, examples.probabilities[idx], examples.rewards[idx])
        with device.precision(on):
            q_width, grids = policy.encode(x)
            tempered = None       # log π tempered, over widths and over pixels at the logged width
            if examples.shortlists is None:
                tempered = log_policy(q_width, policy.grasp_values(grids, w), m, settings.temperature)
                rows = torch.arange(len(index), device=on)
                log_prob = tempered[0][rows, w] + tempered[1][rows, px[:, 1].long(), px[:, 0].long()]
            else:
                log_prob = shortlist_log_prob(policy, q_width, grids, m, examples.shortlists[idx].to(on),
                                              settings.temperature)
            loss = reinforce_loss(log_prob.float(), probabilities, rewards, baseline, settings.clip)
            if reference is not None and settings.kl > 0:
                tempered = tempered or log_policy(q_width, policy.grasp_values(grids, w), m, settings.temperature)
                loss = loss + settings.kl * _kl_to(reference.to(on), x, m, w, *tempered, settings.temperature)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(policy.parameters(), 1.0)      # frozen parameters have no grad and are skipped
        optimiser.step()
        losses.append(float(loss.detach()))
    policy.eval()
    return float(np.mean(losses)) if losses else 0.0


def shortlist_log_prob(policy: GraspPolicy, q_width: torch.Tensor, grids: list[torch.Tensor], mask: torch.Tensor,
                       shortlists: torch.Tensor, temperature: float) -> torch.Tensor:
    """log of each drawn grasp's chance among its shortlist (B, K, 3; the drawn one first, -1
    padding): π_θ^(1/temperature) renormalised over the shortlist, as collection drew it."""
    rows = torch.arange(len(shortlists), device=shortlists.device)
    log_width = torch.log_softmax(q_width, dim=1)
    values = []
    for k in range(shortlists.shape[1]):
        w, u, v = shortlists[:, k].clamp(min=0).unbind(dim=1)
        _, log_pixel = log_policy(q_width, policy.grasp_values(grids, w), mask)
        value = log_width[rows, w] + log_pixel[rows, v, u]
        values.append(value.masked_fill(shortlists[:, k, 0] < 0, float("-inf")))
    return torch.log_softmax(torch.stack(values, dim=1) / temperature, dim=1)[:, 0]


def _kl_to(reference: GraspPolicy, x: torch.Tensor, m: torch.Tensor, w: torch.Tensor, log_width: torch.Tensor,
           log_pixel: torch.Tensor, temperature: float) -> torch.Tensor:
    """Mean KL(π_θ || π_reference) of the width and of the pixel map at the logged width."""
    with torch.no_grad():
        q_width, q_grasp, _ = reference(x, w)
        ref_width, ref_pixel = log_policy(q_width, q_grasp, m, temperature)
    return (policy_kl(log_width, ref_width) + policy_kl(log_pixel, ref_pixel)).mean()


def rl_history(out: Path) -> list[dict[str, float]]:
    """Every finished iteration's figures, read back from its logged grasps (so a resumed run's
    history is whole)."""
    state = out / "state.json"
    finished = json.loads(state.read_text())["iteration"] if state.is_file() else 0
    history = []
    for data in sorted((out / "data").glob("iter_*")):
        runs = sorted(p for p in data.glob("bin_*") if (p / "records.sqlite").is_file())
        iteration = int(data.name.split("_")[1]) + 1
        if runs and iteration <= finished:
            history.append({"iteration": iteration, **_iteration_stats(runs)})
    return history


def plot_history(history: list[dict[str, float]], path: Path) -> None:
    """Mean reward, true success and the rewards' accuracy per iteration, with a 5-iteration
    running mean."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4))
    x = [h["iteration"] for h in history]
    for key, label in (("mean_reward", "mean IVFP reward (what the robot saw)"),
                       ("true_success", "true success of sampled grasps (monitoring only)"),
                       ("reward_right", "rewards that were right (monitoring only)")):
        y = np.array([h[key] for h in history])
        line, = ax.plot(x, y, alpha=0.3)
        smooth = np.convolve(y, np.ones(5) / 5, mode="valid") if len(y) >= 5 else y
        ax.plot(x[len(x) - len(smooth):], smooth, color=line.get_color(), label=label)
    ax.set_xlabel("iteration")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)   # below: off the data
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _iteration_stats(run_dirs: list[Path]) -> dict[str, float]:
    """The iteration's mean IVFP reward (what the robot saw) and, from the simulator for
    monitoring, the sampled grasps' true success (a grasp the classifier
    refused counts as what it would have been, not as the failed pick it became) and how often
    the classifier's reward agreed with it."""
    rewards, successes, picks, judged, agreed = [], 0, 0, 0, 0
    for run in run_dirs:
        with RunStore.reader(run) as store:
            for attempt in store.ids():
                record = store.record(attempt)
                truth = true_outcome(record) == "success"
                picks += 1
                successes += truth
                reward = rl_reward(record)
                if reward is not None:
                    rewards.append(reward)
                if record.get("reward_source") == "ivfp":
                    judged += 1
                    agreed += (reward > 0) == truth
    return {"mean_reward": float(np.mean(rewards)) if rewards else 0.0, "true_success": successes / max(1, picks),
            "reward_right": agreed / max(1, judged)}
