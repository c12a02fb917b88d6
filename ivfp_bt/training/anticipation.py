"""Training the failure-anticipation networks (second paper) on recorded clips.

The teacher learns failure detection: windows that end at the failure, the failure in view
(for a success, windows end anywhere in the clip). Then, with the teacher frozen, a student
per horizon sees the same windows with their last slots blank, so it must say from what came
before whether a failure is coming; it is trained with cross-entropy plus the MMD between its
features and the teacher's, per modality, weighted by learnable weights.

Bins are split 70/10/20 into train, validation and test (as the paper); each network kept is
the one with the best validation F1 over its epochs (the paper's early stopping). Scores take
FAILURE as the positive class. Training augments as the paper: colour jitter (p 0.2) and a
flip (p 0.5; left-right here, the wrist view's natural mirror).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ivfp_bt.models import device
from ivfp_bt.models.anticipation import AnticipationConfig, FailureAnticipator, failure_probability
from ivfp_bt.models.clip_window import batch, clip_window
from ivfp_bt.models.distillation import LearnableWeights, mmd
from ivfp_bt.training.clip_data import Clip
from ivfp_bt.training.optimise import fit
from ivfp_bt.training.probe_classifier import balanced

Report = Callable[[int, int, dict], None]
FAILURE_JITTER_S = 0.25   # training windows of a failure end up to this long after it


@dataclass(frozen=True)
class Split:
    train: np.ndarray
    validation: np.ndarray
    test: np.ndarray


def split_bins(clips: list[Clip]) -> Split:
    """70/10/20 by bin: of every ten bins (sorted), seven train, one validates, two test."""
    names = sorted({c.run for c in clips})
    part = {name: i % 10 for i, name in enumerate(names)}
    where = np.array([part[c.run] for c in clips])
    return Split(np.nonzero(where < 7)[0], np.nonzero(where == 7)[0], np.nonzero(where >= 8)[0])


def window_end(clip: Clip, period: float, rng: np.random.Generator) -> float:
    """Where a window of ``clip`` ends: at (or just after) the failure; anywhere for a success."""
    if clip.failed:
        return min(clip.end, clip.moment + rng.uniform(0.0, FAILURE_JITTER_S))
    return rng.uniform(min(clip.start + period, clip.end), clip.end)


def evaluation_ends(clips: list[Clip], period: float, seed: int = 0) -> np.ndarray:
    """The fixed window ends scores use: the failure itself; a seeded moment for a success."""
    ends = [c.moment if c.failed else window_end(c, period, np.random.default_rng(seed + i)) for i, c in enumerate(clips)]
    return np.array(ends)


def windows(clips: list[Clip], index: np.ndarray, ends: np.ndarray, config: AnticipationConfig,
            blanks: int, rng: np.random.Generator | None = None) -> dict[str, torch.Tensor]:
    """A batch of windows; with ``rng``, augmented."""
    made = []
    for i, end in zip(index, ends):
        c = clips[i]
        w = clip_window(c.times, c.rgb, c.depth, float(end), config.num_frames, config.frame_period_s,
                        tuple(config.modalities), config.image_size, blanks)
        made.append(w if rng is None else augment(w, rng))
    return batch(made)


def augment(window: dict[str, torch.Tensor], rng: np.random.Generator) -> dict[str, torch.Tensor]:
    if "rgb" in window and rng.random() < 0.2:
        gain, offset = rng.uniform(0.8, 1.2), rng.uniform(-0.2, 0.2)
        window["rgb"] = window["rgb"] * gain + offset
    if rng.random() < 0.5:
        window = {m: t.flip(-1) for m, t in window.items()}
        if "flow" in window:
            window["flow"][:, 0] = -window["flow"][:, 0]   # a mirrored motion moves the other way
    return window


@torch.inference_mode()
def score(model: FailureAnticipator, clips: list[Clip], index: np.ndarray, blanks: int,
          threshold: float = 0.5) -> dict[str, float]:
    """Precision, recall, F1 and accuracy on ``index`` with FAILURE positive."""
    if not len(index):
        return {"examples": 0}
    model.eval()
    ends = evaluation_ends(clips, model.config.frame_period_s)
    on = device.of(model)

    def p_failure(part: np.ndarray) -> torch.Tensor:
        with device.precision(on):
            logits, _ = model(_on(on, windows(clips, part, ends[part], model.config, blanks)))
        return failure_probability(logits.float().cpu())

    p = torch.cat([p_failure(index[s:s + 32]) for s in range(0, len(index), 32)])
    predicted = (p >= threshold).numpy()
    truth = np.array([clips[i].failed for i in index])
    tp = int((predicted & truth).sum())
    precision, recall = tp / max(1, int(predicted.sum())), tp / max(1, int(truth.sum()))
    return {"examples": len(index), "failures": int(truth.sum()), "precision": precision, "recall": recall,
            "f1": 2 * precision * recall / max(1e-9, precision + recall), "accuracy": float((predicted == truth).mean())}


def _on(on: torch.device, window: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {modality: frames.to(on) for modality, frames in window.items()}


def _targets(clips: list[Clip]) -> torch.Tensor:
    return torch.tensor([int(c.failed) for c in clips])


class _KeepBest:
    """After each epoch, score on validation and keep a copy of the best weights."""

    def __init__(self, model: nn.Module, scored: Callable[[], float]):
        self.model, self.scored, self.best, self.state, self.epoch = model, scored, -1.0, None, 0

    def __call__(self, epoch: int) -> None:
        value = self.scored()
        if value > self.best:
            self.best, self.state, self.epoch = value, copy.deepcopy(self.model.state_dict()), epoch

    def restore(self) -> None:
        if self.state is not None:
            self.model.load_state_dict(self.state)
        self.model.eval()


def train_teacher(clips: list[Clip], split: Split, config: AnticipationConfig, epochs: int, batch_size: int,
                  lr: float, seed: int, report: Report = lambda d, t, i: None) -> tuple[FailureAnticipator, dict]:
    torch.manual_seed(seed)
    teacher = FailureAnticipator(config)
    targets, rng = _targets(clips), np.random.default_rng(seed + 1)

    def step(index: np.ndarray):
        ends = np.array([window_end(clips[i], config.frame_period_s, rng) for i in index])
        on = device.of(teacher)
        logits, _ = teacher(_on(on, windows(clips, index, ends, config, 0, rng)))
        return F.cross_entropy(logits.float(), targets[torch.as_tensor(index)].to(on)), {}

    keep = _KeepBest(teacher, lambda: score(teacher, clips, split.validation, 0).get("f1", 0.0))
    fit(teacher, balanced(split.train, targets), step, epochs, batch_size, lr, seed, report, after_epoch=keep)
    keep.restore()
    return teacher, {"best_epoch": keep.epoch, "validation": score(teacher, clips, split.validation, 0),
                     "test": score(teacher, clips, split.test, 0)}


class _Distilled(nn.Module):
    """The student and its loss weights, trained together."""

    def __init__(self, student: FailureAnticipator):
        super().__init__()
        self.student, self.weights = student, LearnableWeights(("mmd", "ce"))


def train_student(clips: list[Clip], split: Split, teacher: FailureAnticipator, blanks: int, epochs: int,
                  batch_size: int, lr: float, seed: int, report: Report = lambda d, t, i: None
                  ) -> tuple[FailureAnticipator, dict]:
    config = AnticipationConfig(**{**teacher.config.to_dict(), "blank_frames": blanks, "role": "student"})
    torch.manual_seed(seed)
    trained = _Distilled(FailureAnticipator(config))
    teacher.eval().requires_grad_(False)
    targets, rng = _targets(clips), np.random.default_rng(seed + 2)

    def step(index: np.ndarray):
        ends = np.array([window_end(clips[i], config.frame_period_s, rng) for i in index])
        flip_seed = int(rng.integers(1 << 31))   # the teacher sees the same augmentation as the student
        on = device.of(trained)
        teacher.to(on)
        seen = _on(on, windows(clips, index, ends, config, 0, np.random.default_rng(flip_seed)))
        shown = _on(on, windows(clips, index, ends, config, blanks, np.random.default_rng(flip_seed)))
        with torch.no_grad():
            _, teacher_features = teacher(seen)
        logits, features = trained.student(shown)
        losses = {"mmd": sum(mmd(teacher_features[m].float(), features[m].float()) for m in config.modalities),
                  "ce": F.cross_entropy(logits.float(), targets[torch.as_tensor(index)].to(on))}
        return trained.weights(losses), {name: loss.item() for name, loss in losses.items()}

    student = trained.student
    keep = _KeepBest(student, lambda: score(student, clips, split.validation, blanks).get("f1", 0.0))
    fit(trained, balanced(split.train, targets), step, epochs, batch_size, lr, seed, report, after_epoch=keep)
    keep.restore()
    return student, {"ahead_s": config.ahead_s, "best_epoch": keep.epoch, "loss_weights": trained.weights.weights(),
                     "validation": score(student, clips, split.validation, blanks),
                     "test": score(student, clips, split.test, blanks)}
