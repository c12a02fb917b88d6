"""'Did you mean ...?' hints for misspelt names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: object, options: Iterable[object]) -> str:
    """`` (did you mean 'x'?)`` for the closest option, or an empty string."""
    candidates = [str(option) for option in options]
    close = difflib.get_close_matches(str(word), candidates, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in candidates}
        close = [lowered[str(word).lower()]] if str(word).lower() in lowered else []
    return f"; did you mean {close[0]!r}?" if close else ""
