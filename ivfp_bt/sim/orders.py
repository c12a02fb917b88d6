"""Which of the items that could be ordered is ordered next.

A warehouse order names a product, not a unit on the shelf: the picker is sent for a tea box,
and takes whichever tea box it can reach. Drawing the item uniformly instead (bin-v1, bin-v2)
orders a product as often as its units fill the front of the bin, so the narrowest goods,
which fill most of each row, are ordered most.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

ORDER_BY = ("item", "product")


def choose_order(rng: np.random.Generator, choices: Sequence[int], type_names: Sequence[str],
                 order_by: str) -> int:
    """One of ``choices`` (item indices): uniformly over them (``item``), or over the products
    among them and then over that product's units (``product``)."""
    if order_by == "item":
        return int(rng.choice(list(choices)))
    if order_by != "product":
        raise ValueError(f"order_by is one of {', '.join(ORDER_BY)}, not {order_by!r}")
    products = sorted({type_names[i] for i in choices})
    product = products[int(rng.integers(len(products)))]
    units = [i for i in choices if type_names[i] == product]
    return units[int(rng.integers(len(units)))]
