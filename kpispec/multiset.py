"""Lists compared as multisets: what one has that the other does not, duplicates counted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable


def beyond(these: Iterable, those: Iterable, key: Callable, their_key: Callable | None = None) -> list:
    """The items of `these` that `those` do not have, in order, compared by `key` (`their_key` for
    the items of `those`, when they are keyed another way); each item of `those` answers for one."""
    left = Counter(map(their_key or key, those))
    out = []
    for item in these:
        k = key(item)
        if left[k] > 0:
            left[k] -= 1
        else:
            out.append(item)
    return out
