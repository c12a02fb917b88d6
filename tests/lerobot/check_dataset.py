"""Run by LeRobot's own Python (its own venv): open an `ivfp-bt export lerobot` dataset with
LeRobot's loader, offline, and check what a training script relies on. Prints one JSON line."""

import json
import sys

import torch
from lerobot.datasets.lerobot_dataset import LeRobotDataset

root = sys.argv[1]
dataset = LeRobotDataset("local/ivfp-bt", root=root, video_backend="pyav",
                         delta_timestamps={"observation.state": [-0.125, 0.0], "action": [0.0, 0.125, 0.25],
                                           "observation.images.wrist": [-0.125, 0.0]})
loader = torch.utils.data.DataLoader(dataset, batch_size=4, shuffle=True, num_workers=0)
seen = 0
for batch in loader:
    seen += len(batch["index"])
stats = dataset.meta.stats
print(json.dumps({
    "episodes": dataset.num_episodes, "frames": dataset.num_frames, "fps": dataset.fps, "seen": seen,
    "task": batch["task"][0], "state": list(batch["observation.state"].shape),
    "action": list(batch["action"].shape), "action_dtype": str(batch["action"].dtype),
    "wrist": list(batch["observation.images.wrist"].shape),
    "wrist_mean_shape": list(stats["observation.images.wrist"]["mean"].shape),
    "stats_keys": sorted(stats), "state_pad": list(batch["observation.state_is_pad"].shape),
}))
