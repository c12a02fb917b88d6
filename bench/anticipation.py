"""Latency of one anticipation-monitor update, as the AnticipateFailure leaf runs it.

One update: the 8-slot window over the frames recorded so far (4 Hz, 8 s of them), DIS flow
for every pair of its frames, one ViViT forward per modality (RGB, depth, flow) and the late
fusion, giving P(failure). Median over repeats, batch 1, on 2 CPU threads, with the shipped
student where it exists (latency does not depend on the weights) and a fresh one of each
preset otherwise.

    python bench/anticipation.py [--repeats 50]

Target (issue 6): median <= 100 ms, so the monitor keeps up at 10 Hz.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.models import median_ms   # noqa: E402
from ivfp_bt.models.anticipation import FailureAnticipator, anticipation_config, p_failure_now   # noqa: E402
from ivfp_bt.models import device   # noqa: E402
from ivfp_bt.models.checkpoints import REPO, load_anticipator   # noqa: E402
from ivfp_bt.models.clip_window import window_indices, window_inputs   # noqa: E402
from ivfp_bt.models.optical_flow import sequence_flow   # noqa: E402

TARGET_MS = 100.0
SHIPPED = REPO / "models" / "anticipation" / "student_1s"


def recorded(size: int, seconds: float = 8.0, rate_hz: float = 4.0):
    """Frames as the leaf keeps them: a moving textured scene, colour and depth."""
    rng = np.random.default_rng(0)
    scene = rng.integers(0, 255, (size * 2, size * 2, 3), dtype=np.uint8)
    times = np.arange(int(seconds * rate_hz)) / rate_hz
    rgb = [np.ascontiguousarray(scene[i:i + size, i:i + size]) for i in range(len(times))]
    depth = [rng.uniform(0.1, 0.6, (size, size)).astype(np.float32) for _ in times]
    return times, rgb, depth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    from ivfp_bt.cli.device_option import add_device_argument, apply_device

    add_device_argument(parser)
    args = parser.parse_args()
    apply_device(args)
    torch.set_num_threads(2)
    models = {}
    if (SHIPPED / "config.json").is_file():
        models["shipped student (models/anticipation/student_1s)"] = load_anticipator(SHIPPED)
    models["small preset"] = FailureAnticipator(anticipation_config("small", blank_frames=1)).eval()
    paper = anticipation_config("paper", blank_frames=1)
    models["paper preset (224², hidden 256, depth 6)"] = FailureAnticipator(paper).eval()
    print(f"one monitor update, batch 1, {torch.get_num_threads()} threads, median of {args.repeats}")
    for name, model in models.items():
        print(f"  {name}: {measure(model.to(device.current()), args.repeats)}")


def measure(model: FailureAnticipator, repeats: int) -> str:
    config = model.config
    times, rgb, depth = recorded(config.image_size)
    whole = median_ms(lambda: p_failure_now(model, times, rgb, depth), repeats)
    index = window_indices(times, times[-1] + config.ahead_s, config.num_frames, config.frame_period_s)
    frames, depths = [rgb[i] for i in index], [depth[i] for i in index]
    flow = median_ms(lambda: sequence_flow(frames[:-config.blank_frames]), repeats)
    inputs = median_ms(lambda: window_inputs(frames, depths, tuple(config.modalities), config.image_size,
                                             config.blank_frames), repeats)
    verdict = "ok" if whole <= TARGET_MS else "OVER"
    return (f"{whole:.1f} ms per update ({verdict}, target {TARGET_MS:.0f} ms; window inputs {inputs:.1f} ms of "
            f"which DIS flow {flow:.1f} ms; {', '.join(config.modalities)})")

if __name__ == "__main__":
    main()
