"""'Did you mean …?' suggestions."""

from __future__ import annotations

import difflib


def closest(word: str, candidates, cutoff: float = 0.6) -> str | None:
    candidates = list(dict.fromkeys(candidates))
    matches = difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)
    if matches:
        return matches[0]
    lowered = {c.lower(): c for c in candidates}
    return lowered.get(word.lower())
