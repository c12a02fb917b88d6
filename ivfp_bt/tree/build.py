"""From a checked ``NodeSpec`` to live py_trees behaviours."""

from __future__ import annotations

import uuid

from py_trees.behaviour import Behaviour

from ivfp_bt import registry
from ivfp_bt.errors import Origin
from ivfp_bt.tree.control_nodes import CONTROL_TYPES
from ivfp_bt.tree.spec import NodeSpec

Origins = dict[uuid.UUID, tuple[Origin, str]]


def build(spec: NodeSpec, origins: Origins) -> Behaviour:
    """Build the behaviour for ``spec`` and all below it; record each node's origin by id."""
    children = [build(child, origins) for child in spec.children]
    control = CONTROL_TYPES.get(spec.type)
    if control is not None:
        node = control.build(spec.name, spec.params, children)
    else:
        node = registry.leaves()[spec.type](name=spec.name, params=spec.params)
        node.setup_ports(port_remappings=spec.ports, subtree_namespace=spec.namespace)
        node.given_params = spec.given
    node.included_from = spec.included_from   # displays mark where an included file's subtree begins
    origins[node.id] = (spec.origin, spec.where)
    return node
