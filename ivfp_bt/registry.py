"""The one registry of leaf types, by the name trees use for them.

Built-in leaves register when their module is imported; third-party packages
add theirs through the ``ivfp_bt.behaviours`` entry point group, whose entries
name either a module or a leaf class; importing it registers its leaves.
"""

from __future__ import annotations

import importlib.metadata
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ivfp_bt.behaviours.leaf import Leaf

ENTRY_POINT_GROUP = "ivfp_bt.behaviours"

_leaves: dict[str, type[Leaf]] = {}
_loaded = False
plugin_errors: list[str] = []


def register(tag: str, cls: type[Leaf]) -> None:
    """Register ``cls`` under ``tag``; a second class under the same tag is an error."""
    existing = _leaves.get(tag)
    if existing is not None and existing is not cls:
        raise ValueError(
            f"leaf type {tag!r} is already registered by {existing.__module__}.{existing.__qualname__}"
        )
    _leaves[tag] = cls


def leaves() -> dict[str, type[Leaf]]:
    """Every registered leaf type, built-ins and plugins, by tag."""
    _load_all()
    return dict(_leaves)


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    import ivfp_bt.behaviours  # noqa: F401  (registers the built-in leaves)

    seen = set()
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if entry.value in seen:  # one distribution visible through two sys.path entries
            continue
        seen.add(entry.value)
        try:
            loaded = entry.load()
        except Exception as error:  # a broken plugin must not take the executive down
            message = f"plugin {entry.name!r} ({entry.value}) failed to load: {error}"
            plugin_errors.append(message)
            print(f"warning: {message}", file=sys.stderr)
            continue
        if isinstance(loaded, type) and loaded not in _leaves.values():
            message = f"plugin {entry.name!r} ({entry.value}) names {loaded.__name__}, which is not an ivfp_bt Leaf"
            plugin_errors.append(message)
            print(f"warning: {message}", file=sys.stderr)


def reload_plugins() -> None:
    """Look for entry points again (after installing a plugin at run time, or in tests)."""
    global _loaded
    _loaded = False
    plugin_errors.clear()
    _load_all()
