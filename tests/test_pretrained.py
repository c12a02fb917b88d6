"""`train --init HUB_ID`: pretrained weights from the Hugging Face hub, tested with small
checkpoints saved in the hub's cache layout and the hub offline; and `--device`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import torch
from transformers import VideoMAEConfig, VideoMAEForVideoClassification, ViTConfig, ViTModel

from ivfp_bt.errors import UserError
from ivfp_bt.models import device
from tests.conftest import REPO

REVISION = "0123456789abcdef0123456789abcdef01234567"


def _cache(hub, repo_id: str, model, safe: bool = True, config_extra: dict | None = None) -> None:
    """``model`` saved where huggingface_hub's cache keeps ``repo_id`` (models--org--name/snapshots/REV)."""
    root = hub / f"models--{repo_id.replace('/', '--')}"
    snapshot = root / "snapshots" / REVISION
    model.save_pretrained(snapshot)
    if not safe:   # weights as a pickle only, as older hub repositories have them
        torch.save(model.state_dict(), snapshot / "pytorch_model.bin")
        (snapshot / "model.safetensors").unlink()
    if config_extra:
        config = json.loads((snapshot / "config.json").read_text())
        (snapshot / "config.json").write_text(json.dumps({**config, **config_extra}))
    (root / "refs").mkdir(parents=True)
    (root / "refs" / "main").write_text(REVISION)


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    hub = tmp_path_factory.mktemp("hub")
    torch.manual_seed(0)
    _cache(hub, "org/tiny-vit", ViTModel(ViTConfig(image_size=32, patch_size=8, hidden_size=32, num_hidden_layers=4,
                                                    num_attention_heads=2, intermediate_size=64),
                                          add_pooling_layer=False))
    ssv2 = VideoMAEConfig(num_frames=4, image_size=32, tubelet_size=2, patch_size=16, hidden_size=32,
                          num_hidden_layers=2, num_attention_heads=2, intermediate_size=64, use_mean_pooling=True,
                          num_labels=174)   # like Something-Something v2's head
    _cache(hub, "org/tiny-videomae-ssv2", VideoMAEForVideoClassification(ssv2))
    _cache(hub, "org/pickled", VideoMAEForVideoClassification(ssv2), safe=False)
    _cache(hub, "org/own-code", VideoMAEForVideoClassification(ssv2),
           config_extra={"auto_map": {"AutoModel": "modeling_evil.Evil"}})
    return hub


def _offline(hub, code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_CACHE": str(hub), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO,
                          timeout=300)


def test_the_classifier_starts_from_a_hub_videomae_with_our_head(hub):
    done = _offline(hub, """
import torch
from transformers import VideoMAEForVideoClassification
from ivfp_bt.models.pretrained import start_classifier
from ivfp_bt.models.ivfp_classifier import BINARY
model = start_classifier("org/tiny-videomae-ssv2", BINARY)
hub = VideoMAEForVideoClassification.from_pretrained("org/tiny-videomae-ssv2")
same = all(torch.equal(a, b) for (k, a), (_, b) in zip(model.videomae.state_dict().items(),
                                                        hub.videomae.state_dict().items()))
print(model.config.num_labels, model.config.id2label[0], same)
""")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["2", "success", "True"]


def test_the_policy_starts_from_a_hub_vit_with_the_mask_channel_at_zero(hub):
    done = _offline(hub, """
import torch
from transformers import ViTModel
from ivfp_bt.models.pretrained import start_policy
from ivfp_bt.models.presets import POLICY
policy = start_policy("org/tiny-vit", POLICY["paper"])
vit = ViTModel.from_pretrained("org/tiny-vit", add_pooling_layer=False)
patch = policy.backbone.embeddings.patch_embeddings.projection.weight
rgb = torch.equal(patch[:, :3], vit.embeddings.patch_embeddings.projection.weight)
q_width, q_grasp, _ = policy(torch.rand(1, 4, 32, 32))
print(policy.config.head, policy.config.pyramid_layers, rgb, float(patch[:, 3].abs().sum()), tuple(q_grasp.shape))
""")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["upernet", "[1,", "2,", "3,", "4]", "True", "0.0", "(1,", "32,", "32)"]


@pytest.mark.parametrize("init,expected", [
    ("org/not-there", "--init org/not-there: not in this machine's Hugging Face cache, and the hub cannot be "
                      "reached from here (nor is there a directory of that name); where it can, run "
                      "`hf download org/not-there --local-dir DIR`"),
    ("org/pickled", "--init org/pickled: its weights are not in safetensors"),
    ("org/own-code", "--init org/own-code: the checkpoint needs code of its own, which ivfp-bt never runs"),
])
def test_what_cannot_start_training_is_one_line(hub, tmp_path, init, expected):
    env = {**os.environ, "HF_HUB_CACHE": str(hub), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-m", "ivfp_bt", "train", "classifier", "--init", init,
                           "--data", str(tmp_path), "--out", str(tmp_path / "c")],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=300)
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: {expected}") and len(done.stderr.splitlines()) == 1, done.stderr


def test_device_choice(monkeypatch):
    monkeypatch.delenv(device.ENV, raising=False)
    assert device.current() == torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert device.resolve("auto") == "cpu" == device.resolve("cpu")
    with pytest.raises(UserError, match="--device cuda: this torch sees no CUDA GPU"):
        device.resolve("cuda")
    assert device.use("auto") == "cpu" and os.environ[device.ENV] == "cpu"   # worker processes inherit it
    with device.precision(torch.device("cpu")):
        assert not torch.is_autocast_enabled()    # the CPU computes as it always has


def test_the_paper_presets_are_the_papers_models():
    from ivfp_bt.models.grasp_policy import GraspPolicyConfig
    from ivfp_bt.models.ivfp_classifier import classifier_config
    from ivfp_bt.models.presets import CLASSIFIER, POLICY

    videomae = classifier_config(**CLASSIFIER["paper"])   # VideoMAE-base, 16 x 224²
    assert (videomae.num_frames, videomae.image_size, videomae.hidden_size, videomae.num_hidden_layers,
            videomae.num_attention_heads, videomae.intermediate_size) == (16, 224, 768, 12, 12, 3072)
    vit = GraspPolicyConfig(**POLICY["paper"])            # ViT-B/16 and UperNet
    assert (vit.patch_size, vit.hidden_size, vit.num_hidden_layers, vit.num_attention_heads, vit.head) == (
        16, 768, 12, 12, "upernet")
