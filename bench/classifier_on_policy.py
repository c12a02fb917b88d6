"""How right IVFP classifiers are on the grasps a policy makes itself, not the demonstrator's.

The grasps that `ivfp-bt train rl` collected (OUT/data), or any run with probes, carry the
simulator's truth but no label. Each classifier named is scored against that truth: precision,
recall and accuracy for SUCCESS, and how often it passes a grasp that would hold and one that
would not (for RL, a reward's worth; for IL+VitL, what verification keeps and refuses).

    python bench/classifier_on_policy.py runs/rl/data                       # models/ivfp_classifier
    python bench/classifier_on_policy.py runs/rl/data --classifier models/ivfp_classifier runs/models/clf
    python bench/classifier_on_policy.py runs/rl/data --sheet docs/tables/passed_probes.png

--sheet draws frames of probes the (first) classifier passed: some that failed, some that held.
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
    parser.add_argument("--sheet", type=Path, help="PNG of probes the first classifier passed, failed and held")
    from ivfp_bt.cli.device_option import add_device_argument, apply_device

    add_device_argument(parser)
    args = parser.parse_args()
    apply_device(args)
    torch.set_num_threads(2)
    from ivfp_bt.models.checkpoints import load_classifier
    from ivfp_bt.models.ivfp_classifier import success_probability
    from ivfp_bt.sidecar.dataset import find_runs
    from ivfp_bt.training.probe_classifier import video_examples

    runs = find_runs(args.data)
    for path in args.classifier:
        model = load_classifier(path).float()
        examples = video_examples(runs, model.config, args.probe_s, labelled=False)
        from ivfp_bt.models import device
        on = device.of(model)
        with torch.inference_mode(), device.precision(on):
            passed = torch.cat([success_probability(model(pixel_values=examples.videos[i:i + 32].float().to(on))
                                                    .logits.float().cpu()) >= 0.5 for i in range(0, len(examples), 32)])
        holds = examples.truth
        right = float((passed == holds).float().mean())
        precision = float(holds[passed].float().mean()) if passed.any() else 0.0
        print(f"{path}: {len(examples)} probes ({int(holds.sum())} would hold): accuracy {100 * right:.1f}%, "
              f"precision {100 * precision:.1f}%; passes {100 * passed[holds].float().mean():.1f}% of grasps "
              f"that hold (recall) and {100 * passed[~holds].float().mean():.1f}% of those that do not", flush=True)
        if args.sheet and path == args.classifier[0]:
            contact_sheet(examples.videos, passed & ~holds, passed & holds, args.sheet)
            print(f"wrote {args.sheet}")


def contact_sheet(videos: torch.Tensor, failed: torch.Tensor, held: torch.Tensor, out: Path,
                  rows: tuple[int, int] = (4, 2)) -> None:
    """Rows of probe frames as the classifier saw them: passed probes that failed, then some that held."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from ivfp_bt.models.normalise import MEAN, STD
    chosen = [(int(i), "passed, failed") for i in failed.nonzero()[:rows[0], 0]] + \
             [(int(i), "passed, held") for i in held.nonzero()[:rows[1], 0]]
    frames = videos.shape[1]
    fig, axes = plt.subplots(len(chosen), frames, figsize=(1.3 * frames, 1.4 * len(chosen)), squeeze=False)
    for row, (index, title) in enumerate(chosen):
        images = (videos[index].float() * STD[:, None, None] + MEAN[:, None, None]).clamp(0, 1)
        for col in range(frames):
            axes[row, col].imshow(images[col].permute(1, 2, 0).numpy())
            axes[row, col].axis("off")
        axes[row, 0].set_title(title, fontsize=8, loc="left")
    fig.suptitle("Probe frames (first to last) of grasps the classifier passed", fontsize=9)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=90)


if __name__ == "__main__":
    main()
