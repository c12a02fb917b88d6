"""Stage 1 of the first paper: the grasp policy imitates demonstrated grasps.

Examples are the demonstrations the labeller called successes (a person's failed grasps are
not worth copying), as letterboxed inputs with the demonstrated width's index and pixel. The
loss is ``imitation_loss``; a random left-right mirror of image and pixel doubles the scenes
the small model sees. Held out: whole bins, scored by how near the policy's best grasp lands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ivfp_bt.errors import UserError
from ivfp_bt.models import device
from ivfp_bt.models.grasp_policy import GraspPolicy, GraspPolicyConfig, log_policy
from ivfp_bt.models.losses import imitation_loss
from ivfp_bt.models.policy_io import policy_input
from ivfp_bt.sidecar.dataset import chosen_attempts
from ivfp_bt.training.optimise import fit, shuffled, split_by_run


@dataclass
class GraspExamples:
    """Logged grasps as policy inputs: (N, 4, S, S) float16 inputs, their (N, S, S) masks, the
    grasp's width index and input pixel (u, v), and per example its run, reward and probability;
    for grasps drawn from a shortlist, the shortlist (N, K, 3: width index, u, v; the drawn
    grasp first, -1 where a shorter one ends)."""

    inputs: torch.Tensor
    masks: torch.Tensor
    width_index: torch.Tensor
    pixels: torch.Tensor
    runs: list[str]
    rewards: torch.Tensor
    probabilities: torch.Tensor
    shortlists: torch.Tensor | None = None

    def __len__(self) -> int:
        return len(self.runs)


def width_index(width: float, config: GraspPolicyConfig) -> int:
    return int(np.argmin(np.abs(np.asarray(config.widths) - width)))


def demonstrated_success(record: dict) -> float | None:
    """Imitation's filter: a demonstration the labeller called a success (reward 1), else none."""
    return 1.0 if record.get("label") == "success" else None


def grasp_examples(run_dirs: list[Path], config: GraspPolicyConfig, reward_of: Callable[[dict], float | None],
                   report: Callable[[int, int], None] = lambda done, total: None) -> GraspExamples:
    """The logged grasps that ``reward_of`` gives a reward (None: leave out), read into memory."""
    with chosen_attempts(run_dirs, lambda record: reward_of(record) if "grasp" in record else None) as chosen:
        size, n = config.image_size, len(chosen)
        inputs = torch.zeros(n, 4, size, size, dtype=torch.float16)
        masks = torch.zeros(n, size, size, dtype=torch.bool)
        widths, pixels = torch.zeros(n, dtype=torch.long), torch.zeros(n, 2)
        rewards, probabilities = torch.zeros(n), torch.ones(n)
        shortlists = _shortlists(record for _, _, record, _ in chosen)
        for i, (store, attempt, record, reward) in enumerate(chosen):
            arrays = store.arrays(attempt, ("rgb", "mask"))
            x, mask, box = policy_input(arrays["rgb"], arrays["mask"], size)
            inputs[i], masks[i] = x.half(), mask
            grasp = record["grasp"]
            widths[i] = width_index(grasp["width"], config)
            pixels[i] = torch.tensor(_on_mask(mask, *box.to_input(grasp["u"], grasp["v"])), dtype=torch.float32)
            rewards[i] = reward
            probabilities[i] = float(grasp.get("probability") or 1.0)
            for k, candidate in enumerate(record.get("candidates", [])[:record.get("shortlist", 0)]):
                u, v = _on_mask(mask, *box.to_input(candidate["u"], candidate["v"]))
                shortlists[i, k] = torch.tensor([width_index(candidate["width"], config), u, v])
            report(i + 1, n)
        runs = [str(store.dir) for store, _, _, _ in chosen]
    return GraspExamples(inputs, masks, widths, pixels, runs, rewards, probabilities,
                         shortlists if shortlists.shape[1] else None)


def _shortlists(records) -> torch.Tensor:
    """(N, K, 3) of -1 for the chosen records' shortlists, K the longest; (N, 0, 3) if none has one."""
    lengths = [int(record.get("shortlist", 0)) for record in records]
    if any(lengths) and not all(lengths):
        raise UserError("these runs mix grasps drawn from a shortlist with grasps drawn over the whole target; "
                        "train on one kind (resume RL with the --shortlist it started with)")
    return torch.full((len(lengths), max(lengths, default=0), 3), -1, dtype=torch.long)


def _on_mask(mask: torch.Tensor, u: float, v: float) -> tuple[int, int]:
    """The input pixel nearest (u, v) on the resized mask: the mask's edge moves when resized."""
    rows, cols = torch.nonzero(mask, as_tuple=True)
    if len(rows) == 0:
        return int(round(u)), int(round(v))
    i = int(torch.argmin((cols - u) ** 2 + (rows - v) ** 2))
    return int(cols[i]), int(rows[i])


def batch(examples: GraspExamples, index: np.ndarray, mirror: np.ndarray | None = None):
    """(inputs float32, masks, width index, pixels) for ``index``, mirrored left-right where
    ``mirror`` says."""
    idx = torch.as_tensor(index)
    x, m = examples.inputs[idx].float(), examples.masks[idx]
    px = examples.pixels[idx].clone()
    if mirror is not None and mirror.any():
        flip = torch.as_tensor(mirror)
        x[flip], m[flip] = x[flip].flip(-1), m[flip].flip(-1)
        px[flip, 0] = x.shape[-1] - 1 - px[flip, 0]
    return x, m, examples.width_index[idx], px


def train_imitation(examples: GraspExamples, config: GraspPolicyConfig, epochs: int, batch_size: int, lr: float,
                    seed: int, report=lambda done, total, info: None,
                    start: GraspPolicy | None = None) -> tuple[GraspPolicy, dict[str, float]]:
    """A policy trained on ``examples`` from scratch (or from ``start``), and its held-out figures."""
    if len(examples) < 2:
        raise UserError(f"only {len(examples)} successful demonstration(s) to learn from; collect more "
                        "(ivfp-bt collect demos --n 600)")
    torch.manual_seed(seed)
    policy = GraspPolicy(config) if start is None else start
    train, held = split_by_run(examples.runs)
    rng = np.random.default_rng(seed + 1)

    def step(index: np.ndarray):
        x, _, w, px = device.to(device.of(policy), *batch(examples, index, rng.random(len(index)) < 0.5))
        q_width, q_grasp, _ = policy(x, w)
        return imitation_loss(q_width, q_grasp, w, px)

    fit(policy, shuffled(train), step, epochs, batch_size, lr, seed, report)
    metrics = {"train_examples": len(train), "held_out_examples": len(held)}
    if len(held):
        metrics.update(score_policy(policy, examples, held))
    return policy, metrics


@torch.inference_mode()
def score_policy(policy: GraspPolicy, examples: GraspExamples, index: np.ndarray) -> dict[str, float]:
    """How the policy's most probable grasp compares with the demonstrated one: width right,
    within one step, and the pixel distance (input pixels) of its best pixel at that width."""
    exact, near, distances = 0, 0, []
    for start in range(0, len(index), 32):
        x, m, w, px = batch(examples, index[start:start + 32])
        with device.precision(device.of(policy)):
            outputs = policy(x.to(device.of(policy)))
        q_width, q_grasp, chosen = (output.float().cpu() if output.is_floating_point() else output.cpu()
                                    for output in outputs)
        _, log_pixel = log_policy(q_width, q_grasp, m)
        exact += int((chosen == w).sum())
        near += int(((chosen - w).abs() <= 1).sum())
        best = log_pixel.flatten(1).argmax(dim=1)
        v, u = best // x.shape[-1], best % x.shape[-1]
        distances += torch.hypot((u - px[:, 0]).float(), (v - px[:, 1]).float()).tolist()
    n = len(index)
    return {"width_exact": exact / n, "width_within_1cm": near / n,
            "pixel_error_median": float(np.median(distances)), "pixel_within_8": float(np.mean(np.array(distances) <= 8))}
