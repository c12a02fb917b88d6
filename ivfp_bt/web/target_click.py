"""``--target click``: the robot's target source is the person at the web page, who clicks the
item to pick on the head camera's image; the item is segmented from the click
(ivfp_bt.robot.click_segment). The robot waits, still, until the click comes."""

from __future__ import annotations

import time

from ivfp_bt.robot.interface import RGBDFrame
from ivfp_bt.robot.target_source import MaskAndNote
from ivfp_bt.web.hub import LiveHub
from ivfp_bt.web.pictures import head_picture, jpeg
from ivfp_bt.web.teleop import TeleopOperator

WAIT_S = 300.0


class ClickTarget:
    def __init__(self, operator: TeleopOperator, wait_s: float = WAIT_S, poll_s: float = 0.1):
        self.operator, self.wait_s, self.poll_s = operator, wait_s, poll_s

    def mask(self, frame: RGBDFrame) -> MaskAndNote:
        deadline = time.monotonic() + self.wait_s
        while (mask := self.operator.ask_target(frame)) is None:
            if time.monotonic() >= deadline:
                self.operator.cancel("target")
                return None, f"nobody marked the target on the web page within {self.wait_s:g} s"
            time.sleep(self.poll_s)
        return mask, ""


def show_head(hub: LiveHub, frame: RGBDFrame) -> None:
    """Put the frame to click on the page, as the live head image."""
    height, width = frame.color.shape[:2]
    hub.put_picture("head", jpeg(head_picture(frame.color, None)), width=width, height=height)
