"""ClassifyGrasp (IVFP): the probe video's verdict, SUCCESS or FAIL, with its probability."""

from __future__ import annotations

from typing import Any

import numpy as np
import py_trees
from py_trees.ports import NoDataAvailable, PortInformation

from ivfp_bt.behaviours.leaf import Leaf
from ivfp_bt.params import Param

Status = py_trees.common.Status


class ClassifyGrasp(Leaf):
    """Classify `video` with the IVFP classifier: SUCCESS if P(success) >= `threshold`, else FAILURE."""

    PARAMS = {
        "threshold": Param(float, 0.5, "least P(success) accepted", min=0.0, max=1.0),
        "model": Param(str, "models/ivfp_classifier", "directory of the trained classifier (config.json + "
                       "model.safetensors); a relative path is looked up in the working directory, then in "
                       "the ivfp-bt checkout"),
    }
    INPUT_PORTS = {"video": PortInformation(list, required=True, description="the probe video")}
    OUTPUT_PORTS = {"p_success": PortInformation(float, required=True, description="the classifier's P(success)")}

    def setup(self, **resources: Any) -> None:
        super().setup(**resources)
        from ivfp_bt.models.checkpoints import shared_classifier
        self.classifier = shared_classifier(self.model)    # a missing model is a UserError here, before any motion

    def initialise(self) -> None:
        self.record = {}

    def update(self) -> Status:
        import torch

        from ivfp_bt.models import device
        from ivfp_bt.models.ivfp_classifier import success_probability, video_tensor
        try:
            frames = self.get_input("video")
        except NoDataAvailable:
            self.feedback_message = "no probe video"
            return Status.FAILURE
        if not frames:
            self.feedback_message = "the probe video is empty"
            return Status.FAILURE
        video = video_tensor(np.stack([f.image for f in frames]), self.classifier.config)
        on = device.of(self.classifier)
        with torch.inference_mode(), device.precision(on):
            logits = self.classifier(pixel_values=video[None].to(on)).logits
        p = float(success_probability(logits.float().cpu())[0])
        self._set_output("p_success", p)
        verdict = "success" if p >= self.threshold else "fail"
        # the IVFP reward; a person's label, where one follows, replaces it
        self.record = {"classifier_p_success": round(p, 4), "classifier_verdict": verdict,
                       "reward": 1.0 if verdict == "success" else -1.0, "reward_source": "ivfp"}
        self.feedback_message = f"P(success) {p:.2f}: {verdict.upper()}"
        return Status.SUCCESS if verdict == "success" else Status.FAILURE
