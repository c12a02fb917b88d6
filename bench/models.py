"""Inference latency of the grasp policy and the IVFP classifier at their default sizes.

Median over repeats, batch 1, on 2 CPU threads, with untrained weights (latency does not
depend on the weights). The policy is timed end to end: a 424 x 240 head observation in,
ranked candidates (pixels, widths, probabilities) out. The classifier: a 16-frame 224² probe
video in (as the wrist camera records it), P(success) out.

    python bench/models.py [--repeats 30] [--candidates 5]

Targets (issue 5): policy <= 60 ms, classifier <= 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch

from ivfp_bt.models.grasp_policy import GraspPolicy, GraspPolicyConfig
from ivfp_bt.models.ivfp_classifier import build_classifier, success_probability, video_tensor
from ivfp_bt.models.policy_io import propose


def median_ms(run, repeats: int) -> float:
    for _ in range(3):
        run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--candidates", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(2)
    rng = np.random.default_rng(0)
    color = rng.integers(0, 255, (424, 240, 3), dtype=np.uint8)
    mask = np.zeros((424, 240), bool)
    mask[180:260, 90:150] = True
    policy = GraspPolicy(GraspPolicyConfig()).eval()
    policy_ms = median_ms(lambda: propose(policy, color, mask, args.candidates), args.repeats)
    classifier = build_classifier().eval()
    video = rng.integers(0, 255, (16, 224, 224, 3), dtype=np.uint8)

    def classify() -> float:
        with torch.inference_mode():
            return float(success_probability(classifier(pixel_values=video_tensor(video, classifier.config)[None]).logits)[0])

    classifier_ms = median_ms(classify, args.repeats)
    params = lambda m: sum(p.numel() for p in m.parameters()) / 1e6   # noqa: E731
    print(f"grasp policy  {policy_ms:6.1f} ms  (target <= 60; {params(policy):.1f} M parameters, "
          f"{policy.config.image_size}² input, {args.candidates} ranked candidates)")
    print(f"classifier    {classifier_ms:6.1f} ms  (target <= 50; {params(classifier):.1f} M parameters, "
          f"{classifier.config.num_frames} x {classifier.config.image_size}² from a 16-frame 224² video)")


if __name__ == "__main__":
    main()
