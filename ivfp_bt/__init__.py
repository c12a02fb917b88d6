"""ivfp-bt: a behaviour-tree task executive for picking in clutter with IVFP."""

__version__ = "0.1.0"
