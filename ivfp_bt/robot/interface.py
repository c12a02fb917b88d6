"""What the executive needs from any robot backend to keep the robot safe.

The full motion and camera interface belongs to the backends (simulated Stretch,
real Stretch); this is the part every run relies on when it stops.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class Robot(Protocol):
    """A robot the executive can always bring to a safe state."""

    def stop(self) -> None:
        """Stop every joint now."""

    def open_gripper(self) -> None:
        """Open the gripper, releasing whatever it holds."""

    def close(self) -> None:
        """Release the hardware or simulation."""
