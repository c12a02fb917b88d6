"""Inference latency of the grasp policy and the IVFP classifier at a preset's sizes.

Median over repeats, batch 1, with untrained weights (latency does not depend on the
weights): on the CPU with 2 threads, or on a CUDA GPU with bfloat16 mixed precision. The
policy is timed end to end: a 424 x 240 head observation in, ranked candidates (pixels,
widths, probabilities) out. The classifier: a 16-frame 224² probe video in (as the wrist
camera records it), P(success) out.

    python bench/models.py [--repeats 30] [--candidates 5] [--preset small|paper|tiny] [--device auto|cpu|cuda]

Targets (issue 5, small on the CPU): policy <= 60 ms, classifier <= 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch

from ivfp_bt.models import device, presets
from ivfp_bt.models.grasp_policy import GraspPolicy, GraspPolicyConfig
from ivfp_bt.models.ivfp_classifier import build_classifier, classifier_config, success_probability, video_tensor
from ivfp_bt.models.policy_io import propose


def median_ms(run, repeats: int, on: torch.device) -> float:
    def timed() -> float:
        start = time.perf_counter()
        run()
        if on.type == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - start

    for _ in range(3):
        timed()
    return 1000 * statistics.median(timed() for _ in range(repeats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--candidates", type=int, default=5)
    parser.add_argument("--preset", choices=tuple(presets.POLICY), default="small")
    parser.add_argument("--device", choices=device.CHOICES, default="auto")
    args = parser.parse_args()
    torch.set_num_threads(2)
    on = torch.device(device.use(args.device))
    rng = np.random.default_rng(0)
    color = rng.integers(0, 255, (424, 240, 3), dtype=np.uint8)
    mask = np.zeros((424, 240), bool)
    mask[180:260, 90:150] = True
    policy = GraspPolicy(GraspPolicyConfig(**presets.POLICY[args.preset])).to(on).eval()
    policy_ms = median_ms(lambda: propose(policy, color, mask, args.candidates), args.repeats, on)
    classifier = build_classifier(classifier_config(**presets.CLASSIFIER[args.preset])).to(on).eval()
    video = rng.integers(0, 255, (16, 224, 224, 3), dtype=np.uint8)

    def classify() -> float:
        with torch.inference_mode(), device.precision(on):
            logits = classifier(pixel_values=video_tensor(video, classifier.config)[None].to(on)).logits
        return float(success_probability(logits.float())[0])

    classifier_ms = median_ms(classify, args.repeats, on)
    params = lambda m: sum(p.numel() for p in m.parameters()) / 1e6   # noqa: E731
    where = torch.cuda.get_device_name(on) + ", bfloat16" if on.type == "cuda" else "CPU, 2 threads"
    print(f"{args.preset} preset on {where}")
    print(f"grasp policy  {policy_ms:6.1f} ms  (target <= 60 for small on the CPU; {params(policy):.1f} M parameters, "
          f"{policy.config.image_size}² input, {policy.config.head} head, {args.candidates} ranked candidates)")
    print(f"classifier    {classifier_ms:6.1f} ms  (target <= 50 for small on the CPU; {params(classifier):.1f} M "
          f"parameters, {classifier.config.num_frames} x {classifier.config.image_size}² from a 16-frame 224² video)")


if __name__ == "__main__":
    main()
