"""MuJoCo's EGL renderer with the PyOpenGL that stretch_body brings.

On a Stretch's computer stretch_body pulls in pyrender, which pins PyOpenGL 3.1.0. That
release predates the ``EGLDeviceEXT`` type that ``mujoco.egl`` names when it enumerates
devices, so rendering fails to import. The type is an opaque handle (newer PyOpenGL defines
it as one); naming it as a void pointer is all MuJoCo needs.
"""

from __future__ import annotations

import ctypes
import os


def patch_pyopengl_egl() -> bool:
    """Give an old PyOpenGL's EGL module the device type MuJoCo needs; True if it was missing.

    Only under MUJOCO_GL=egl, and before MuJoCo opens its first context."""
    if os.environ.get("MUJOCO_GL", "").lower() != "egl":
        return False
    os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
    try:
        from OpenGL import EGL
    except (ImportError, AttributeError):
        return False    # no PyOpenGL, or no libEGL: MuJoCo's own error says which
    if hasattr(EGL, "EGLDeviceEXT"):
        return False
    EGL.EGLDeviceEXT = ctypes.c_void_p
    return True
