"""ClassifyGrasp (IVFP): the probe video's verdict, SUCCESS or FAIL, with its probability."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import py_trees
from py_trees.ports import PortInformation

from ivfp_bt.behaviours.leaf import Leaf
from ivfp_bt.errors import UserError
from ivfp_bt.params import Param

Status = py_trees.common.Status


class ClassifyGrasp(Leaf):
    """Classify `video` with the IVFP classifier: SUCCESS if P(success) >= `threshold`, else FAILURE."""

    PARAMS = {
        "threshold": Param(float, 0.5, "least P(success) accepted", min=0.0, max=1.0),
        "model": Param(str, "models/ivfp_classifier", "directory of the trained classifier (config.json + "
                       "model.safetensors), relative to the working directory"),
    }
    INPUT_PORTS = {"video": PortInformation(list, required=True, description="the probe video")}
    OUTPUT_PORTS = {"p_success": PortInformation(float, required=True, description="the classifier's P(success)")}

    def setup(self, **resources: Any) -> None:
        super().setup(**resources)
        path = Path(self.model)
        if not (path / "config.json").is_file() or not (path / "model.safetensors").is_file():
            raise UserError(f"leaf {self.name!r}: no IVFP classifier at {path}/ (config.json + model.safetensors); "
                            "classifiers come from `ivfp-bt train classifier`, which is not part of this version yet")
        raise UserError(f"leaf {self.name!r}: loading IVFP classifiers is not part of this version yet")

    def update(self) -> Status:   # setup() refuses to build the leaf until classifiers can be loaded
        self.feedback_message = "no classifier"
        return Status.FAILURE
