"""The built-in leaves. Importing this package registers them."""

from ivfp_bt.behaviours.blackboard import CheckBlackboard, SetBlackboard
from ivfp_bt.behaviours.leaf import Leaf
from ivfp_bt.behaviours.log_message import Log
from ivfp_bt.behaviours.outcome import Fail, Succeed
from ivfp_bt.behaviours import pick  # noqa: F401  (registers the pick leaves)
from ivfp_bt.behaviours.wait import Wait

__all__ = ["CheckBlackboard", "Fail", "Leaf", "Log", "SetBlackboard", "Succeed", "Wait"]
