"""The base class of every ivfp-bt leaf: typed parameters plus py_trees ports.

A leaf declares
- ``PARAMS``: constants fixed when the tree is built (a duration, a threshold);
- ``INPUT_PORTS`` / ``OUTPUT_PORTS``: py_trees 2.6 ports, wired to blackboard keys;
- ``REQUIRES``: the resources ``setup()`` must be given (``"robot"``, ``"models"``);
- ``BTCPP_KIND``: "Condition" for leaves that only test something (Groot2 files them apart).

Subclasses register themselves under their class name (or ``tag=``) both in our
registry and in py_trees' ports registry, so py_trees' BehaviorTree.CPP XML
parser builds them too. The first line of the class docstring is its help text.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

import py_trees
from py_trees.ports import PortInformation, PortsMixin

from ivfp_bt import registry
from ivfp_bt.errors import UserError
from ivfp_bt.params import Param


class Leaf(PortsMixin, py_trees.behaviour.Behaviour, register=False):
    """Base class for leaves; not a node type itself."""

    PARAMS: ClassVar[dict[str, Param]] = {}
    INPUT_PORTS: ClassVar[dict[str, PortInformation]] = {}
    OUTPUT_PORTS: ClassVar[dict[str, PortInformation]] = {}
    REQUIRES: ClassVar[tuple[str, ...]] = ()
    TAG: ClassVar[str] = ""
    BTCPP_KIND: ClassVar[str] = "Action"   # how Groot2's palette files it: "Action" or "Condition"
    given_params: tuple[str, ...] | None = None   # the params its tree file set; None: built in code

    def __init_subclass__(cls, *, tag: str | None = None, register: bool = True, **kwargs: Any):
        cls.TAG = tag or cls.__name__
        _check_param_names(cls)
        if register:  # before py_trees registers it: a refused class must not replace the original there
            registry.register(cls.TAG, cls)
        super().__init_subclass__(tag=tag, register=register, **kwargs)

    def __init__(
        self,
        name: str = "",
        behaviour_class_name: str | None = None,
        params: dict[str, Any] | None = None,
        **text_params: Any,
    ):
        """Build the leaf from typed ``params`` (YAML, Python) or from ``text_params`` (XML attributes).

        Text values are read as YAML scalars ("0.5" is a float); typed values are taken as they are.
        """
        super().__init__(name=name or self.TAG, behaviour_class_name=behaviour_class_name or self.TAG)
        if params is not None and text_params:
            raise TypeError("give parameters either as params= or as keyword text, not both")
        self.params = self.check_params(params if params is not None else text_params, from_text=params is None)
        for key, value in self.params.items():
            setattr(self, key, value)
        self.port_keys: dict[str, str] = {}
        self.clock = time.monotonic

    @classmethod
    def check_params(cls, given: dict[str, Any], from_text: bool = False) -> dict[str, Any]:
        """Return every parameter's value (given or default); raise ``ValueError`` if any is bad."""
        unknown = sorted(set(given) - set(cls.PARAMS))
        if unknown:
            raise ValueError(f"{cls.TAG}: unknown parameter(s) {', '.join(unknown)}")
        values = {}
        for key, param in cls.PARAMS.items():
            if key in given:
                try:
                    values[key] = param.check(given[key], from_text=from_text)
                except ValueError as error:
                    raise ValueError(f"{cls.TAG}: parameter {key!r} {error}") from None
            elif param.required:
                raise ValueError(f"{cls.TAG}: missing required parameter {key!r}")
            else:
                values[key] = param.default
        return values

    @classmethod
    def summary(cls) -> str:
        """The first paragraph of the class docstring, as one line."""
        first = (cls.__doc__ or "").strip().split("\n\n")[0]
        return " ".join(line.strip() for line in first.splitlines())

    def setup_ports(self, port_remappings: dict | None = None, subtree_namespace: str = "/", logger: Any = None) -> None:
        """Wire the ports (see py_trees ``PortsMixin``) and remember the wiring for display."""
        super().setup_ports(port_remappings=port_remappings, subtree_namespace=subtree_namespace, logger=logger)
        self.port_keys = dict(port_remappings or {})

    def setup(self, **resources: Any) -> None:
        """Take the resources this leaf needs from what the executive passes to every leaf."""
        missing = [name for name in self.REQUIRES if resources.get(name) is None]
        if missing:
            raise UserError(f"leaf {self.name!r} ({self.TAG}) needs {', '.join(missing)}, but the run provides none")
        for name in self.REQUIRES:
            setattr(self, name, resources[name])
        self.clock = resources.get("clock") or time.monotonic


# Set on instances by py_trees and by Leaf, so invisible to hasattr() on the class.
_INSTANCE_ATTRIBUTES = {"name", "id", "status", "children", "parent", "feedback_message", "blackboards", "logger",
                        "blackbox_level", "qualified_name", "iterator", "params", "port_keys", "clock"}


def _check_param_names(cls: type[Leaf]) -> None:
    clashes = [key for key in cls.PARAMS
               if hasattr(py_trees.behaviour.Behaviour, key) or key in _INSTANCE_ATTRIBUTES]
    ports = set(cls.INPUT_PORTS) | set(cls.OUTPUT_PORTS)
    clashes += sorted(ports & set(cls.PARAMS))
    if clashes:
        raise TypeError(f"{cls.__name__}: parameter name(s) {clashes} clash with attributes or ports")
