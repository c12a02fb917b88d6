"""Training the IVFP classifier on labelled probe videos.

Targets are the labeller's labels (the person's, on the robot), as the paper trains. Successes
outnumber failures in demonstrations, so each epoch keeps every failure and as many randomly
drawn successes (the paper undersamples successes). Scores are against the simulator's ground
truth where it was logged (else the label), with SUCCESS as the positive class: precision is
how often a grasp the classifier passes really holds, the figure that decides what gets
extracted. Videos are mirrored left-right at random while training. ``probe_s`` cuts each
video to its first seconds (Table III).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F
from transformers import VideoMAEConfig, VideoMAEForVideoClassification

from ivfp_bt.errors import UserError
from ivfp_bt.models import device
from ivfp_bt.models.ivfp_classifier import build_classifier, label_index, success_probability, video_tensor
from ivfp_bt.sidecar.dataset import chosen_attempts
from ivfp_bt.training.optimise import fit, split_by_run


@dataclass
class VideoExamples:
    videos: torch.Tensor        # (N, T, 3, S, S) float16, normalised
    targets: torch.Tensor       # (N,) class index of the label
    truth: torch.Tensor         # (N,) bool: really a success (ground truth where logged)
    runs: list[str]

    def __len__(self) -> int:
        return len(self.runs)


def video_examples(run_dirs: list[Path], config: VideoMAEConfig, probe_s: float | None = None,
                   passive: bool = False, report: Callable[[int, int], None] = lambda done, total: None,
                   labelled: bool = True) -> VideoExamples:
    """Every labelled probe (active, or ``passive`` ones) as classifier input. With ``labelled``
    False, every probe whose true outcome was logged instead, targets from that truth: the
    grasps RL collected, which nobody labelled, to score a classifier on the policy's grasps."""
    def labelled_probe(record: dict) -> bool | None:
        known = record.get("label") is not None if labelled else _truth(record) is not None
        return True if known and "probe_duration" in record and bool(record.get("probe_passive")) == passive else None

    with chosen_attempts(run_dirs, labelled_probe) as chosen:
        n, t, s = len(chosen), config.num_frames, config.image_size
        videos = torch.zeros(n, t, 3, s, s, dtype=torch.float16)
        targets, truth = torch.zeros(n, dtype=torch.long), torch.zeros(n, dtype=torch.bool)
        for i, (store, attempt, record, _) in enumerate(chosen):
            arrays = store.arrays(attempt, ("probe_video", "probe_times"))
            video = arrays["probe_video"]
            if probe_s is not None:
                times = arrays["probe_times"] - arrays["probe_times"][0]
                video = video[: max(1, int(np.searchsorted(times, probe_s + 1e-6, side="right")))]
            videos[i] = video_tensor(video, config).half()
            targets[i] = label_index(record["label"] if labelled else _truth(record), config)
            truth[i] = (_truth(record) or record["label"]) == "success"
            report(i + 1, n)
        runs = [str(store.dir) for store, _, _, _ in chosen]
    return VideoExamples(videos, targets, truth, runs)


def _truth(record: dict) -> str | None:
    """The simulator's outcome: foreseen when the grasp was let go, else after extraction."""
    return record.get("foreseen_outcome") or record.get("outcome")


def balanced(index: np.ndarray, targets: torch.Tensor) -> Callable[[np.random.Generator], np.ndarray]:
    """Each epoch: every example of the rarer class and as many drawn from the commoner."""
    success = index[targets[index].numpy() == 0]
    fail = index[targets[index].numpy() != 0]
    few, many = sorted((success, fail), key=len)

    def epoch(rng: np.random.Generator) -> np.ndarray:
        return rng.permutation(np.concatenate([few, rng.choice(many, size=len(few), replace=False)]))
    return epoch


def train_classifier(examples: VideoExamples, config: VideoMAEConfig, epochs: int, batch_size: int, lr: float,
                     seed: int, report=lambda done, total, info: None,
                     start: VideoMAEForVideoClassification | None = None
                     ) -> tuple[VideoMAEForVideoClassification, dict[str, dict[str, float]]]:
    """A classifier trained from scratch (or from ``start``), and its figures on the held-out bins."""
    train, held = split_by_run(examples.runs)
    counts = np.bincount(examples.targets[train].numpy() != 0, minlength=2)
    if counts.min() < 1:
        raise UserError(f"the training probes hold {counts[0]} success and {counts[1]} fail label(s); "
                        "both are needed (collect more demos)")
    torch.manual_seed(seed)
    model = build_classifier(config) if start is None else start
    rng = np.random.default_rng(seed + 1)

    def step(index: np.ndarray):
        idx = torch.as_tensor(index)
        videos = examples.videos[idx].float()
        flip = torch.as_tensor(rng.random(len(index)) < 0.5)     # a mirrored probe is as good a probe
        videos[flip] = videos[flip].flip(-1)
        videos, targets = device.to(device.of(model), videos, examples.targets[idx])
        logits = model(pixel_values=videos).logits
        return F.cross_entropy(logits.float(), targets), {}

    fit(model, balanced(train, examples.targets), step, epochs, batch_size, lr, seed, report)
    return model, {"held_out": score_classifier(model, examples, held)} if len(held) else {}


@torch.inference_mode()
def score_classifier(model: VideoMAEForVideoClassification, examples: VideoExamples,
                     index: np.ndarray | None = None, threshold: float = 0.5) -> dict[str, float]:
    """Precision, recall and accuracy for SUCCESS against the truth."""
    index = np.arange(len(examples)) if index is None else index
    passed = []
    for start in range(0, len(index), 32):
        idx = torch.as_tensor(index[start:start + 32])
        with device.precision(device.of(model)):
            logits = model(pixel_values=examples.videos[idx].float().to(device.of(model))).logits
        passed.append(success_probability(logits.float().cpu()) >= threshold)
    predicted = torch.cat(passed) if passed else torch.zeros(0, dtype=torch.bool)
    truth = examples.truth[torch.as_tensor(index)]
    tp = int((predicted & truth).sum())
    return {"examples": len(index), "successes": int(truth.sum()),
            "precision": tp / max(1, int(predicted.sum())), "recall": tp / max(1, int(truth.sum())),
            "accuracy": float((predicted == truth).float().mean()) if len(index) else 0.0}
