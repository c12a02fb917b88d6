"""`train all`: the whole first-paper pipeline in one command, resumable step by step.

OUT/demos_seen and OUT/demos_unseen (collection resumes bin by bin), OUT/grasp_policy and
OUT/ivfp_classifier (skipped when their card exists), OUT/rl (resumes by iteration).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ivfp_bt.training.collect import DEMO_TREE, bin_specs, collect
from ivfp_bt.training.pipeline import PRESETS, Track, make_classifier, make_policy, make_rl
from ivfp_bt.training.reinforce import RLSettings


def train_all(preset_name: str, out: Path, seed: int, workers: int, command: str, track: Track) -> dict[str, Any]:
    preset = PRESETS[preset_name]
    for objects, count in (("seen", preset.demos), ("unseen", preset.unseen_demos)):
        report = track(f"collect demos ({objects})")
        specs = bin_specs(str(DEMO_TREE), out / f"demos_{objects}", count, 12, seed, objects, preset.demo_sets, None)
        done = [0]

        def bin_done(result, spec, report=report, done=done, total=count):
            done[0] += spec.picks
            report(done[0], total, {})
        collect(specs, workers, bin_done)
    results: dict[str, Any] = {}
    policy, classifier = out / "grasp_policy", out / "ivfp_classifier"
    results["policy"] = _once(policy, lambda: make_policy(
        [out / "demos_seen"], policy, preset.policy_epochs, 16, 3e-4, seed, command, track, preset.policy))
    results["classifier"] = _once(classifier, lambda: make_classifier(
        [out / "demos_seen"], [out / "demos_unseen"], classifier, preset.classifier_epochs, 16, 3e-4, seed, command,
        track, preset.classifier))
    settings = RLSettings(iterations=preset.rl_iterations, batch=preset.rl_batch, seed=5000 + seed, workers=workers,
                          keep=tuple(k for k in (20, 50) if k < preset.rl_iterations))
    results["rl"] = make_rl(policy, classifier, out / "rl", settings, command, track)
    return results


def _once(directory: Path, make) -> dict[str, Any]:
    """A step already done (its card written last) is not done again."""
    card = directory / "training.json"
    return json.loads(card.read_text())["metrics"] if card.is_file() else make()
