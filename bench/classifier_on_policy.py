"""How right IVFP classifiers are on the grasps a policy makes itself, not the demonstrator's.

The grasps that `ivfp-bt train rl` collected (OUT/data), or any run with probes, carry the
simulator's truth but no label. Each classifier named is scored against that truth: precision,
recall and accuracy for SUCCESS, and how often it passes a grasp that would hold and one that
would not (for RL, a reward's worth; for IL+VitL, what verification keeps and refuses).

    python bench/classifier_on_policy.py runs/rl/data                       # models/ivfp_classifier
    python bench/classifier_on_policy.py runs/rl/data --classifier models/ivfp_classifier runs/models/clf
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="+", type=Path, help="run directories, or directories holding them")
    parser.add_argument("--classifier", nargs="+", type=Path, default=[REPO / "models" / "ivfp_classifier"])
    parser.add_argument("--probe-s", type=float, default=2.0, help="seconds of probe the classifier sees")
    args = parser.parse_args()
    torch.set_num_threads(2)
    from ivfp_bt.models.checkpoints import load_classifier
    from ivfp_bt.models.ivfp_classifier import success_probability
    from ivfp_bt.sidecar.dataset import find_runs
    from ivfp_bt.training.probe_classifier import score_classifier, video_examples

    runs = find_runs(args.data)
    for path in args.classifier:
        model = load_classifier(path).float()
        examples = video_examples(runs, model.config, args.probe_s, labelled=False)
        scores = score_classifier(model, examples)
        with torch.inference_mode():
            passed = torch.cat([success_probability(model(pixel_values=examples.videos[i:i + 32].float()).logits) >= 0.5
                                for i in range(0, len(examples), 32)])
        holds = examples.truth
        print(f"{path}: {scores['examples']} probes ({scores['successes']} would hold): "
              f"accuracy {100 * scores['accuracy']:.1f}%, precision {100 * scores['precision']:.1f}%, "
              f"recall {100 * scores['recall']:.1f}%; passes {100 * passed[holds].float().mean():.0f}% of "
              f"grasps that hold and {100 * passed[~holds].float().mean():.0f}% of those that do not", flush=True)


if __name__ == "__main__":
    main()
