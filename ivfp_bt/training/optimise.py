"""The loop both supervised trainers share: shuffled minibatches, AdamW with a warm-up then
cosine decay, and a report after every step (for the progress bar)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from ivfp_bt.models import device

Step = Callable[[np.ndarray], tuple[torch.Tensor, dict[str, float]]]
Epoch = Callable[[np.random.Generator], np.ndarray]   # one epoch's example indices, in order


def split_by_run(runs: list[str], every: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """(train, held-out) example indices: every ``every``-th run (bin) is held out whole, so
    no bin is seen from both sides; with fewer runs than that, the last of two or more."""
    names = sorted(set(runs))
    held = {name for i, name in enumerate(names) if i % every == every - 1} or set(names[-1:] if len(names) > 1 else [])
    mask = np.array([run in held for run in runs])
    return np.nonzero(~mask)[0], np.nonzero(mask)[0]


def shuffled(index: np.ndarray) -> Epoch:
    return lambda rng: rng.permutation(index)


def fit(model: torch.nn.Module, epoch: Epoch, step: Step, epochs: int, batch: int, lr: float,
        seed: int, report: Callable[[int, int, dict[str, float]], None] = lambda done, total, info: None,
        weight_decay: float = 0.05, after_epoch: Callable[[int], None] = lambda epoch: None) -> None:
    """Minimise ``step``'s loss over ``epochs`` epochs of minibatches (``epoch`` draws each);
    ``after_epoch`` hears of each finished epoch (to keep the best model on a validation set).
    The model trains on the command's device (``--device``), under mixed precision on CUDA;
    ``step`` moves its batch to ``device.of(model)``."""
    on = device.current()
    model.to(on)
    rng = np.random.default_rng(seed)
    orders = [epoch(rng) for _ in range(epochs)]
    total = max(1, sum(math.ceil(len(order) / batch) for order in orders))
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    warmup = max(1, total // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda i: min(1.0, (i + 1) / warmup) *
                                                 0.5 * (1 + math.cos(math.pi * min(1.0, i / total))))
    model.train()
    done = 0
    for number, order in enumerate(orders, start=1):
        for start in range(0, len(order), batch):
            with device.precision(on):
                loss, info = step(order[start:start + batch])
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            done += 1
            report(done, total, {"loss": float(loss.detach()), **info})
        after_epoch(number)
        model.train()
    model.eval()
