"""The real Stretch RE1: stretch_body for motion, pyrealsense2 for the head camera.

Install with ``pip install 'ivfp-bt[stretch]'`` on the robot. Nothing here is imported
until the ``stretch`` backend is asked for.
"""

from ivfp_bt.robot.stretch.discovery import open_stretch_robot

__all__ = ["open_stretch_robot"]
