"""``--set FIELD=VALUE``: the benches that measure a draft scene configuration read its changed
fields with this (values as Python literals: 0.005, (0.001, 0.003), or a word: product)."""

from __future__ import annotations

import argparse
import ast


def setting(text: str) -> tuple[str, object]:
    """One ``FIELD=VALUE`` as (field, value), for argparse's ``type``."""
    field, _, value = text.partition("=")
    try:
        return field, ast.literal_eval(value)
    except (ValueError, SyntaxError):
        if value.isidentifier():      # a word: order_by=product
            return field, value
        raise argparse.ArgumentTypeError(f"{text!r}: expected FIELD=VALUE with a Python literal value") from None
