"""The pick leaves: observe, propose, choose, grasp, probe, classify, label, extract, release,
and the clip recorder and failure-anticipation monitor that run beside a motion.

Each leaf writes what it did to ``self.record`` when it finishes; the sidecar logger reads
it from there, so leaves know nothing about logging.
"""

from ivfp_bt.behaviours.pick.anticipate_failure import AnticipateFailure
from ivfp_bt.behaviours.pick.classify_grasp import ClassifyGrasp
from ivfp_bt.behaviours.pick.execute_grasp import ExecuteGrasp
from ivfp_bt.behaviours.pick.human_label import HumanLabel
from ivfp_bt.behaviours.pick.motion_leaves import Drop, Extract, Release, ResetArm
from ivfp_bt.behaviours.pick.next_candidate import NextCandidate
from ivfp_bt.behaviours.pick.observe import Observe
from ivfp_bt.behaviours.pick.probe import Probe
from ivfp_bt.behaviours.pick.propose_grasps import ProposeGrasps
from ivfp_bt.behaviours.pick.record_clip import RecordClip

__all__ = ["AnticipateFailure", "ClassifyGrasp", "Drop", "ExecuteGrasp", "Extract", "HumanLabel", "NextCandidate", "Observe", "Probe",
           "ProposeGrasps", "RecordClip", "Release", "ResetArm"]
