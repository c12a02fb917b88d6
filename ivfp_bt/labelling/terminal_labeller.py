"""A person labels each probed grasp at the terminal (the web page comes with the web issue)."""

from __future__ import annotations

from collections.abc import Callable

CHOICES = {"g": "success", "u": "fail_not_picked", "m": "fail_multipick", "w": "fail_wrong_item"}
PROMPT = "label the grasp: [g]ood grasp, [u]ngrasped, [m]ultipick, [w]rong item? "


class TerminalLabeller:
    def __init__(self, ask: Callable[[str], str] = input):
        self.ask = ask

    def label(self, accuracy: float) -> str:
        while True:
            answer = self.ask(PROMPT).strip().lower()[:1]
            if answer in CHOICES:
                return CHOICES[answer]
